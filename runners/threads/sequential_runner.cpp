#include "runners/threads/sequential_runner.hpp"

namespace concbench {

batch_outcome sequential_runner::run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) {
  batch_recorder recorder(batch, work.name(), to_string(model_kind::sequential), stop, watchdog());
  for (std::size_t i = 0; i < batch.size(); ++i) recorder.run_blocking(work, i, 0);
  return recorder.finish();
}

}  // namespace concbench
