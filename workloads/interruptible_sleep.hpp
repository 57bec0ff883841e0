#pragma once
// Sleeps that end early when a stop is requested: how time-outs and Ctrl-C reach a sleeping
// task. Both return how long they actually slept.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <stop_token>

namespace concbench {

std::chrono::nanoseconds sleep_unless_stopped(std::chrono::nanoseconds duration, std::stop_token stop);

// A steady_timer on the calling coroutine's executor; a stop request cancels it by posting
// to that executor (cancelling from the requesting thread would race: docs/pitfalls.md
// "Boost.Asio and Beast").
boost::asio::awaitable<std::chrono::nanoseconds> async_sleep_unless_stopped(std::chrono::nanoseconds duration,
                                                                            std::stop_token stop);

}  // namespace concbench
