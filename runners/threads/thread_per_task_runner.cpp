#include "runners/threads/thread_per_task_runner.hpp"

#include <system_error>
#include <thread>
#include <vector>

#include "runners/batch/batch_recorder.hpp"
#include "runners/batch/thread_start.hpp"

namespace concbench {

batch_outcome thread_per_task_runner::run(const workload& work, std::span<const task_spec> batch,
                                          std::stop_token stop) {
  batch_recorder recorder(batch, work.name(), to_string(model_kind::thread_per_task), stop, watchdog());
  std::vector<std::thread> threads;
  threads.reserve(batch.size());
  std::size_t started = 0;
  try {
    for (; started < batch.size(); ++started) {
      threads.push_back(
          start_thread([&recorder, &work, i = started] { recorder.run_blocking(work, i, static_cast<int>(i)); }));
    }
  } catch (const std::system_error& e) {
    recorder.batch_failed("could not start thread " + std::to_string(started + 1) + " of " +
                          std::to_string(batch.size()) + ": " + explain_refusal(e, os_resource::thread));
    for (std::size_t i = started; i < batch.size(); ++i) recorder.task_failed(i, "never ran: no thread for it");
  }
  for (auto& thread : threads) thread.join();
  return recorder.finish();
}

}  // namespace concbench
