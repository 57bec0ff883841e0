#include "runners/threads/coroutine_runner.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

#include "runners/batch/batch_recorder.hpp"
#include "runners/batch/thread_start.hpp"

namespace concbench {
namespace {

struct lane_context {
  const workload& work;
  batch_recorder& recorder;
  std::atomic<std::size_t>& next;
  std::stop_token stop;
  task_form form;
};

boost::asio::awaitable<void> lane(lane_context context, int lane_id) {
  for (std::size_t i; (i = context.next.fetch_add(1, std::memory_order_relaxed)) < context.recorder.size();) {
    if (context.stop.stop_requested()) {
      context.recorder.task_abandoned(i, "never ran: the batch was stopped");
      continue;
    }
    context.recorder.task_started(i, lane_id);
    try {
      const task_spec& task = context.recorder.task(i);
      const task_result result = context.form == task_form::awaitable
                                     ? co_await context.work.run_awaitable(task, context.stop)
                                     : context.work.run_blocking(task, context.stop);
      context.recorder.task_succeeded(i, result);
    } catch (...) {
      context.recorder.task_failed(i, describe_exception(std::current_exception()));
    }
  }
}

}  // namespace

coroutine_runner::coroutine_runner(int loop_threads, std::size_t inflight, task_form form)
    : loop_threads_(loop_threads), inflight_(inflight), form_(form) {}

batch_outcome coroutine_runner::run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) {
  batch_recorder recorder(batch, work.name(), to_string(model_kind::coroutines), stop, watchdog());
  boost::asio::io_context loop(loop_threads_);
  std::atomic<std::size_t> next{0};
  const std::size_t lanes = inflight_ == 0 ? batch.size() : std::min(inflight_, batch.size());
  for (std::size_t l = 0; l < lanes; ++l) {
    // Never detached: the completion handler keeps whatever escaped the lane.
    boost::asio::co_spawn(
        loop, lane({work, recorder, next, recorder.stop_token(), form_}, static_cast<int>(l)),
        [&recorder, l](std::exception_ptr error) {
          if (error) {
            recorder.batch_failed("lane " + std::to_string(l) + " ended with " + describe_exception(error));
          }
        });
  }
  std::vector<std::thread> extra_loop_threads;
  try {
    for (int t = 1; t < loop_threads_; ++t) extra_loop_threads.push_back(start_thread([&loop] { loop.run(); }));
  } catch (const std::system_error& e) {
    recorder.batch_failed("could not start loop thread " + std::to_string(extra_loop_threads.size() + 2) + ": " +
                          explain_refusal(e, os_resource::thread));
  }
  loop.run();
  for (auto& thread : extra_loop_threads) thread.join();
  return recorder.finish();
}

}  // namespace concbench
