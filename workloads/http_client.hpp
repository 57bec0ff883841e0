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
// Every failure throws http_error naming the URL and the cause ("connection refused",
// "timed out", "HTTP 500 ...", "truncated body ...", "malformed response ..."); a stop
// request throws http_request_stopped.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <stop_token>
#include <string>

#include "http_url.hpp"

namespace concbench {

struct http_request_options {
  // For the whole request: connect, send, and receive the complete response.
  std::chrono::milliseconds timeout{10'000};
  // Reuse a cached connection and leave it open afterwards; false: one connection per
  // request, asked to close with "Connection: close".
  bool keep_alive = true;
  std::uint64_t max_body_bytes = std::uint64_t{256} << 20;
};

struct http_response {
  unsigned status = 0;  // always 200: anything else is an http_error
  std::string body;
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

http_response http_get(const http_url& url, const http_request_options& options = {},
                       std::stop_token stop = {});

// On the calling coroutine's executor. A stop request posts a cancel to that executor. With
// one loop thread the cancel is ordered with the request's steps and always ends it; with
// several, a cancel that runs just while a step is being started can miss it, and that
// request ends when the step does (at the latest at the time-out).
boost::asio::awaitable<http_response> async_http_get(http_url url,
                                                     http_request_options options = {},
                                                     std::stop_token stop = {});

}  // namespace concbench
