#pragma once
// The http workload's clients (Boost.Beast; Beast stays inside http_client.cpp): one GET, in a
// blocking form for the thread and process models and an awaitable form for coroutines.
//
// Keep-alive connections are cached per event loop (per Asio execution context): the
// awaitable form uses the calling coroutine's io_context, so the K lanes of a coroutine batch
// end up with at most K connections, reused request after request, and they are closed when
// that io_context goes; the blocking form runs the same code on a private io_context of the
// calling thread (thread_local), so each pool thread or process keeps its own connection.
// A cached connection the server closed meanwhile costs one silent retry on a fresh one.
//
// The body is read piece by piece into a buffer of at most http_body_piece_max_bytes (64 KiB,
// what Beast reads from a socket at a time; http_body.hpp) and never held whole: the caller
// gets its size and checksum, and, when it says which body it expects, every byte is compared
// as it arrives, so a wrong byte or one byte too many fails the request at once. A request's
// memory stays bounded whatever the server sends.
//
// Every failure throws http_error naming the URL and the cause ("connection refused",
// "timed out", "HTTP 500 ...", "truncated body ...", "malformed response ...") in one line
// (text from the server is quoted with its control bytes escaped); a stop request throws
// http_request_stopped.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>

#include "workloads/http/http_url.hpp"

namespace concbench {

// The body a request must get: the server's bytes for `path` (http_body.hpp), exactly
// `bytes` of them.
struct http_expected_body {
  std::string path;
  std::uint64_t bytes = 0;
};

struct http_request_options {
  // For the whole request: connect, send, and receive the complete response.
  std::chrono::milliseconds timeout{10'000};
  // Reuse a cached connection and leave it open afterwards; false: one connection per
  // request, asked to close with "Connection: close".
  bool keep_alive = true;
  // A body longer than this fails as soon as it is known to be (from its Content-Length, or
  // when the bytes overrun it).
  std::uint64_t max_body_bytes = std::uint64_t{256} << 20;
  // When set, any other body fails the request as soon as it differs: a wrong byte, one byte
  // too many, or too few at the end.
  std::optional<http_expected_body> expected_body;
};

struct http_response {
  unsigned status = 0;  // always 200: anything else is an http_error
  std::uint64_t body_bytes = 0;
  std::uint32_t body_checksum = 0;  // http_body_checksum of the body
  bool reused_connection = false;
};

class http_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class http_request_stopped : public http_error {
 public:
  using http_error::http_error;
};

// Blocks the calling thread. The stop token ends a waiting request within a moment: its
// cancel is posted to the private loop, never done from the requesting thread.
// Closes the keep-alive connections that http_get() keeps for the calling thread (each thread
// keeps its own, like a session per thread; they go when the thread ends). For a long-lived
// thread that is done fetching, and for tests that check nothing stays open.
void close_idle_http_connections();

http_response http_get(const http_url& url, const http_request_options& options = {}, std::stop_token stop = {});

// On the calling coroutine's executor. A stop request posts a cancel to that executor. With
// one loop thread the cancel is ordered with the request's steps and always ends it; with
// several, a cancel that runs just while a step is being started can miss it, and that
// request ends when the step does (at the latest at the time-out).
boost::asio::awaitable<http_response> async_http_get(http_url url, http_request_options options = {},
                                                     std::stop_token stop = {});

}  // namespace concbench
