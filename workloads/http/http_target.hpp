#pragma once
// The request target the http workload sends and the server reads: a path that picks the
// body (http_body.hpp) and a query that may override the server's knobs for this request,
// e.g. "/17?delay_ms=20&bytes=1024". The overrides let one server process serve every http
// entry of a run and its calibration (delay 0), and make a task's parameters true whatever
// knobs the server was started with. Servers that are not concbench ignore the query.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace concbench {

// Upper limits the server accepts, so a stray request cannot make it sleep for a day or
// allocate gigabytes.
inline constexpr double max_http_delay_ms = 600'000;
inline constexpr std::int64_t max_http_body_bytes = std::int64_t{256} << 20;

struct http_target {
  std::string path;                   // the target up to '?'
  std::optional<double> delay_ms;     // ?delay_ms=
  std::optional<std::int64_t> bytes;  // ?bytes=
};

// Throws std::invalid_argument naming the bad value; unknown query keys are ignored.
http_target parse_http_target(std::string_view target);

// The target for `path` with both overrides.
std::string make_http_target(std::string_view path, double delay_ms, std::int64_t bytes);

}  // namespace concbench
