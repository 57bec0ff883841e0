#pragma once
// `threads`: our pool of W std::threads; a free worker claims the next task (an atomic index).
// Cold: the pool is built and joined inside the measured interval, as the tutorials time
// `with ThreadPoolExecutor() as ex:`. Warm: built once, before any batch.

#include <memory>

#include "runners/batch/runner.hpp"
#include "runners/threads/worker_pool.hpp"

namespace concbench {

class thread_pool_runner final : public runner {
 public:
  thread_pool_runner(int workers, pool_mode pool);
  batch_outcome run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) override;

 private:
  int workers_;
  std::unique_ptr<worker_pool> warm_pool_;  // only for pool_mode::warm
};

}  // namespace concbench
