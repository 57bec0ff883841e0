// The http workload end to end: the server, both clients, the server in its own process, the
// failure cases each named by URL and cause, and the in-process runners on it. Servers run on
// loopback with ephemeral ports; nothing asserts on wall-clock time.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http_body.hpp"
#include "http_calibration.hpp"
#include "http_client.hpp"
#include "http_serve.hpp"
#include "http_server.hpp"
#include "http_server_process.hpp"
#include "http_target.hpp"
#include "http_url.hpp"
#include "http_workload.hpp"
#include "runner.hpp"
#include "workload_factory.hpp"

// The keep-alive connection http_get() keeps for this thread is not a leak of the test
// (tests/leak_check_listener.cpp).
extern "C" void concbench_test_release_caches() { concbench::close_idle_http_connections(); }

namespace concbench {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// ---------------------------------------------------------------- helpers

// The real server on a thread of its own, stopped and joined on destruction.
class running_server {
 public:
  explicit running_server(http_server_options options = {})
      : server_(options), thread_([this] { server_.run(); }) {}
  ~running_server() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return server_.url(); }
  std::uint16_t port() const { return server_.port(); }
  http_server& server() { return server_; }

 private:
  http_server server_;
  std::thread thread_;
};

// A raw-socket server that plays a broken one: for each connection it reads the request's
// headers, then sends `reply` and closes, or (no reply) never answers and waits for the client
// to give up.
class fake_server {
 public:
  explicit fake_server(std::optional<std::string> reply)
      : reply_(std::move(reply)), acceptor_(loop_) {
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.bind(endpoint);
    acceptor_.listen();
    asio::co_spawn(loop_, accept_loop(), [](std::exception_ptr) {});
    thread_ = std::thread([this] { loop_.run(); });
  }
  ~fake_server() {
    loop_.stop();
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/";
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [error, socket] = co_await acceptor_.async_accept(use_tuple);
      if (error) co_return;
      asio::co_spawn(loop_, answer(std::move(socket)), [](std::exception_ptr) {});
    }
  }
  asio::awaitable<void> answer(tcp::socket socket) {
    std::string request;
    char chunk[1024];
    while (request.find("\r\n\r\n") == std::string::npos) {
      auto [error, got] = co_await socket.async_read_some(asio::buffer(chunk), use_tuple);
      if (error) co_return;
      request.append(chunk, got);
    }
    if (!reply_) {
      co_await socket.async_read_some(asio::buffer(chunk), use_tuple);  // until the client leaves
      co_return;
    }
    co_await asio::async_write(socket, asio::buffer(*reply_), use_tuple);
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    co_await socket.async_read_some(asio::buffer(chunk), use_tuple);  // let the client read it all
  }

  std::optional<std::string> reply_;
  asio::io_context loop_;  // before the acceptor: destroyed after it
  tcp::acceptor acceptor_;
  std::thread thread_;
};

// A port nothing listens on: bound, then released.
std::string closed_port_url() {
  asio::io_context loop;
  tcp::acceptor acceptor(loop, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();
  return "http://127.0.0.1:" + std::to_string(port) + "/";
}

// Everything the server sends on one raw connection after `request`, until it closes.
std::string raw_exchange(std::uint16_t port, const std::string& request) {
  asio::io_context loop;
  tcp::socket socket(loop);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(socket, asio::buffer(request));
  std::string reply;
  boost::system::error_code error;
  asio::read(socket, asio::dynamic_buffer(reply), error);  // until EOF (or a reset)
  return reply;
}

task_result run_awaitable_on_loop(const workload& work, const task_spec& task,
                                  std::stop_token stop = {}) {
  asio::io_context loop;
  auto result = asio::co_spawn(loop, work.run_awaitable(task, stop), asio::use_future);
  loop.run();
  return result.get();
}

// The message a failing task gives, from either form.
std::string failure_of(const http_workload& work, bool awaitable) {
  const task_spec task{3, 0};
  try {
    if (awaitable) {
      run_awaitable_on_loop(work, task);
    } else {
      work.run_blocking(task, {});
    }
  } catch (const http_error& e) {
    return e.what();
  }
  return "(no failure)";
}

void expect_all_verified(const http_workload& work, const std::vector<task_spec>& batch,
                         const std::vector<task_result>& results) {
  ASSERT_EQ(results.size(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_FALSE(work.verify(batch[i], results[i]))
        << "task " << i << ": " << *work.verify(batch[i], results[i]);
  }
}

std::vector<task_result> run_blocking_batch(const http_workload& work) {
  std::vector<task_result> results;
  for (const auto& task : work.make_batch()) results.push_back(work.run_blocking(task, {}));
  return results;
}

std::vector<task_result> run_awaitable_batch(const http_workload& work) {
  // All tasks in flight at once on one loop, as the coroutine model runs them.
  const auto batch = work.make_batch();
  asio::io_context loop;
  std::vector<std::future<task_result>> futures;
  for (const auto& task : batch)
    futures.push_back(asio::co_spawn(loop, work.run_awaitable(task, {}), asio::use_future));
  loop.run();
  std::vector<task_result> results;
  for (auto& f : futures) results.push_back(f.get());
  return results;
}

// ---------------------------------------------------------------- pieces

TEST(HttpUrl, SplitsAndRebuilds) {
  const auto url = parse_http_url("http://127.0.0.1:8080/a/b?x=1");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8080);
  EXPECT_EQ(url.target, "/a/b?x=1");
  EXPECT_EQ(url.text(), "http://127.0.0.1:8080/a/b?x=1");
  EXPECT_EQ(parse_http_url("HTTP://localhost").text(), "http://localhost:80/");
  EXPECT_EQ(parse_http_url("http://[::1]:9/").authority(), "[::1]:9");
  EXPECT_THROW(parse_http_url("https://x/"), std::invalid_argument);
  EXPECT_THROW(parse_http_url("ftp://x/"), std::invalid_argument);
  EXPECT_THROW(parse_http_url("http://x:99999/"), std::invalid_argument);
  EXPECT_THROW(parse_http_url("http://:80/"), std::invalid_argument);
}

TEST(HttpTarget, CarriesTheOverridesBothWays) {
  const auto target = parse_http_target(make_http_target("/7", 0.25, 1024));
  EXPECT_EQ(target.path, "/7");
  EXPECT_EQ(target.delay_ms, 0.25);
  EXPECT_EQ(target.bytes, 1024);
  EXPECT_FALSE(parse_http_target("/plain").delay_ms);
  EXPECT_FALSE(parse_http_target("/x?other=1&flag").bytes);
  EXPECT_THROW(parse_http_target("/x?bytes=-1"), std::invalid_argument);
  EXPECT_THROW(parse_http_target("/x?delay_ms=soon"), std::invalid_argument);
  EXPECT_THROW(parse_http_target("/x?bytes=99999999999"), std::invalid_argument);
}

TEST(HttpBody, DependsOnPathAndLengthOnly) {
  std::string a;
  std::string b;
  append_http_body(a, "/1", 10000);
  append_http_body(b, "/1", 10000);
  EXPECT_EQ(a, b);
  std::string other;
  append_http_body(other, "/2", 10000);
  EXPECT_NE(a, other);
  EXPECT_EQ(http_body_checksum(a), expected_http_body_checksum("/1", 10000));
  EXPECT_NE(http_body_checksum(a), http_body_checksum(other));
  a[5000] ^= 1;  // one changed bit is caught
  EXPECT_NE(http_body_checksum(a), http_body_checksum(b));
  EXPECT_NE(http_body_checksum(b.substr(0, 9999)), http_body_checksum(b));
}

TEST(ServeArguments, RoundTripAndNameWhatIsWrong) {
  serve_options options;
  options.port = 8080;
  options.delay_ms = 0.1;
  options.body_bytes = 7;
  options.keep_alive = false;
  options.threads = 2;
  const auto arguments = serve_arguments(options);
  const auto back = parse_serve_arguments(arguments);
  EXPECT_EQ(back.port, 8080);
  EXPECT_EQ(back.delay_ms, 0.1);
  EXPECT_EQ(back.body_bytes, 7);
  EXPECT_FALSE(back.keep_alive);
  EXPECT_EQ(back.threads, 2);
  const std::vector<std::string> spaced{"--port", "9", "--delay-ms", "20"};
  EXPECT_EQ(parse_serve_arguments(spaced).delay_ms, 20);
  try {
    parse_serve_arguments(std::vector<std::string>{"--colour=red"});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--colour"), std::string::npos);
  }
  EXPECT_THROW(parse_serve_arguments(std::vector<std::string>{"--port=x"}), std::invalid_argument);
  EXPECT_THROW(http_server(http_server_options{.delay_ms = -1}), std::invalid_argument);
}

std::string serve_refusal(const std::vector<std::string>& arguments) {
  try {
    parse_serve_arguments(arguments);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(ServeArguments, BadValuesAreCommandLineErrorsNamingTheFlag) {
  // Checked while parsing (exit status 2), not when the server starts (exit status 1).
  EXPECT_EQ(serve_refusal({"--delay-ms", "-1"}), "serve: --delay-ms must be 0..600000, got -1");
  EXPECT_EQ(serve_refusal({"--delay-ms=nan"}), "serve: --delay-ms must be 0..600000, got nan");
  EXPECT_EQ(serve_refusal({"--body-bytes=-5"}), "serve: --body-bytes must be 0..268435456, got -5");
  EXPECT_EQ(serve_refusal({"--threads", "0"}), "serve: --threads must be at least 1, got 0");
  EXPECT_EQ(serve_refusal({"--idle-timeout-ms=0"}), "serve: --idle-timeout-ms must be at least 1, got 0");
  EXPECT_EQ(serve_refusal({"--bind="}), "serve: --bind needs an address, e.g. --bind 0.0.0.0");
  // An unknown flag is named as unknown, with or without something after it.
  EXPECT_EQ(serve_refusal({"--bogus"}).rfind("serve: unknown option '--bogus' (--port", 0), 0u);
  EXPECT_EQ(serve_refusal({"--bogus", "1"}).rfind("serve: unknown option '--bogus'", 0), 0u);
  EXPECT_EQ(serve_refusal({"--port"}), "serve: --port needs a value");
  EXPECT_EQ(serve_refusal({"stray"}), "serve: unexpected argument 'stray'");
  EXPECT_EQ(parse_serve_arguments(std::vector<std::string>{"--delay-ms", "0"}).delay_ms, 0.0);
}

TEST(HttpWorkload, NamesParamsAndRebuildsFromThem) {
  const http_workload work("http://127.0.0.1:9/base", 1000, 20, 1024, 500);
  const std::vector<std::pair<std::string, std::string>> keys{
      {"N", "1000"}, {"delay_ms", "20"}, {"bytes", "1024"}};
  EXPECT_EQ(work.name_keys(), keys);
  EXPECT_EQ(work.task_url(17).text(), "http://127.0.0.1:9/base/17?delay_ms=20&bytes=1024");
  const auto rebuilt = make_workload("http", work.params());
  EXPECT_EQ(rebuilt->params(), work.params());
  EXPECT_EQ(rebuilt->make_batch().size(), 1000u);
  EXPECT_EQ(http_workload("http://h:1/", 2, 0, 0, 100, false).name_keys().back(),
            (std::pair<std::string, std::string>{"conn", "close"}));
  EXPECT_THROW(http_workload("http://h:1/", 0, 0, 0), std::invalid_argument);
  EXPECT_THROW(http_workload("http://h:1/", 1, -1, 0), std::invalid_argument);
  EXPECT_THROW(http_workload("http://h:1/", 1, 0, -1), std::invalid_argument);
  EXPECT_THROW(http_workload("nope", 1, 0, 0), std::invalid_argument);
}

TEST(HttpWorkload, IdealAndBoundFollowTheDesignTable) {
  const http_workload work("http://127.0.0.1:9/", 10, 20, 0);
  const auto batch = work.make_batch();
  machine_constants constants;
  constants.loopback_round_trip_ns = 1e6;  // r = 1 ms: L + r = 21 ms
  constants.loopback_requests_per_second = 0;
  const auto sequential = work.estimate(batch, {1, 1}, constants);
  EXPECT_DOUBLE_EQ(sequential.ideal_ns, 10 * 21e6);
  EXPECT_DOUBLE_EQ(sequential.bound_ns, 10 * 21e6);
  const auto three = work.estimate(batch, {3, 3}, constants);
  EXPECT_DOUBLE_EQ(three.ideal_ns, 4 * 21e6);  // ceil(10 / 3) rounds
  EXPECT_DOUBLE_EQ(three.bound_ns, 10 * 21e6 / 3);
  const auto all = work.estimate(batch, {1, 10}, constants);
  EXPECT_DOUBLE_EQ(all.ideal_ns, 21e6);
  EXPECT_DOUBLE_EQ(all.bound_ns, 21e6);
  constants.loopback_requests_per_second = 100;  // N / X = 100 ms beats one round
  const auto limited = work.estimate(batch, {1, 10}, constants);
  EXPECT_DOUBLE_EQ(limited.ideal_ns, 100e6);
  EXPECT_DOUBLE_EQ(limited.bound_ns, 100e6);
  EXPECT_GE(work.estimate(batch, {2, 2}, constants).ideal_ns,
            work.estimate(batch, {2, 2}, constants).bound_ns);
}

// ---------------------------------------------------------------- exact results

TEST(HttpWorkload, BlockingResultsAreExactAndReuseOneConnection) {
  running_server server;
  const http_workload work(server.url(), 6, 1, 3000);
  expect_all_verified(work, work.make_batch(), run_blocking_batch(work));
  // One thread, keep-alive: every request went over the same connection.
  EXPECT_EQ(server.server().connections_accepted(), 1u);
  // The server counts a response once its write has completed, which its loop may learn a
  // moment after the client has read the last byte: wait for the count, briefly.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server.server().responses_sent() < 6u && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(server.server().responses_sent(), 6u);
}

TEST(HttpWorkload, AwaitableResultsAreExact) {
  running_server server;
  const http_workload work(server.url(), 8, 5, 100);
  expect_all_verified(work, work.make_batch(), run_awaitable_batch(work));
}

TEST(HttpWorkload, ZeroBytesAndNewConnectionPerRequest) {
  running_server server;
  const http_workload work(server.url(), 4, 0, 0, 10'000, false);
  expect_all_verified(work, work.make_batch(), run_blocking_batch(work));
  EXPECT_EQ(server.server().connections_accepted(), 4u);
}

TEST(HttpWorkload, AServerThatClosesEveryConnectionStillServesEveryTask) {
  running_server server({.keep_alive = false});
  const http_workload work(server.url(), 4, 0, 10);
  expect_all_verified(work, work.make_batch(), run_blocking_batch(work));
  expect_all_verified(work, work.make_batch(), run_awaitable_batch(work));
}

TEST(HttpWorkload, AWrongBodyFailsVerification) {
  const http_workload work("http://127.0.0.1:9/", 3, 0, 100);
  std::string body;
  append_http_body(body, "/1", 100);  // task 1's bytes given as task 2's answer
  const task_result swapped{(std::int64_t{100} << 32) | http_body_checksum(body)};
  EXPECT_FALSE(work.verify({1, 100}, swapped));
  ASSERT_TRUE(work.verify({2, 100}, swapped));
  EXPECT_NE(work.verify({2, 100}, swapped)->find("checksum"), std::string::npos);
  EXPECT_NE(work.verify({1, 99}, swapped)->find("100 bytes instead of 99"), std::string::npos);
}

TEST(HttpServer, StaleKeepAliveConnectionIsReplacedSilently) {
  // The server drops idle connections after 50 ms; the client's cached one is stale by then.
  running_server server({.idle_timeout_ms = 50});
  const auto url = parse_http_url(server.url());
  http_get(url);
  std::this_thread::sleep_for(200ms);
  const auto response = http_get(url);
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(server.server().connections_accepted(), 2u);
}

// ---------------------------------------------------------------- the server in its own process

http_server_process_options test_process_options(std::string command = "serve") {
  http_server_process_options options;
  options.executable = CONCBENCH_TEST_HTTP_SERVER;
  options.command = {std::move(command)};
  return options;
}

void expect_reaped(int pid) {
  // Not a zombie: it is no longer our child at all.
  errno = 0;
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(HttpServerProcess, ServesExactResultsAndStopsCleanlyOnSigterm) {
  auto options = test_process_options();
  options.server.body_bytes = 5;  // the task's query overrides it
  http_server_process server(options);
  EXPECT_TRUE(server.url().starts_with("http://127.0.0.1:")) << server.url();
  const http_workload work(server.url(), 5, 2, 2048);
  expect_all_verified(work, work.make_batch(), run_blocking_batch(work));
  expect_all_verified(work, work.make_batch(), run_awaitable_batch(work));
  const int pid = server.pid();
  const int status = server.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << describe_wait_status(status);
  expect_reaped(pid);
}

TEST(HttpServerProcess, DestructionLeavesNoZombie) {
  int pid = -1;
  {
    http_server_process server(test_process_options());
    pid = server.pid();
  }
  expect_reaped(pid);
}

TEST(HttpServerProcess, AServerIgnoringSigtermIsKilledAndReaped) {
  auto options = test_process_options("stubborn");
  options.stop_timeout = 100ms;
  http_server_process server(options);
  const int pid = server.pid();
  const int status = server.stop();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << describe_wait_status(status);
  expect_reaped(pid);
}

// Whether `pid` has ended (gone, or a zombie its new parent has not reaped yet).
bool process_ended(int pid) {
  std::FILE* stat = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (!stat) return true;
  char state = '?';
  const int read = std::fscanf(stat, "%*d (%*[^)]) %c", &state);
  std::fclose(stat);
  return read == 1 && (state == 'Z' || state == 'X');
}

TEST(HttpServerProcess, AServerWhoseParentDiesStopsToo) {
  std::FILE* parent = ::popen(CONCBENCH_TEST_HTTP_SERVER " orphaning-parent", "r");
  ASSERT_TRUE(parent);
  int server_pid = -1;
  const int read = std::fscanf(parent, "%d", &server_pid);
  ::pclose(parent);
  ASSERT_EQ(read, 1);
  // Its stdin pipe closed with the parent: it stops on its own. (A generous bound, so a
  // loaded machine cannot fail this; a server that never stops is killed here.)
  for (int i = 0; i < 1000 && !process_ended(server_pid); ++i) std::this_thread::sleep_for(10ms);
  const bool ended = process_ended(server_pid);
  if (!ended) ::kill(server_pid, SIGKILL);
  EXPECT_TRUE(ended) << "the orphaned server " << server_pid << " kept running";
}

TEST(HttpServerProcess, StartFailuresAreNamedAndReaped) {
  auto silent = test_process_options("silent");
  silent.start_timeout = 200ms;
  try {
    http_server_process server(silent);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("printed no URL within 200 ms"), std::string::npos)
        << e.what();
  }
  try {
    http_server_process server(test_process_options("dies"));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("exited with status 3"), std::string::npos) << e.what();
  }
  auto missing = test_process_options();
  missing.executable = "/nonexistent/concbench";
  EXPECT_THROW(http_server_process{missing}, std::runtime_error);
  errno = 0;
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);  // no child of this test is left unreaped
  EXPECT_EQ(errno, ECHILD);
}

TEST(HttpServerProcess, ABusyPortIsNamed) {
  running_server taken;
  auto options = test_process_options();
  options.server.port = taken.port();
  try {
    http_server_process server(options);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("exited with status 1"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------- bad servers: each fails the task

struct bad_server_case {
  std::string label;
  std::optional<std::string> reply;  // nullopt: never answers
  std::string cause;
};

class BadServer : public ::testing::TestWithParam<std::tuple<bad_server_case, bool>> {};

TEST_P(BadServer, FailsTheTaskNamingUrlAndCause) {
  const auto& [c, awaitable] = GetParam();
  fake_server server(c.reply);
  const http_workload work(server.url(), 5, 0, 100, 200);
  const auto message = failure_of(work, awaitable);
  EXPECT_NE(message.find(work.task_url(3).text()), std::string::npos) << message;
  EXPECT_NE(message.find(c.cause), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadServer,
    ::testing::Combine(
        ::testing::Values(
            bad_server_case{"never_answers", std::nullopt,
                            "no complete response within 200 ms (timed out)"},
            bad_server_case{"status_500",
                            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
                            "HTTP 500 Internal Server Error"},
            bad_server_case{"truncated", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
                            "truncated body: the connection closed after 10 of 100 bytes"},
            bad_server_case{"malformed", "HTTP/1.1 two hundred OK\r\n\r\n", "malformed response"},
            bad_server_case{"not_http", "SSH-2.0-OpenSSH_9.2\r\n\r\n", "malformed response"},
            bad_server_case{"closes_at_once", "", "closed the connection without answering"}),
        ::testing::Bool()),
    [](const auto& info) {
      return std::get<0>(info.param).label + (std::get<1>(info.param) ? "_awaitable" : "_blocking");
    });

TEST(BadServer, RefusedConnectionIsNamed) {
  const http_workload work(closed_port_url(), 5, 0, 100, 1000);
  for (const bool awaitable : {false, true}) {
    const auto message = failure_of(work, awaitable);
    EXPECT_NE(message.find(work.task_url(3).text()), std::string::npos) << message;
    EXPECT_NE(message.find("connection refused"), std::string::npos) << message;
  }
}

// ---------------------------------------------------------------- the server survives bad clients

TEST(HttpServer, AnswersAMalformedRequestWith400AndKeepsServing) {
  running_server server;
  const auto reply = raw_exchange(server.port(), "BLAH BLAH\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400 Bad Request")) << reply;
  const auto binary = raw_exchange(
      server.port(), std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15));
  EXPECT_TRUE(binary.starts_with("HTTP/1.1 400")) << binary;
  const auto post =
      raw_exchange(server.port(), "POST /1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(post.starts_with("HTTP/1.1 405")) << post;
  const auto bad_query =
      raw_exchange(server.port(), "GET /1?bytes=-5 HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(bad_query.starts_with("HTTP/1.1 400")) << bad_query;
  EXPECT_EQ(http_get(parse_http_url(server.url())).status, 200u);
}

TEST(HttpServer, SurvivesClientsThatVanishMidRequest) {
  running_server server({.delay_ms = 50});
  asio::io_context loop;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), server.port());
  {
    tcp::socket half(loop);  // half a request line, then gone
    half.connect(endpoint);
    asio::write(half, asio::buffer(std::string("GET /1 HTTP/1.1\r\nHo")));
  }
  {
    tcp::socket impatient(loop);  // a whole request, gone while the server waits its delay
    impatient.connect(endpoint);
    asio::write(impatient, asio::buffer(std::string("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n")));
  }
  {
    tcp::socket resetting(loop);  // gone with a reset instead of a FIN
    resetting.connect(endpoint);
    asio::write(resetting, asio::buffer(std::string("GET /3 HTTP/1.1\r\nHost: x\r\n\r\n")));
    resetting.set_option(asio::socket_base::linger(true, 0));
  }
  const http_workload work(server.url(), 3, 0, 64);
  expect_all_verified(work, work.make_batch(), run_blocking_batch(work));
}

TEST(HttpServer, ClosesIdleConnectionsAndServesOthersMeanwhile) {
  running_server server({.idle_timeout_ms = 100});
  asio::io_context loop;
  tcp::socket idle(loop);
  idle.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  // While one connection sits idle, another client is served.
  EXPECT_EQ(http_get(parse_http_url(server.url())).status, 200u);
  // Then the server gives up on the idle one: the read ends (EOF) instead of hanging.
  std::string nothing;
  boost::system::error_code error;
  asio::read(idle, asio::dynamic_buffer(nothing), error);
  EXPECT_TRUE(error == asio::error::eof || error == asio::error::connection_reset)
      << error.message();
  EXPECT_TRUE(nothing.empty());
  EXPECT_EQ(http_get(parse_http_url(server.url())).status, 200u);
}

// ---------------------------------------------------------------- stop requests

TEST(HttpStop, AStopRequestEndsAHangingBlockingRequest) {
  fake_server silent(std::nullopt);
  const http_workload work(silent.url(), 2, 0, 10, 60'000);  // the time-out would take a minute
  std::stop_source stop;
  std::jthread requester([&] {
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
  });
  const auto result = work.run_blocking({1, 10}, stop.get_token());
  ASSERT_TRUE(work.verify({1, 10}, result));
  EXPECT_EQ(*work.verify({1, 10}, result), "stopped before a complete response");
  // The client's loop is fine afterwards: the next request on this thread works.
  running_server server;
  EXPECT_EQ(http_get(parse_http_url(server.url())).status, 200u);
}

TEST(HttpStop, AStopRequestFromAnotherThreadEndsAHangingAwaitableRequest) {
  fake_server silent(std::nullopt);
  const http_workload work(silent.url(), 2, 0, 10, 60'000);
  std::stop_source stop;
  asio::io_context loop;
  auto result =
      asio::co_spawn(loop, work.run_awaitable({1, 10}, stop.get_token()), asio::use_future);
  std::jthread requester([&] {
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
  });
  loop.run();
  EXPECT_EQ(*work.verify({1, 10}, result.get()), "stopped before a complete response");
}

TEST(HttpStop, TheClientThrowsStoppedWhenStoppedBeforeStarting) {
  running_server server;
  std::stop_source stop;
  stop.request_stop();
  EXPECT_THROW(http_get(parse_http_url(server.url()), {}, stop.get_token()), http_request_stopped);
}

// ---------------------------------------------------------------- calibration

TEST(HttpCalibration, MeasuresRoundTripAndRate) {
  running_server server({.delay_ms = 30});  // calibration asks for delay 0 in its query
  const double r = measure_http_round_trip_ns(server.url(), 1024, 20);
  EXPECT_GT(r, 0);
  const double x = measure_http_requests_per_second(server.url(), 1024, 4, 100ms);
  EXPECT_GT(x, 0);
  machine_constants constants;
  constants.loopback_requests_per_second = x;
  nlohmann::json j = constants;
  EXPECT_EQ(j.at("loopback_requests_per_second").get<double>(), x);
  EXPECT_EQ(j.get<machine_constants>().loopback_requests_per_second, x);
  EXPECT_THROW(measure_http_round_trip_ns(closed_port_url(), 0, 1), http_error);
}

// ---------------------------------------------------------------- the runners on it

struct runner_case {
  std::string label;
  run_settings settings;
};
void PrintTo(const runner_case& c, std::ostream* out) { *out << c.label; }

std::vector<runner_case> runner_cases() {
  std::vector<runner_case> cases;
  run_settings s;
  s.model = model_kind::sequential;
  cases.push_back({"sequential", s});
  s.model = model_kind::threads;
  s.workers = 2;
  cases.push_back({"threads_W2", s});
  s.pool = pool_mode::warm;
  cases.push_back({"threads_W2_warm", s});
  s = {};
  s.model = model_kind::thread_per_task;
  cases.push_back({"thread_per_task", s});
  s = {};
  s.model = model_kind::coroutines;
  s.form = task_form::awaitable;
  s.inflight = 2;
  cases.push_back({"coroutines_awaitable_K2", s});
  s.inflight = 0;
  s.loop_threads = 2;
  cases.push_back({"coroutines_awaitable_two_loop_threads", s});
  s = {};
  s.model = model_kind::coroutines;
  s.form = task_form::blocking;
  cases.push_back({"coroutines_blocking", s});
  return cases;
}

class HttpUnderRunners : public ::testing::TestWithParam<runner_case> {};

TEST_P(HttpUnderRunners, ResultsAreVerified) {
  running_server server;
  const http_workload work(server.url(), 9, 2, 512);
  const auto batch = work.make_batch();
  auto runner = make_runner(GetParam().settings);
  for (int round = 0; round < 2;
       ++round) {  // a second batch reuses warm pools and cached connections
    const auto outcome = runner->run(work, batch, {});
    ASSERT_TRUE(outcome.ok()) << outcome.errors().front();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      ASSERT_TRUE(outcome.tasks[i].result);
      EXPECT_FALSE(work.verify(batch[i], *outcome.tasks[i].result)) << i;
    }
  }
}

TEST_P(HttpUnderRunners, AFailingServerIsAnErrorNamingTaskModelUrlAndCause) {
  const http_workload work(closed_port_url(), 3, 0, 8, 1000);
  const auto outcome = make_runner(GetParam().settings)->run(work, work.make_batch(), {});
  const auto errors = outcome.errors();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(
      errors[1].find("task 1 of http under " + std::string(to_string(GetParam().settings.model))),
      std::string::npos)
      << errors[1];
  EXPECT_NE(errors[1].find(work.task_url(1).text() + ": connection refused"), std::string::npos)
      << errors[1];
}

TEST_P(HttpUnderRunners, AStopRequestEndsRequestsToAServerThatNeverAnswers) {
  fake_server silent(std::nullopt);
  const http_workload work(silent.url(), 3, 0, 8, 60'000);  // the time-out would take a minute
  std::stop_source stop;
  std::jthread requester([&] {
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
  });
  const auto batch = work.make_batch();
  const auto outcome = make_runner(GetParam().settings)->run(work, batch, stop.get_token());
  // Every fetch ends (the test would hang otherwise) and none passes for a response.
  const std::string model(to_string(GetParam().settings.model));
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_FALSE(outcome.tasks[i].result) << i;
    const auto& error = outcome.tasks[i].error;
    EXPECT_EQ(error.rfind("task " + std::to_string(i) + " of http under " + model + ": ", 0), 0u) << error;
    EXPECT_TRUE(error.ends_with(": stopped before it finished: interrupted") ||
                error.ends_with(": never ran: the batch was stopped"))
        << error;
  }
}

INSTANTIATE_TEST_SUITE_P(Models, HttpUnderRunners, ::testing::ValuesIn(runner_cases()),
                         [](const auto& info) { return info.param.label; });

}  // namespace
}  // namespace concbench
