#pragma once
// The two machine constants the http ideal needs, measured against a running server (the
// suite does this before its http entries): r, the loopback round trip of one request, and
// X, the request rate at which this server and client saturate. Both ask for delay 0.

#include <chrono>
#include <cstdint>
#include <string>

#include "workloads/calibration/machine_constants.hpp"

namespace concbench {

// Every request of the calibration has `timeout` to complete, like the tasks' requests: the
// user's --http-timeout-ms, so a slow or silent server fails the calibration in the time the
// user chose (and a slow lab server given a longer time-out is not failed here first).
inline constexpr std::chrono::milliseconds default_http_calibration_timeout{10'000};

// r: one blocking client on one keep-alive connection, delay 0: the median of `requests`
// GETs (after a few unmeasured ones that open the connection and warm both sides).
// Throws http_error (http_client.hpp) when a request fails.
double measure_http_round_trip_ns(const std::string& url, std::int64_t body_bytes = 1024, int requests = 200,
                                  std::chrono::milliseconds timeout = default_http_calibration_timeout);

// X: `connections` awaitable clients on one io_context (this thread), delay 0, each sending
// its next GET as soon as the last one is answered, for about `duration`: requests per second.
// Throws http_error when a request fails.
double measure_http_requests_per_second(const std::string& url, std::int64_t body_bytes = 1024, int connections = 16,
                                        std::chrono::milliseconds duration = std::chrono::milliseconds(500),
                                        std::chrono::milliseconds timeout = default_http_calibration_timeout);

// Both, recorded in `constants` (loopback_round_trip_ns, loopback_requests_per_second).
void measure_http_constants(const std::string& url, machine_constants& constants, std::int64_t body_bytes = 1024,
                            std::chrono::milliseconds timeout = default_http_calibration_timeout);

}  // namespace concbench
