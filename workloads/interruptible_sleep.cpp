#include "workloads/interruptible_sleep.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace concbench {

std::chrono::nanoseconds sleep_unless_stopped(std::chrono::nanoseconds duration, std::stop_token stop) {
  const auto start = std::chrono::steady_clock::now();
  if (!stop.stop_possible()) {
    std::this_thread::sleep_for(duration);
  } else {
    // condition_variable_any wakes on a stop request through the token itself.
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    wake.wait_until(lock, stop, start + duration, [] { return false; });
  }
  return std::chrono::steady_clock::now() - start;
}

boost::asio::awaitable<std::chrono::nanoseconds> async_sleep_unless_stopped(std::chrono::nanoseconds duration,
                                                                            std::stop_token stop) {
  const auto start = std::chrono::steady_clock::now();
  auto executor = co_await boost::asio::this_coro::executor;
  // Shared: a cancel posted by a stop request may run after this coroutine has finished.
  auto timer = std::make_shared<boost::asio::steady_timer>(executor, duration);
  std::stop_callback cancel_on_stop(
      stop, [timer] { boost::asio::post(timer->get_executor(), [timer] { timer->cancel(); }); });
  co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  co_return std::chrono::steady_clock::now() - start;
}

}  // namespace concbench
