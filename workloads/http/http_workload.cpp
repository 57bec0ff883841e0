#include "workloads/http/http_workload.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "workloads/http/http_body.hpp"
#include "workloads/http/http_client.hpp"
#include "workloads/http/http_target.hpp"
#include "workloads/number_format.hpp"

namespace concbench {
namespace {

// Nominal loopback round trip (only used to fix iteration counts, the same on every machine).
constexpr double nominal_round_trip_ns = 100'000;

// task_result::value packs what verify() needs: the body's byte count in the high half and
// its checksum in the low 32 bits (the status is always 200: anything else is an error).
// A stopped request gives stopped_value, which never verifies.
constexpr std::int64_t stopped_value = -1;

std::int64_t pack(const http_response& response) {
  return (static_cast<std::int64_t>(response.body_bytes) << 32) | response.body_checksum;
}

std::string path_of(const http_url& base, std::size_t index) {
  return parse_http_target(base.target).path + std::to_string(index);
}

}  // namespace

http_workload::http_workload(std::string url, int tasks, double delay_ms, std::int64_t body_bytes, double timeout_ms,
                             bool keep_alive)
    : url_text_(std::move(url)),
      base_(parse_http_url(url_text_)),
      tasks_(tasks),
      delay_ms_(delay_ms),
      body_bytes_(body_bytes),
      timeout_ms_(timeout_ms),
      keep_alive_(keep_alive) {
  if (tasks_ < 1) throw std::invalid_argument("http needs at least one task, got " + std::to_string(tasks_));
  if (!(delay_ms_ >= 0) || !std::isfinite(delay_ms_) || delay_ms_ > max_http_delay_ms) {
    throw std::invalid_argument("http delay must be between 0 and " + format_number(max_http_delay_ms) + " ms, got " +
                                format_number(delay_ms_));
  }
  // The byte count must fit task_result's high half as well as the server's limit.
  if (body_bytes_ < 0 || body_bytes_ > max_http_body_bytes) {
    throw std::invalid_argument("http body size must be between 0 and " + std::to_string(max_http_body_bytes) +
                                " bytes, got " + std::to_string(body_bytes_));
  }
  if (!(timeout_ms_ >= 1) || !std::isfinite(timeout_ms_)) {
    throw std::invalid_argument("http time-out must be at least 1 ms, got " + format_number(timeout_ms_));
  }
  // Tasks are paths below the URL's path: "http://h:p" and "http://h:p/x" become "/" and "/x/".
  auto target = parse_http_target(base_.target);
  if (target.path.empty() || target.path.back() != '/') target.path += '/';
  base_.target = target.path;
}

nlohmann::json http_workload::params() const {
  return {{"url", url_text_},          {"tasks", tasks_},           {"delay_ms", delay_ms_},
          {"body_bytes", body_bytes_}, {"timeout_ms", timeout_ms_}, {"keep_alive", keep_alive_}};
}

std::vector<std::pair<std::string, std::string>> http_workload::name_keys() const {
  std::vector<std::pair<std::string, std::string>> keys{
      {"N", std::to_string(tasks_)}, {"delay_ms", format_number(delay_ms_)}, {"bytes", std::to_string(body_bytes_)}};
  // Only when it differs from the default, so the usual names stay short.
  if (!keep_alive_) keys.emplace_back("conn", "close");
  return keys;
}

std::vector<task_spec> http_workload::make_batch() const {
  std::vector<task_spec> batch;
  batch.reserve(static_cast<std::size_t>(tasks_));
  for (int i = 0; i < tasks_; ++i) batch.push_back({static_cast<std::size_t>(i), body_bytes_});
  return batch;
}

http_url http_workload::task_url(std::size_t index) const {
  return base_.with_target(make_http_target(path_of(base_, index), delay_ms_, body_bytes_));
}

http_request_options http_workload::request_options(const task_spec& task) const {
  http_request_options options;
  options.timeout = std::chrono::milliseconds(std::llround(timeout_ms_));
  options.keep_alive = keep_alive_;
  // Checked as it arrives: a wrong byte or one too many fails the task at once, and the body
  // is never held whole (a task of 200 MB holds 64 KiB).
  options.expected_body = http_expected_body{path_of(base_, task.index), static_cast<std::uint64_t>(task.size)};
  return options;
}

task_result http_workload::run_blocking(const task_spec& task, std::stop_token stop) const {
  const auto options = request_options(task);
  try {
    return {pack(http_get(task_url(task.index), options, std::move(stop)))};
  } catch (const http_request_stopped&) {
    return {stopped_value};  // the contract: a stopped task returns a result that fails verification
  }
}

boost::asio::awaitable<task_result> http_workload::run_awaitable(task_spec task, std::stop_token stop) const {
  const auto options = request_options(task);
  std::optional<http_response> response;
  try {
    response = co_await async_http_get(task_url(task.index), options, std::move(stop));
  } catch (const http_request_stopped&) {
  }
  co_return task_result{response ? pack(*response) : stopped_value};
}

std::optional<std::string> http_workload::verify(const task_spec& task, const task_result& result) const {
  if (result.value == stopped_value) return "stopped before a complete response";
  const auto bytes = result.value >> 32;
  const auto checksum = static_cast<std::uint32_t>(result.value & 0xffffffff);
  const auto path = path_of(base_, task.index);
  if (bytes != task.size) {
    return "GET " + path + " returned " + std::to_string(bytes) + " bytes instead of " + std::to_string(task.size);
  }
  if (checksum != expected_http_body_checksum(path, static_cast<std::size_t>(bytes))) {
    return "GET " + path + " returned a body whose checksum is wrong (not the server's bytes for this path)";
  }
  return std::nullopt;
}

time_estimate http_workload::estimate(std::span<const task_spec> batch, const execution_shape& shape,
                                      const machine_constants& constants) const {
  const double n = static_cast<double>(batch.size());
  const double lanes = std::max(1, shape.wait_lanes);                     // W for pools, K for coroutines, 1 sequential
  const double one = delay_ms_ * 1e6 + constants.loopback_round_trip_ns;  // L + r
  // N / X: the server and client together cannot answer faster than X per second, whatever
  // the concurrency. Unknown X (0) leaves the term out.
  const double rate_floor =
      constants.loopback_requests_per_second > 0 ? n / constants.loopback_requests_per_second * 1e9 : 0;
  const double ideal = std::max(std::ceil(n / lanes) * one, rate_floor);
  const double bound = std::max({n * one / lanes, batch.empty() ? 0.0 : one, rate_floor});
  return {ideal, bound};
}

double http_workload::nominal_sequential_ns() const { return tasks_ * (delay_ms_ * 1e6 + nominal_round_trip_ns); }

}  // namespace concbench
