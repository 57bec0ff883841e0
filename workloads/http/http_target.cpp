#include "workloads/http/http_target.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "workloads/number_format.hpp"

namespace concbench {
namespace {

template <typename number>
number parse_number(std::string_view key, std::string_view text) {
  number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    throw std::invalid_argument("bad " + std::string(key) + " '" + std::string(text) + "' in the query");
  }
  return value;
}

}  // namespace

http_target parse_http_target(std::string_view target) {
  http_target out;
  const auto question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question == std::string_view::npos) return out;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    const auto key = pair.substr(0, equals);
    const auto value = pair.substr(equals + 1);
    if (key == "delay_ms") {
      const auto ms = parse_number<double>(key, value);
      if (!(ms >= 0) || !std::isfinite(ms) || ms > max_http_delay_ms) {
        throw std::invalid_argument("delay_ms must be between 0 and " + format_number(max_http_delay_ms) + ", got " +
                                    std::string(value));
      }
      out.delay_ms = ms;
    } else if (key == "bytes") {
      const auto bytes = parse_number<std::int64_t>(key, value);
      if (bytes < 0 || bytes > max_http_body_bytes) {
        throw std::invalid_argument("bytes must be between 0 and " + std::to_string(max_http_body_bytes) + ", got " +
                                    std::string(value));
      }
      out.bytes = bytes;
    }
  }
  return out;
}

std::string make_http_target(std::string_view path, double delay_ms, std::int64_t bytes) {
  // The shortest text that reads back as the same double: the server waits exactly the delay
  // the workload's parameters state.
  char delay[32];
  const auto written = std::to_chars(delay, delay + sizeof delay, delay_ms);
  return std::string(path) + "?delay_ms=" + std::string(delay, written.ptr) + "&bytes=" + std::to_string(bytes);
}

}  // namespace concbench
