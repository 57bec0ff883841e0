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
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runners/batch/runner.hpp"
#include "workloads/http/http_body.hpp"
#include "workloads/http/http_calibration.hpp"
#include "workloads/http/http_client.hpp"
#include "workloads/http/http_serve.hpp"
#include "workloads/http/http_server.hpp"
#include "workloads/http/http_server_process.hpp"
#include "workloads/http/http_target.hpp"
#include "workloads/http/http_url.hpp"
#include "workloads/http/http_workload.hpp"
#include "workloads/workload_factory.hpp"

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
  explicit running_server(http_server_options options = {}) : server_(options), thread_([this] { server_.run(); }) {}
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
// headers, then sends `reply` and closes (or, close_after_reply false, keeps the connection
// open and silent), or (no reply) never answers and waits for the client to give up.
class fake_server {
 public:
  explicit fake_server(std::optional<std::string> reply, bool close_after_reply = true)
      : reply_(std::move(reply)), close_after_reply_(close_after_reply), acceptor_(loop_) {
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
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/"; }

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
    if (close_after_reply_) socket.shutdown(tcp::socket::shutdown_send, ignored);
    co_await socket.async_read_some(asio::buffer(chunk), use_tuple);  // let the client read it all
  }

  std::optional<std::string> reply_;
  bool close_after_reply_;
  asio::io_context loop_;  // before the acceptor: destroyed after it
  tcp::acceptor acceptor_;
  std::thread thread_;
};

// The first `bytes` bytes of the body the server sends for `path`.
std::string body_of(std::string_view path, std::size_t bytes) {
  std::string body;
  append_http_body(body, path, bytes);
  return body;
}

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

task_result run_awaitable_on_loop(const workload& work, const task_spec& task, std::stop_token stop = {}) {
  asio::io_context loop;
  auto result = asio::co_spawn(loop, work.run_awaitable(task, stop), asio::use_future);
  loop.run();
  return result.get();
}

// The message a failing task gives, from either form.
std::string failure_of(const http_workload& work, bool awaitable) {
  const task_spec task = work.make_batch().at(3);
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
    EXPECT_FALSE(work.verify(batch[i], results[i])) << "task " << i << ": " << *work.verify(batch[i], results[i]);
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

TEST(http_url, splits_and_rebuilds) {
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

TEST(http_target, carries_the_overrides_both_ways) {
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

TEST(http_body, depends_on_path_and_length_only) {
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

TEST(serve_arguments, round_trip_and_name_what_is_wrong) {
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

TEST(serve_arguments, bad_values_are_command_line_errors_naming_the_flag) {
  // Checked while parsing (exit status 2), not when the server starts (exit status 1).
  EXPECT_EQ(serve_refusal({"--delay-ms", "-1"}), "serve: --delay-ms must be 0..600000, got -1");
  EXPECT_EQ(serve_refusal({"--delay-ms=nan"}), "serve: --delay-ms must be 0..600000, got nan");
  EXPECT_EQ(serve_refusal({"--body-bytes=-5"}), "serve: --body-bytes must be 0..268435456, got -5");
  EXPECT_EQ(serve_refusal({"--threads", "0"}),
            "serve: --threads must be 1..1024, got 0 (loop threads beyond the cores only contend "
            "for them)");
  EXPECT_EQ(serve_refusal({"--idle-timeout-ms=0"}), "serve: --idle-timeout-ms must be at least 1, got 0");
  EXPECT_EQ(serve_refusal({"--bind="}), "serve: --bind needs an address, e.g. --bind 0.0.0.0");
  // An unknown flag is named as unknown, with or without something after it.
  EXPECT_EQ(serve_refusal({"--bogus"}).rfind("serve: unknown option '--bogus' (--port", 0), 0u);
  EXPECT_EQ(serve_refusal({"--bogus", "1"}).rfind("serve: unknown option '--bogus'", 0), 0u);
  EXPECT_EQ(serve_refusal({"--port"}), "serve: --port needs a value");
  EXPECT_EQ(serve_refusal({"stray"}), "serve: unexpected argument 'stray'");
  EXPECT_EQ(parse_serve_arguments(std::vector<std::string>{"--delay-ms", "0"}).delay_ms, 0.0);
}

TEST(http_workload, names_params_and_rebuilds_from_them) {
  const http_workload work("http://127.0.0.1:9/base", 1000, 20, 1024, 500);
  const std::vector<std::pair<std::string, std::string>> keys{{"N", "1000"}, {"delay_ms", "20"}, {"bytes", "1024"}};
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

TEST(http_workload, ideal_and_bound_follow_the_design_table) {
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
  EXPECT_GE(work.estimate(batch, {2, 2}, constants).ideal_ns, work.estimate(batch, {2, 2}, constants).bound_ns);
}

// ---------------------------------------------------------------- exact results

TEST(http_workload, blocking_results_are_exact_and_reuse_one_connection) {
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

TEST(http_workload, awaitable_results_are_exact) {
  running_server server;
  const http_workload work(server.url(), 8, 5, 100);
  expect_all_verified(work, work.make_batch(), run_awaitable_batch(work));
}

TEST(http_workload, zero_bytes_and_new_connection_per_request) {
  running_server server;
  const http_workload work(server.url(), 4, 0, 0, 10'000, false);
  expect_all_verified(work, work.make_batch(), run_blocking_batch(work));
  EXPECT_EQ(server.server().connections_accepted(), 4u);
}

TEST(http_workload, a_server_that_closes_every_connection_still_serves_every_task) {
  running_server server({.keep_alive = false});
  const http_workload work(server.url(), 4, 0, 10);
  expect_all_verified(work, work.make_batch(), run_blocking_batch(work));
  expect_all_verified(work, work.make_batch(), run_awaitable_batch(work));
}

TEST(http_workload, a_wrong_body_fails_verification) {
  const http_workload work("http://127.0.0.1:9/", 3, 0, 100);
  std::string body;
  append_http_body(body, "/1", 100);  // task 1's bytes given as task 2's answer
  const task_result swapped{(std::int64_t{100} << 32) | http_body_checksum(body)};
  EXPECT_FALSE(work.verify({1, 100}, swapped));
  ASSERT_TRUE(work.verify({2, 100}, swapped));
  EXPECT_NE(work.verify({2, 100}, swapped)->find("checksum"), std::string::npos);
  EXPECT_NE(work.verify({1, 99}, swapped)->find("100 bytes instead of 99"), std::string::npos);
}

TEST(http_server, stale_keep_alive_connection_is_replaced_silently) {
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

TEST(http_server_process, serves_exact_results_and_stops_cleanly_on_sigterm) {
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

TEST(http_server_process, destruction_leaves_no_zombie) {
  int pid = -1;
  {
    http_server_process server(test_process_options());
    pid = server.pid();
  }
  expect_reaped(pid);
}

TEST(http_server_process, a_server_ignoring_sigterm_is_killed_and_reaped) {
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

TEST(http_server_process, a_server_whose_parent_dies_stops_too) {
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

TEST(http_server_process, start_failures_are_named_and_reaped) {
  auto silent = test_process_options("silent");
  silent.start_timeout = 200ms;
  try {
    http_server_process server(silent);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("printed no URL within 200 ms"), std::string::npos) << e.what();
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

TEST(http_server_process, a_busy_port_is_named) {
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

class bad_server_test : public ::testing::TestWithParam<std::tuple<bad_server_case, bool>> {};

TEST_P(bad_server_test, fails_the_task_naming_url_and_cause) {
  const auto& [c, awaitable] = GetParam();
  fake_server server(c.reply);
  const http_workload work(server.url(), 5, 0, 100, 200);
  const auto message = failure_of(work, awaitable);
  EXPECT_NE(message.find(work.task_url(3).text()), std::string::npos) << message;
  EXPECT_NE(message.find(c.cause), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    cases, bad_server_test,
    ::testing::Combine(
        ::testing::Values(
            bad_server_case{"never_answers", std::nullopt, "no complete response within 200 ms (timed out)"},
            bad_server_case{"status_500", "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
                            "HTTP 500 Internal Server Error"},
            bad_server_case{"truncated", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + body_of("/3", 10),
                            "truncated body: the connection closed after 10 of 100 bytes"},
            bad_server_case{"malformed", "HTTP/1.1 two hundred OK\r\n\r\n", "malformed response"},
            bad_server_case{"not_http", "SSH-2.0-OpenSSH_9.2\r\n\r\n", "malformed response"},
            bad_server_case{"closes_at_once", "", "closed the connection without answering"}),
        ::testing::Bool()),
    [](const auto& info) {
      return std::get<0>(info.param).label + (std::get<1>(info.param) ? "_awaitable" : "_blocking");
    });

TEST(bad_server_test, refused_connection_is_named) {
  const http_workload work(closed_port_url(), 5, 0, 100, 1000);
  for (const bool awaitable : {false, true}) {
    const auto message = failure_of(work, awaitable);
    EXPECT_NE(message.find(work.task_url(3).text()), std::string::npos) << message;
    EXPECT_NE(message.find("connection refused"), std::string::npos) << message;
  }
}

// ---------------------------------------------------------------- the server survives bad clients

TEST(http_server, answers_a_malformed_request_with400_and_keeps_serving) {
  running_server server;
  const auto reply = raw_exchange(server.port(), "BLAH BLAH\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400 Bad Request")) << reply;
  const auto binary =
      raw_exchange(server.port(), std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15));
  EXPECT_TRUE(binary.starts_with("HTTP/1.1 400")) << binary;
  const auto post = raw_exchange(server.port(), "POST /1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(post.starts_with("HTTP/1.1 405")) << post;
  const auto bad_query = raw_exchange(server.port(), "GET /1?bytes=-5 HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(bad_query.starts_with("HTTP/1.1 400")) << bad_query;
  EXPECT_EQ(http_get(parse_http_url(server.url())).status, 200u);
}

TEST(http_server, survives_clients_that_vanish_mid_request) {
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

TEST(http_server, closes_idle_connections_and_serves_others_meanwhile) {
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
  EXPECT_TRUE(error == asio::error::eof || error == asio::error::connection_reset) << error.message();
  EXPECT_TRUE(nothing.empty());
  EXPECT_EQ(http_get(parse_http_url(server.url())).status, 200u);
}

// ---------------------------------------------------------------- stop requests

TEST(http_stop, a_stop_request_ends_a_hanging_blocking_request) {
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

TEST(http_stop, a_stop_request_from_another_thread_ends_a_hanging_awaitable_request) {
  fake_server silent(std::nullopt);
  const http_workload work(silent.url(), 2, 0, 10, 60'000);
  std::stop_source stop;
  asio::io_context loop;
  auto result = asio::co_spawn(loop, work.run_awaitable({1, 10}, stop.get_token()), asio::use_future);
  std::jthread requester([&] {
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
  });
  loop.run();
  EXPECT_EQ(*work.verify({1, 10}, result.get()), "stopped before a complete response");
}

TEST(http_stop, the_client_throws_stopped_when_stopped_before_starting) {
  running_server server;
  std::stop_source stop;
  stop.request_stop();
  EXPECT_THROW(http_get(parse_http_url(server.url()), {}, stop.get_token()), http_request_stopped);
}

// ---------------------------------------------------------------- hostile input: flags, URLs and servers

// Every byte of a one-line message is printable: no CR or LF splits it, no escape sequence
// rewrites the terminal.
bool printable_line(const std::string& message) {
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) return false;
  }
  return true;
}

std::string url_refusal(std::string_view text) {
  try {
    parse_http_url(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

// (a) The probe requests measuring r and X had a time-out of their own (10 s), whatever
// --http-timeout-ms said.
TEST(hostile_http, calibration_requests_honour_the_given_time_out) {
  fake_server silent(std::nullopt);
  const auto expect_time_out = [](const auto& measure) {
    try {
      measure();
      ADD_FAILURE() << "a server that never answers was measured";
    } catch (const http_error& e) {
      EXPECT_NE(std::string(e.what()).find("no complete response within 300 ms"), std::string::npos) << e.what();
    }
  };
  expect_time_out([&] { measure_http_round_trip_ns(silent.url(), 0, 1, 300ms); });
  expect_time_out([&] { measure_http_requests_per_second(silent.url(), 0, 1, 100ms, 300ms); });
  machine_constants constants;
  expect_time_out([&] { measure_http_constants(silent.url(), constants, 0, 300ms); });
}

// (b) A CR LF in --http-url went out as it was: the rest of the URL became request headers of
// its own, and the error quoting the URL spanned lines.
TEST(hostile_http, a_url_with_a_control_character_or_a_space_is_refused_in_one_line) {
  EXPECT_EQ(url_refusal("http://127.0.0.1:9/a\r\nX-Injected: 1"),
            "bad URL 'http://127.0.0.1:9/a\\r\\nX-Injected: 1': it holds a control character (\\r) "
            "at byte 20 (a URL is printable ASCII)");
  EXPECT_EQ(url_refusal("http://127.0.0.1:9/a b"),
            "bad URL 'http://127.0.0.1:9/a b': it holds a space at byte 20 (write it as %20)");
  for (const std::string& bad : {std::string("http://127.0.0.1:9/\n"), std::string("http://127.0.0.1:9/\t"),
                                 std::string("http://127.0.0.1:9/x\0y", 22), std::string("http://127.0.0.1:9/\x7f"),
                                 std::string("http://127.0.0.1:9/\x1b[2K"), std::string("http://h\xc3\xa9:9/"),
                                 std::string("http://127.0.0.1\r\n:9/"), std::string(" http://127.0.0.1:9/")}) {
    const auto message = url_refusal(bad);
    EXPECT_TRUE(message.starts_with("bad URL '")) << message;
    EXPECT_TRUE(printable_line(message)) << message;
  }
  EXPECT_EQ(url_refusal("http://127.0.0.1:9/a%20b?x=1&y=%0D%0A"), "(accepted)");
}

// (b) What a server says is quoted in one line too.
TEST(hostile_http, a_servers_status_line_is_quoted_in_one_line) {
  fake_server server("HTTP/1.1 500 Caf\xc3\xa9\tbroken\r\nContent-Length: 0\r\n\r\n");
  const http_workload work(server.url(), 5, 0, 100, 5'000);
  for (const bool awaitable : {false, true}) {
    const auto message = failure_of(work, awaitable);
    EXPECT_NE(message.find("HTTP 500 Caf\\xc3\\xa9\\tbroken"), std::string::npos) << message;
    EXPECT_TRUE(printable_line(message)) << message;
  }
}

TEST(hostile_http, a_server_that_prints_junk_instead_of_its_url_is_quoted_in_one_line) {
  try {
    http_server_process server(test_process_options("garbled"));
    ADD_FAILURE() << "started: " << server.url();
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("printed 'not a URL\\r\\x1b[2K' instead of its URL"), std::string::npos) << message;
    EXPECT_TRUE(printable_line(message)) << message;
  }
}

// (c) Memory, in KiB, from /proc/self/status ("VmRSS", "VmHWM").
std::int64_t status_kib(const std::string& key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(key + ":")) return std::stoll(line.substr(key.size() + 1));
  }
  return -1;
}

// (c) A body was held whole (up to 256 MiB) by the client, and built whole by the server: a
// 200 MiB body cost 400 MiB in this process, which runs both. Now both stream it.
TEST(hostile_http, a_200_mib_body_is_streamed_and_checked_without_being_held) {
  running_server server;
  constexpr std::int64_t bytes = std::int64_t{200} << 20;
  const http_workload work(server.url(), 1, 0, bytes, 120'000);
  const auto task = work.make_batch().at(0);
  const auto before_kib = status_kib("VmRSS");
  // Resets VmHWM, the peak, to what is resident now (Linux's clear_refs).
  std::ofstream("/proc/self/clear_refs") << "5";
  const auto result = work.run_blocking(task, {});
  EXPECT_FALSE(work.verify(task, result)) << *work.verify(task, result);
  const auto peak_kib = status_kib("VmHWM");
  ASSERT_GT(before_kib, 0);
  // Generous: a 64 KiB piece at a time; a whole body would be 204,800 KiB.
  EXPECT_LT(peak_kib - before_kib, 64 * 1024) << "peak " << peak_kib << " KiB, " << before_kib << " KiB before";
}

// (c) One byte too many fails the request at once, without waiting for the end of a body that
// may never end (this server sends 150 bytes, no length, and keeps the connection open).
TEST(hostile_http, a_body_longer_than_expected_fails_as_soon_as_it_overruns) {
  std::string endless = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
  append_http_body(endless, "/3", 150);
  fake_server never_ends(endless, false);
  const http_workload work(never_ends.url(), 5, 0, 100, 10'000);
  for (const bool awaitable : {false, true}) {
    const auto message = failure_of(work, awaitable);
    EXPECT_NE(message.find("body longer than the 100 bytes expected (more arrived)"), std::string::npos) << message;
  }
  // Announced: refused from the header, before any of the body is read.
  std::string announced = "HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n";
  append_http_body(announced, "/3", 101);
  fake_server longer(announced);
  const http_workload work_longer(longer.url(), 5, 0, 100, 10'000);
  EXPECT_NE(failure_of(work_longer, false).find("body longer than the 100 bytes expected (Content-Length 101)"),
            std::string::npos)
      << failure_of(work_longer, false);
}

// (c) Every byte is compared as it arrives.
TEST(hostile_http, a_wrong_or_missing_byte_fails_the_request_naming_where) {
  std::string body;
  append_http_body(body, "/3", 100);
  body[57] = static_cast<char>(body[57] ^ 1);
  fake_server changed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + body);
  const http_workload work(changed.url(), 5, 0, 100, 10'000);
  for (const bool awaitable : {false, true}) {
    const auto message = failure_of(work, awaitable);
    EXPECT_NE(message.find("the body differs from the server's bytes for /3 at byte 57"), std::string::npos) << message;
  }
  body.clear();
  append_http_body(body, "/3", 99);
  fake_server shorter("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n" + body);
  const http_workload work_shorter(shorter.url(), 5, 0, 100, 10'000);
  EXPECT_NE(failure_of(work_shorter, true).find("body of 99 bytes instead of the 100 expected"), std::string::npos)
      << failure_of(work_shorter, true);
}

// (d) `serve --port=0 --port=1` served on port 1.
TEST(hostile_http, a_serve_flag_given_twice_is_refused) {
  EXPECT_EQ(serve_refusal({"--port=0", "--port=1"}),
            "serve: --port is given twice ('--port=0', then '--port=1'): give it once");
  EXPECT_EQ(serve_refusal({"--port", "0", "--delay-ms=1", "--port=1"}),
            "serve: --port is given twice ('--port 0', then '--port=1'): give it once");
  EXPECT_EQ(serve_refusal({"--close", "--close"}),
            "serve: --close is given twice ('--close', then '--close'): give it once");
  EXPECT_EQ(serve_refusal({"--bind=\r\n", "--bind=x"}),
            "serve: --bind is given twice ('--bind=\\r\\n', then '--bind=x'): give it once");
}

// (d) `serve --threads=100000` printed its URL, then failed to start its threads.
TEST(hostile_http, serve_threads_are_range_checked_while_parsing) {
  EXPECT_EQ(serve_refusal({"--threads=100000"}),
            "serve: --threads must be 1..1024, got 100000 (loop threads beyond the cores only "
            "contend for them)");
  EXPECT_EQ(parse_serve_arguments(std::vector<std::string>{"--threads=1024"}).threads, 1024);
  EXPECT_THROW(http_server({.threads = 1025}), std::invalid_argument);
}

// (e) The descriptors this process has open.
std::size_t open_descriptors() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
  return count;
}

// (e) Clients that gave up while their response was delayed kept a socket each in CLOSE-WAIT
// until the delay ended.
TEST(hostile_http, clients_that_leave_during_the_delay_have_their_connections_closed) {
  for (const int threads : {1, 4}) {  // one loop thread, and several watching at once
    SCOPED_TRACE("threads " + std::to_string(threads));
    running_server server({.delay_ms = 30'000, .threads = threads});
    const auto baseline = open_descriptors();
    constexpr int clients = 50;
    {
      asio::io_context loop;  // in here: its own descriptors (epoll, ...) go with it
      std::vector<tcp::socket> sockets;
      for (int i = 0; i < clients; ++i) {
        sockets.emplace_back(loop).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
        asio::write(sockets.back(), asio::buffer("GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
      }
      const auto accepted_by = std::chrono::steady_clock::now() + 10s;
      while (server.server().connections_accepted() < clients && std::chrono::steady_clock::now() < accepted_by) {
        std::this_thread::sleep_for(1ms);
      }
      ASSERT_EQ(server.server().connections_accepted(), std::uint64_t{clients});
    }  // every client closes its connection here
    // Generous: the server notices at once; the bound only keeps a broken server from passing
    // by waiting out the 30 s delay.
    const auto closed_by = std::chrono::steady_clock::now() + 10s;
    while (open_descriptors() > baseline && std::chrono::steady_clock::now() < closed_by) {
      std::this_thread::sleep_for(10ms);
    }
    EXPECT_LE(open_descriptors(), baseline);
    EXPECT_EQ(server.server().responses_sent(), 0u);
  }
}

// (e) Watching a delayed request's socket must not drop a client that sends its next request
// early (pipelining): the socket is readable then, but the client is still there.
TEST(http_server, answers_a_request_sent_while_the_last_one_is_delayed) {
  running_server server({.delay_ms = 100, .threads = 2});
  asio::io_context loop;
  tcp::socket socket(loop);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  asio::write(socket, asio::buffer(std::string("GET /1?bytes=5 HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::this_thread::sleep_for(20ms);  // most likely during the delay; either way both are answered
  asio::write(socket, asio::buffer(std::string("GET /2?bytes=7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  std::string reply;
  boost::system::error_code error;
  asio::read(socket, asio::dynamic_buffer(reply), error);  // until the server closes
  const auto first = reply.find("HTTP/1.1 200 OK");
  ASSERT_NE(first, std::string::npos) << reply;
  EXPECT_NE(reply.find("HTTP/1.1 200 OK", first + 1), std::string::npos) << reply;
}

// (c) A chunked body (no length known up front) is read, checked and digested piece by piece.
TEST(http_client, a_chunked_body_is_verified) {
  std::string body;
  append_http_body(body, "/3", 100);
  fake_server chunked("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n28\r\n" + body.substr(0, 40) +
                      "\r\n3c\r\n" + body.substr(40) + "\r\n0\r\n\r\n");
  const http_workload work(chunked.url(), 5, 0, 100, 10'000);
  const auto task = work.make_batch().at(3);
  EXPECT_FALSE(work.verify(task, work.run_blocking(task, {})));
  EXPECT_FALSE(work.verify(task, run_awaitable_on_loop(work, task)));
}

TEST(http_body, pieces_and_digests_agree_with_the_whole_body) {
  std::string whole;
  append_http_body(whole, "/p", 300'000);
  http_body_digest digest;
  for (std::uint64_t offset = 0; offset < whole.size();) {
    // Boundaries off the period.
    const auto piece = http_body_piece("/p", offset, std::min<std::size_t>(7'777, whole.size() - offset));
    ASSERT_TRUE(piece == std::string_view(whole).substr(offset, 7'777)) << offset;
    EXPECT_EQ(http_body_mismatch("/p", offset, piece), std::string_view::npos);
    digest.add(piece);
    offset += piece.size();
  }
  EXPECT_EQ(digest.checksum(), http_body_checksum(whole));
  EXPECT_EQ(digest.checksum(), expected_http_body_checksum("/p", whole.size()));
  EXPECT_EQ(http_body_piece("/p", 0, 1'000'000).size(), http_body_piece_max_bytes);
  std::string changed = whole.substr(70'000, 10);
  changed[4] = '!';
  EXPECT_EQ(http_body_mismatch("/p", 70'000, changed), 4u);
}

// ---------------------------------------------------------------- calibration

TEST(http_calibration, measures_round_trip_and_rate) {
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

class http_under_runners_test : public ::testing::TestWithParam<runner_case> {};

TEST_P(http_under_runners_test, results_are_verified) {
  running_server server;
  const http_workload work(server.url(), 9, 2, 512);
  const auto batch = work.make_batch();
  auto runner = make_runner(GetParam().settings);
  for (int round = 0; round < 2; ++round) {  // a second batch reuses warm pools and cached connections
    const auto outcome = runner->run(work, batch, {});
    ASSERT_TRUE(outcome.ok()) << outcome.errors().front();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      ASSERT_TRUE(outcome.tasks[i].result);
      EXPECT_FALSE(work.verify(batch[i], *outcome.tasks[i].result)) << i;
    }
  }
}

TEST_P(http_under_runners_test, a_failing_server_is_an_error_naming_task_model_url_and_cause) {
  const http_workload work(closed_port_url(), 3, 0, 8, 1000);
  const auto outcome = make_runner(GetParam().settings)->run(work, work.make_batch(), {});
  const auto errors = outcome.errors();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[1].find("task 1 of http under " + std::string(to_string(GetParam().settings.model))),
            std::string::npos)
      << errors[1];
  EXPECT_NE(errors[1].find(work.task_url(1).text() + ": connection refused"), std::string::npos) << errors[1];
}

TEST_P(http_under_runners_test, a_stop_request_ends_requests_to_a_server_that_never_answers) {
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

INSTANTIATE_TEST_SUITE_P(models, http_under_runners_test, ::testing::ValuesIn(runner_cases()),
                         [](const auto& info) { return info.param.label; });

}  // namespace
}  // namespace concbench
