#include "workloads/http/http_server.hpp"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <exception>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "workloads/http/http_body.hpp"
#include "workloads/http/http_quote.hpp"
#include "workloads/http/http_target.hpp"
#include "workloads/number_format.hpp"

namespace concbench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A GET carries no body; a small allowance keeps clients that send one anyway from being
// refused, a limit keeps a client from making the server buffer megabytes.
constexpr std::uint64_t request_body_limit = 64 * 1024;
constexpr std::uint32_t request_header_limit = 16 * 1024;

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::end_of_stream).category();
}

void validate(const http_server_options& options) {
  if (!(options.delay_ms >= 0) || !std::isfinite(options.delay_ms) || options.delay_ms > max_http_delay_ms) {
    throw std::invalid_argument("server delay must be between 0 and " + format_number(max_http_delay_ms) + " ms, got " +
                                format_number(options.delay_ms));
  }
  if (options.body_bytes < 0 || options.body_bytes > max_http_body_bytes) {
    throw std::invalid_argument("server body size must be between 0 and " + std::to_string(max_http_body_bytes) +
                                " bytes, got " + std::to_string(options.body_bytes));
  }
  if (options.idle_timeout_ms < 1) {
    throw std::invalid_argument("server idle time-out must be at least 1 ms, got " +
                                std::to_string(options.idle_timeout_ms));
  }
  if (options.threads < 1 || options.threads > max_http_server_threads) {
    throw std::invalid_argument("server threads must be between 1 and " + std::to_string(max_http_server_threads) +
                                ", got " + std::to_string(options.threads));
  }
}

// Waits out a response's delay unless the client leaves first; false when it left. A client
// that closed its connection while its response was delayed would otherwise keep the socket
// open (in CLOSE-WAIT) until the delay ends: with long delays and clients that give up, the
// server would hold a descriptor for every client long gone, and run out of them.
asio::awaitable<bool> wait_unless_client_leaves(tcp::socket& socket, std::chrono::nanoseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  for (;;) {
    // Whichever comes first; the other is cancelled (and finished) before this returns.
    auto [order, timer_error, wait_error] =
        co_await asio::experimental::make_parallel_group(timer.async_wait(asio::deferred),
                                                         socket.async_wait(tcp::socket::wait_read, asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    if (order[0] == 0) co_return true;  // the delay is over
    if (wait_error) co_return false;
    // Readable: a read would return end-of-file (the client closed; a client that only shut
    // down its sending side is taken as gone too, as nginx takes it) or a reset's error, or
    // the client sent its next request early (pipelining). A peek tells which, and leaves a
    // request's bytes for the next read.
    char byte = 0;
    const auto peeked = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (peeked == 0) co_return false;
    if (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) co_return false;
    if (peeked > 0) break;  // a client still there: the socket stays readable, so stop watching
  }
  co_await timer.async_wait(use_tuple);
  co_return true;
}

}  // namespace

struct http_server::state {
  // The loop is declared first so it is destroyed last: coroutine frames of connections still
  // open at stop() are destroyed with it, and their sockets need it alive.
  asio::io_context loop;
  http_server_options options;
  tcp::acceptor acceptor;
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> responses{0};
  // The loop's other threads (start_threads()); joined by run() or the destructor.
  std::vector<std::thread> helpers;
  bool helpers_started = false;

  explicit state(const http_server_options& o) : loop(o.threads), options(o), acceptor(loop) {}

  std::chrono::milliseconds idle_timeout() const { return std::chrono::milliseconds(options.idle_timeout_ms); }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve_connection(tcp::socket socket);
  asio::awaitable<bool> answer(beast::tcp_stream& stream, const http::request<http::string_body>& request);
  asio::awaitable<bool> send_body(beast::tcp_stream& stream, const http::response_header<>& header,
                                  const std::string& path, std::uint64_t bytes);
};

asio::awaitable<void> http_server::state::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of file descriptors or a connection reset before it was accepted: back off a
      // little and keep serving; the listening socket itself is fine.
      asio::steady_timer pause(loop, std::chrono::milliseconds(10));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // a small response must not wait for an ACK
    connections.fetch_add(1, std::memory_order_relaxed);
    // One coroutine per connection. Its handler swallows what escaped it (only bad_alloc can:
    // every I/O result is a value): one connection's trouble must never end the server.
    asio::co_spawn(loop, serve_connection(std::move(socket)), [](std::exception_ptr) {});
  }
}

asio::awaitable<void> http_server::state::serve_connection(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(request_header_limit);
    parser.body_limit(request_body_limit);
    // The idle time-out: a client that sends nothing (or half a request) this long is dropped.
    stream.expires_after(idle_timeout());
    auto [read_error, read_bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (read_error) {
      // end_of_stream: the client closed between requests; partial_message: it vanished
      // mid-request; timeout, reset: gone or idle. None of these is answered.
      const bool client_went_away = read_error == http::error::end_of_stream ||
                                    read_error == http::error::partial_message || !is_http_error(read_error);
      if (!client_went_away) {
        // The bytes were not HTTP: say so and close (the stream cannot be resynchronised).
        http::response<http::string_body> bad{http::status::bad_request, 11};
        bad.set(http::field::server, "concbench");
        bad.set(http::field::content_type, "text/plain");
        bad.keep_alive(false);
        bad.body() = "bad request: " + read_error.message() + "\n";
        bad.prepare_payload();
        stream.expires_after(idle_timeout());
        co_await http::async_write(stream, bad, use_tuple);
      }
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      co_return;
    }
    const bool keep_open = co_await answer(stream, parser.get());
    if (!keep_open) {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      co_return;
    }
  }
}

// Answers one request; returns whether the connection stays open for the next one.
asio::awaitable<bool> http_server::state::answer(beast::tcp_stream& stream,
                                                 const http::request<http::string_body>& request) {
  http::response<http::string_body> response;
  response.version(request.version());
  response.set(http::field::server, "concbench");
  response.keep_alive(request.keep_alive() && options.keep_alive);
  if (request.method() != http::verb::get) {
    response.result(http::status::method_not_allowed);
    response.set(http::field::allow, "GET");
    response.set(http::field::content_type, "text/plain");
    response.body() = "only GET is served here\n";
  } else {
    double delay_ms = options.delay_ms;
    std::int64_t bytes = options.body_bytes;
    std::string path;
    try {
      auto target = parse_http_target(request.target());
      path = std::move(target.path);
      delay_ms = target.delay_ms.value_or(delay_ms);
      bytes = target.bytes.value_or(bytes);
      response.result(http::status::ok);
    } catch (const std::invalid_argument& e) {
      response.result(http::status::bad_request);
      response.set(http::field::content_type, "text/plain");
      response.body() = std::string("bad request: ") + e.what() + "\n";
    }
    if (response.result() == http::status::ok) {
      // The response delay: a timer, so a waiting request holds no thread.
      if (delay_ms > 0 && !co_await wait_unless_client_leaves(stream.socket(),
                                                              std::chrono::nanoseconds(std::llround(delay_ms * 1e6)))) {
        co_return false;  // nobody to answer: the connection closes now
      }
      co_return co_await send_body(stream, response.base(), path, static_cast<std::uint64_t>(bytes));
    }
  }
  response.prepare_payload();
  // A client that stops reading does not hold the connection (and its body) forever.
  stream.expires_after(idle_timeout());
  auto [write_error, written] = co_await http::async_write(stream, response, use_tuple);
  if (write_error) co_return false;
  responses.fetch_add(1, std::memory_order_relaxed);
  co_return response.keep_alive();
}

// Sends the 200 with the body for `path`, piece by piece straight from http_body_piece's
// static storage: a response of 200 MB costs no memory of its own, however many are in flight.
asio::awaitable<bool> http_server::state::send_body(beast::tcp_stream& stream, const http::response_header<>& header,
                                                    const std::string& path, std::uint64_t bytes) {
  http::response<http::buffer_body> response{header};
  response.set(http::field::content_type, "application/octet-stream");
  response.content_length(bytes);
  http::response_serializer<http::buffer_body> serializer{response};
  std::uint64_t offset = 0;
  do {
    const auto piece = http_body_piece(path, offset, bytes - offset);
    offset += piece.size();
    auto& body = response.body();
    // Beast's buffer_body only reads through the pointer (a response is never parsed into it).
    body.data = piece.empty() ? nullptr : const_cast<char*>(piece.data());
    body.size = piece.size();
    body.more = offset < bytes;
    // A client that stops reading does not hold the connection forever.
    stream.expires_after(idle_timeout());
    auto [write_error, written] = co_await http::async_write(stream, serializer, use_tuple);
    // need_buffer: this piece is sent, the next one is wanted.
    if (write_error && write_error != http::error::need_buffer) co_return false;
  } while (!serializer.is_done());
  responses.fetch_add(1, std::memory_order_relaxed);
  co_return response.keep_alive();
}

http_server::http_server(const http_server_options& options) {
  validate(options);
  state_ = std::make_unique<state>(options);
  auto& acceptor = state_->acceptor;
  const auto where = [&] { return options.address + ":" + std::to_string(options.port); };
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.address, ec);
  if (ec) throw std::invalid_argument("server address '" + quote_text(options.address) + "' is not an IP address");
  const tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::system_error(ec, "cannot listen on " + where());
  asio::co_spawn(state_->loop, state_->accept_loop(), [](std::exception_ptr) {});
}

http_server::~http_server() {
  // Threads started without run() are still running the loop: stop them before it goes.
  if (state_ && !state_->helpers.empty()) {
    stop();
    for (auto& helper : state_->helpers) helper.join();
  }
}

std::uint16_t http_server::port() const { return state_->acceptor.local_endpoint().port(); }

std::string http_server::url() const {
  const auto endpoint = state_->acceptor.local_endpoint();
  const auto host =
      endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]" : endpoint.address().to_string();
  return "http://" + host + ":" + std::to_string(endpoint.port()) + "/";
}

void http_server::start_threads() {
  if (state_->helpers_started) return;
  state_->helpers_started = true;
  const int wanted = state_->options.threads - 1;
  state_->helpers.reserve(static_cast<std::size_t>(wanted));
  for (int t = 0; t < wanted; ++t) {
    try {
      state_->helpers.emplace_back([this] { state_->loop.run(); });
    } catch (const std::system_error& e) {
      // Those already started end with the loop; a server short of threads would still
      // serve, but not as the user asked (and its measurements would not be what they say).
      stop();
      for (auto& helper : state_->helpers) helper.join();
      state_->helpers.clear();
      throw std::runtime_error("cannot start thread " + std::to_string(t + 2) + " of " +
                               std::to_string(state_->options.threads) + " for the server (" + e.code().message() +
                               "): ask for fewer --threads");
    }
  }
}

void http_server::run() {
  start_threads();
  state_->loop.run();
  // stop() ends every thread's run(): these joins are short.
  for (auto& helper : state_->helpers) helper.join();
  state_->helpers.clear();
}

void http_server::stop() {
  // io_context::stop is thread-safe and sticky: a run() that has not started yet returns at once.
  state_->loop.stop();
}

boost::asio::any_io_executor http_server::get_executor() { return state_->loop.get_executor(); }

std::uint64_t http_server::connections_accepted() const { return state_->connections.load(std::memory_order_relaxed); }

std::uint64_t http_server::responses_sent() const { return state_->responses.load(std::memory_order_relaxed); }

}  // namespace concbench
