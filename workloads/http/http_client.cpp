#include "workloads/http/http_client.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "workloads/http/http_body.hpp"
#include "workloads/http/http_quote.hpp"
#include "workloads/open_file_limit.hpp"

namespace concbench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct connection {
  explicit connection(const asio::any_io_executor& executor) : stream(executor) {}
  beast::tcp_stream stream;  // not move-assignable: new per connection (docs/pitfalls.md "Boost.Asio and Beast")
  beast::flat_buffer buffer;
};

// The idle keep-alive connections of one execution context. A service lives and dies with its
// io_context, so a cached socket can never outlive the loop it belongs to (a thread_local or
// global cache could hand out a socket of a destroyed io_context).
class connection_pool final : public asio::execution_context::service {
 public:
  inline static asio::execution_context::id id;

  explicit connection_pool(asio::execution_context& context) : asio::execution_context::service(context) {}

  std::shared_ptr<connection> take(const std::string& key) {
    std::lock_guard lock(mutex_);
    const auto found = idle_.find(key);
    if (found == idle_.end() || found->second.empty()) return nullptr;
    auto taken = std::move(found->second.back());
    found->second.pop_back();
    return taken;
  }

  void give_back(const std::string& key, std::shared_ptr<connection> idle) {
    std::lock_guard lock(mutex_);
    auto& list = idle_[key];
    // More idle connections than this are never needed at once (one per lane in flight).
    if (list.size() < max_idle_per_server) list.push_back(std::move(idle));
  }

 private:
  static constexpr std::size_t max_idle_per_server = 4096;

  void shutdown() override {
    std::lock_guard lock(mutex_);
    idle_.clear();
  }

  std::mutex mutex_;  // one io_context may be run by several threads
  std::unordered_map<std::string, std::vector<std::shared_ptr<connection>>> idle_;
};

// The connection a request is using, for a stop request to cancel. The cancel runs on the
// request's executor and under the mutex, so it can never hit a connection after the request
// handed it back to the pool (and on to another request).
struct cancel_target {
  std::mutex mutex;
  std::shared_ptr<connection> current;

  void set(std::shared_ptr<connection> c) {
    std::lock_guard lock(mutex);
    current = std::move(c);
  }
  void clear() { set(nullptr); }
  void cancel() {
    std::lock_guard lock(mutex);
    // The socket's cancel, not the stream's: it only reads what was fixed when the socket
    // opened and takes the reactor's lock, so it is harmless even when another loop thread is
    // starting the request's next step at that moment. Beast's operation then ends with
    // operation_aborted and stops its own timer.
    if (current) current->stream.socket().cancel();
  }
};

// Quoted: an http_url built by hand (not by parse_http_url) may hold any byte.
std::string prefix(const http_url& url) { return "GET " + quote_text(url.text(), 2000) + ": "; }

std::string timeout_text(const http_request_options& options) {
  return std::to_string(options.timeout.count()) + " ms (timed out)";
}

[[noreturn]] void throw_stopped(const http_url& url) {
  throw http_request_stopped(prefix(url) + "stopped before a complete response");
}

// A cached connection that fails like this before any byte of a response arrived was most
// likely closed by the server while idle: the request is retried once on a new connection.
bool looks_closed_while_idle(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::end_of_stream).category();
}

// The Content-Length a response announced, when it did and its header is complete (before,
// Beast's answer is undefined; it answers with boost::optional).
template <typename parser_type>
std::optional<std::uint64_t> content_length_of(const parser_type& parser) {
  if (!parser.is_header_done()) return std::nullopt;
  const auto length = parser.content_length();
  return length ? std::optional<std::uint64_t>(*length) : std::nullopt;
}

// What a failed read means. `received`: the body bytes that had arrived.
std::string describe_read_failure(const beast::error_code& ec, bool header_done,
                                  std::optional<std::uint64_t> content_length, std::uint64_t received,
                                  const http_request_options& options) {
  if (ec == beast::error::timeout) return "no complete response within " + timeout_text(options);
  if (ec == http::error::end_of_stream) return "the server closed the connection without answering";
  if (ec == http::error::partial_message) {
    if (!header_done) return "truncated response: the connection closed in the middle of the headers";
    return "truncated body: the connection closed after " + std::to_string(received) + " of " +
           (content_length ? std::to_string(*content_length) : std::string("an unknown number of")) + " bytes";
  }
  if (ec == http::error::body_limit) {
    if (options.expected_body) {
      return "body longer than the " + std::to_string(options.expected_body->bytes) + " bytes expected" +
             (content_length ? " (Content-Length " + std::to_string(*content_length) + ")" : " (more arrived)");
    }
    return "body larger than the limit of " + std::to_string(options.max_body_bytes) + " bytes";
  }
  if (is_http_error(ec)) return "malformed response (" + ec.message() + ")";
  if (ec == asio::error::connection_reset) return "connection reset by the server";
  return "receiving the response failed (" + ec.message() + ")";
}

asio::awaitable<tcp::endpoint> resolve(const http_url& url) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(url.host, ec);
  if (!ec) co_return tcp::endpoint(address, url.port);
  tcp::resolver resolver(co_await asio::this_coro::executor);
  auto [error, results] = co_await resolver.async_resolve(url.host, std::to_string(url.port), use_tuple);
  if (error || results.empty()) {
    throw http_error(prefix(url) + "cannot resolve host '" + quote_text(url.host) + "' (" +
                     (error ? error.message() : std::string("no address")) + ")");
  }
  co_return results.begin()->endpoint();  // the loopback or lab server has one address
}

asio::awaitable<void> connect(connection& conn, const http_url& url, clock_type::time_point deadline,
                              const http_request_options& options, const std::stop_token& stop) {
  const auto endpoint = co_await resolve(url);
  if (stop.stop_requested()) throw_stopped(url);
  conn.stream.expires_at(deadline);  // beast closes the socket when it passes: the time-out
  auto [error] = co_await conn.stream.async_connect(endpoint, use_tuple);
  if (!error) {
    beast::error_code ignored;
    conn.stream.socket().set_option(tcp::no_delay(true),
                                    ignored);  // the request is one small write
    co_return;
  }
  if (stop.stop_requested()) throw_stopped(url);
  if (error == beast::error::timeout)
    throw http_error(prefix(url) + "could not connect within " + timeout_text(options));
  if (error == asio::error::connection_refused) throw http_error(prefix(url) + "connection refused");
  throw http_error(prefix(url) + "cannot connect (" + error.message() + ")");
}

}  // namespace

asio::awaitable<http_response> async_http_get(http_url url, http_request_options options, std::stop_token stop) {
  // Once per process: a batch with every request in flight holds one socket per request,
  // and a shell's soft limit (1,024) would fail it with "Too many open files".
  static const long open_file_limit [[maybe_unused]] = raise_open_file_limit();
  const auto executor = co_await asio::this_coro::executor;
  auto& pool = asio::use_service<connection_pool>(asio::query(executor, asio::execution::context));
  const auto deadline = clock_type::now() + options.timeout;
  const std::string key = url.authority();

  auto target = std::make_shared<cancel_target>();
  // Cancelling from the requesting thread would race with this coroutine: post
  // (docs/pitfalls.md "Boost.Asio and Beast").
  std::stop_callback cancel_on_stop(stop, [target, executor] { asio::post(executor, [target] { target->cancel(); }); });

  // The limit the parser enforces: a body longer than the expected one fails as soon as its
  // Content-Length says so, or as soon as one byte too many arrives.
  const std::uint64_t body_limit =
      options.expected_body ? std::min(options.expected_body->bytes, options.max_body_bytes) : options.max_body_bytes;

  http::request<http::empty_body> request{http::verb::get, url.target, 11};
  request.set(http::field::host, url.authority());
  request.set(http::field::user_agent, "concbench");
  request.keep_alive(options.keep_alive);

  for (int attempt = 0;; ++attempt) {
    if (stop.stop_requested()) throw_stopped(url);
    // Only the first attempt may take a cached connection: a retry is because one was stale.
    auto conn = options.keep_alive && attempt == 0 ? pool.take(key) : nullptr;
    const bool reused = conn != nullptr;
    if (!conn) conn = std::make_shared<connection>(executor);
    target->set(conn);
    if (!reused) co_await connect(*conn, url, deadline, options, stop);
    if (stop.stop_requested()) throw_stopped(url);

    conn->stream.expires_at(deadline);
    auto [write_error, written] = co_await http::async_write(conn->stream, request, use_tuple);
    if (write_error) {
      target->clear();
      if (stop.stop_requested()) throw_stopped(url);
      if (reused && looks_closed_while_idle(write_error)) continue;
      if (write_error == beast::error::timeout) {
        throw http_error(prefix(url) + "could not send the request within " + timeout_text(options));
      }
      throw http_error(prefix(url) + "sending the request failed (" + write_error.message() + ")");
    }
    if (stop.stop_requested()) throw_stopped(url);

    // The header first: a response that is not a 200 fails before its body is read.
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(body_limit);
    auto [header_error, header_read] = co_await http::async_read_header(conn->stream, conn->buffer, parser, use_tuple);
    if (header_error) {
      target->clear();
      if (stop.stop_requested()) throw_stopped(url);
      if (reused && !parser.got_some() && looks_closed_while_idle(header_error)) continue;
      throw http_error(prefix(url) + describe_read_failure(header_error, parser.is_header_done(),
                                                           content_length_of(parser), 0, options));
    }
    if (const auto status = parser.get().result_int(); status != 200) {
      target->clear();  // the connection goes with its unread body
      throw http_error(prefix(url) + "HTTP " + std::to_string(status) + " " + quote_text(parser.get().reason()));
    }

    // Then the body, a piece at a time into `piece`: checked and digested as it arrives.
    http_body_digest digest;
    std::unique_ptr<char[]> piece;
    std::size_t piece_size = 0;
    while (!parser.is_done()) {
      if (!piece) {
        // No larger than a body of known length: a 1 KiB response costs 1 KiB, as a whole
        // body in memory did, so a batch of small requests in flight costs no more than before.
        piece_size = static_cast<std::size_t>(std::clamp<std::uint64_t>(
            content_length_of(parser).value_or(http_body_piece_max_bytes), 1, http_body_piece_max_bytes));
        piece = std::make_unique_for_overwrite<char[]>(piece_size);
      }
      auto& body = parser.get().body();
      body.data = piece.get();
      body.size = piece_size;
      auto [read_error, read] = co_await http::async_read(conn->stream, conn->buffer, parser, use_tuple);
      const std::string_view got(piece.get(), piece_size - body.size);
      if (options.expected_body) {
        const auto& expected = *options.expected_body;
        if (const auto at = http_body_mismatch(expected.path, digest.size(), got); at != std::string_view::npos) {
          target->clear();
          throw http_error(prefix(url) + "the body differs from the server's bytes for " + quote_text(expected.path) +
                           " at byte " + std::to_string(digest.size() + at) +
                           " (not the response to this request, or bytes were changed)");
        }
      }
      digest.add(got);
      // need_buffer: the piece is full and was used above; anything else ends the request.
      if (read_error && read_error != http::error::need_buffer) {
        target->clear();
        if (stop.stop_requested()) throw_stopped(url);
        throw http_error(prefix(url) +
                         describe_read_failure(read_error, true, content_length_of(parser), digest.size(), options));
      }
    }
    target->clear();
    if (options.expected_body && digest.size() != options.expected_body->bytes) {
      throw http_error(prefix(url) + "body of " + std::to_string(digest.size()) + " bytes instead of the " +
                       std::to_string(options.expected_body->bytes) + " expected");
    }

    // Bytes after the response would be read as the next response's start: never reuse then.
    if (options.keep_alive && parser.get().keep_alive() && conn->buffer.size() == 0) {
      conn->stream.expires_never();
      pool.give_back(key, std::move(conn));
    }
    co_return http_response{200, digest.size(), digest.checksum(), reused};
  }
}

namespace {

// The blocking form is the awaitable one run to completion on a loop private to this thread:
// one code path for both forms, a stop request is a post to this loop (safe from any thread),
// and the connection cache of this loop is this thread's keep-alive connection.
std::unique_ptr<asio::io_context>& blocking_loop() {
  thread_local std::unique_ptr<asio::io_context> loop;
  return loop;
}

}  // namespace

void close_idle_http_connections() { blocking_loop().reset(); }

http_response http_get(const http_url& url, const http_request_options& options, std::stop_token stop) {
  auto& own = blocking_loop();
  if (!own) own = std::make_unique<asio::io_context>(1);
  asio::io_context& loop = *own;
  std::optional<http_response> response;
  std::exception_ptr error;
  asio::co_spawn(loop, async_http_get(url, options, std::move(stop)), [&](std::exception_ptr e, http_response r) {
    error = e;
    if (!e) response = std::move(r);
  });
  loop.restart();
  loop.run();
  if (error) std::rethrow_exception(error);
  if (!response) throw http_error(prefix(url) + "the request never completed");  // cannot happen: run() ran it
  return std::move(*response);
}

}  // namespace concbench
