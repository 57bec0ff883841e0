#pragma once
// `coroutines`: a Boost.Asio io_context run by `loop_threads` threads, with C++20 coroutines.
// K lanes (K = inflight, all tasks by default) each take the next task when the last one is
// done, so at most K tasks are in flight. The awaitable form waits on the loop; the blocking
// form calls the blocking task inside the coroutine and stalls its loop thread, as time.sleep
// does inside asyncio. The io_context is built inside the measured interval (asyncio.run).

#include "runners/batch/runner.hpp"

namespace concbench {

class coroutine_runner final : public runner {
 public:
  coroutine_runner(int loop_threads, std::size_t inflight, task_form form);
  batch_outcome run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) override;

 private:
  int loop_threads_;
  std::size_t inflight_;  // 0: all
  task_form form_;
};

}  // namespace concbench
