#pragma once
// The loopback HTTP/1.1 server the http workload fetches from (Boost.Beast + Asio coroutines;
// Beast stays inside http_server.cpp). Every GET is answered with the deterministic body of
// its path (http_body.hpp) after a delay that is a timer, never a sleeping thread, so one
// loop thread serves any number of waiting requests. A request may override the delay and
// the body size in its query (http_target.hpp).
//
// Robust by construction: a malformed request gets a 400 and its connection is closed, a
// client that vanishes or goes quiet only ends its own connection (idle time-out), a client
// that closes its connection while its response is delayed has it closed at once (not when
// the delay ends), and nothing a client sends can throw out of run().

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>

namespace concbench {

// The most threads a server's loop may run on. One thread serves any number of waiting
// requests (the delay is a timer), and threads beyond the cores only contend for them; 1,024
// is above the core count of the machines this runs on and far below the system's thread
// limits (threads-max is in the tens of thousands), so a typo such as 100000 is refused rather
// than left to exhaust them.
inline constexpr int max_http_server_threads = 1024;

struct http_server_options {
  std::string address = "127.0.0.1";  // 0.0.0.0 serves other machines too
  std::uint16_t port = 0;             // 0: an ephemeral port, see port()
  double delay_ms = 0;                // L: the wait before each response (unless the query says)
  std::int64_t body_bytes = 1024;     // B: the body size (unless the query says)
  bool keep_alive = true;             // false: every response closes its connection
  // A connection quiet this long (or a write stuck this long) is closed.
  std::int64_t idle_timeout_ms = 30'000;
  int threads = 1;  // threads running the server's loop, 1..max_http_server_threads
};

class http_server {
 public:
  // Binds and listens at once, so port() is known before run(). Throws std::invalid_argument
  // for bad options and std::system_error naming the address and port when it cannot listen.
  explicit http_server(const http_server_options& options);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http://ADDRESS:PORT/"

  // Starts the options.threads - 1 threads that run the loop besides run()'s caller, so a
  // caller can know they all started before it tells anyone it serves (serve_main prints its
  // URL only then). Throws std::runtime_error naming the count when the system refuses one;
  // the server is stopped then, with none of its threads left running. Once only.
  void start_threads();
  // Serves on this thread (and the others, started here unless start_threads() came first)
  // until stop(). Returns at once if stop() came first. Connections still open at that moment
  // are closed with the server.
  void run();
  // Thread-safe, idempotent, callable before run().
  void stop();

  // The server's loop, for things that must run on it (serve_main's signal_set).
  boost::asio::any_io_executor get_executor();

  // For tests and diagnostics.
  std::uint64_t connections_accepted() const;
  std::uint64_t responses_sent() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace concbench
