#include "runners/threads/thread_pool_runner.hpp"

#include <atomic>
#include <optional>
#include <system_error>

#include "runners/batch/batch_recorder.hpp"
#include "runners/batch/resource_limits.hpp"

namespace concbench {

thread_pool_runner::thread_pool_runner(int workers, pool_mode pool) : workers_(workers) {
  if (pool == pool_mode::warm) warm_pool_ = std::make_unique<worker_pool>(workers);
}

batch_outcome thread_pool_runner::run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) {
  batch_recorder recorder(batch, work.name(), to_string(model_kind::threads), stop, watchdog());
  std::atomic<std::size_t> next{0};
  const worker_pool::job claim_tasks = [&](int worker) {
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < batch.size();) {
      recorder.run_blocking(work, i, worker);
    }
  };
  if (warm_pool_) {
    warm_pool_->run(claim_tasks);
  } else {
    try {
      worker_pool cold_pool(workers_);
      cold_pool.run(claim_tasks);
    } catch (const std::system_error& e) {
      recorder.batch_failed("could not start a pool of " + std::to_string(workers_) +
                            " threads: " + explain_refusal(e, os_resource::thread));
      for (std::size_t i = 0; i < batch.size(); ++i) recorder.task_failed(i, "never ran: the pool did not start");
    }
  }
  return recorder.finish();
}

}  // namespace concbench
