#include "workloads/http/http_calibration.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <stdexcept>
#include <vector>

#include "workloads/http/http_client.hpp"
#include "workloads/http/http_target.hpp"
#include "workloads/median.hpp"

namespace concbench {
namespace {

using clock_type = std::chrono::steady_clock;

// Calibration requests use their own path, so a server log tells them from the tasks.
http_url calibration_url(const std::string& url, std::int64_t body_bytes) {
  auto parsed = parse_http_url(url);
  auto path = parse_http_target(parsed.target).path;
  if (path.empty() || path.back() != '/') path += '/';
  return parsed.with_target(make_http_target(path + "calibration", 0, body_bytes));
}

}  // namespace

double measure_http_round_trip_ns(const std::string& url, std::int64_t body_bytes, int requests,
                                  std::chrono::milliseconds timeout) {
  if (requests < 1) throw std::invalid_argument("the round trip needs at least one request");
  const auto target = calibration_url(url, body_bytes);
  http_request_options options;
  options.timeout = timeout;
  constexpr int warm_up = 10;
  for (int i = 0; i < warm_up; ++i) http_get(target, options);
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(requests));
  for (int i = 0; i < requests; ++i) {
    const auto start = clock_type::now();
    http_get(target, options);
    samples.push_back(std::chrono::duration<double, std::nano>(clock_type::now() - start).count());
  }
  // The median: one scheduler hiccup on a shared machine must not move r.
  return median(std::move(samples));
}

double measure_http_requests_per_second(const std::string& url, std::int64_t body_bytes, int connections,
                                        std::chrono::milliseconds duration, std::chrono::milliseconds timeout) {
  if (connections < 1) throw std::invalid_argument("the request rate needs at least one connection");
  const auto target = calibration_url(url, body_bytes);
  http_request_options options;
  options.timeout = timeout;
  boost::asio::io_context loop(1);
  std::uint64_t completed = 0;
  std::exception_ptr failure;
  const auto start = clock_type::now();
  const auto end = start + duration;
  auto last_answer = start;
  const auto lane = [&]() -> boost::asio::awaitable<void> {
    while (clock_type::now() < end && !failure) {
      co_await async_http_get(target, options);
      ++completed;
      last_answer = clock_type::now();
    }
  };
  for (int c = 0; c < connections; ++c) {
    boost::asio::co_spawn(loop, lane(), [&failure](std::exception_ptr error) {
      if (error && !failure) failure = error;
    });
  }
  loop.run();
  if (failure) std::rethrow_exception(failure);
  const double seconds = std::chrono::duration<double>(last_answer - start).count();
  if (completed == 0 || seconds <= 0) throw std::runtime_error("no request completed while measuring the rate");
  return static_cast<double>(completed) / seconds;
}

void measure_http_constants(const std::string& url, machine_constants& constants, std::int64_t body_bytes,
                            std::chrono::milliseconds timeout) {
  constants.loopback_round_trip_ns = measure_http_round_trip_ns(url, body_bytes, 200, timeout);
  constants.loopback_requests_per_second =
      measure_http_requests_per_second(url, body_bytes, 16, std::chrono::milliseconds(500), timeout);
}

}  // namespace concbench
