#include "workloads/http/http_serve.hpp"

#include <signal.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "workloads/http/http_quote.hpp"
#include "workloads/http/http_target.hpp"
#include "workloads/number_format.hpp"
#include "workloads/open_file_limit.hpp"

namespace concbench {
namespace {

template <typename number>
number parse_value(const std::string& flag, const std::string& text) {
  number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
    throw std::invalid_argument("serve: " + flag + " wants a number, got '" + quote_text(text) + "'");
  }
  return value;
}

}  // namespace

serve_options parse_serve_arguments(std::span<const std::string> arguments) {
  static const std::set<std::string> valued{"--port", "--delay-ms",        "--body-bytes",
                                            "--bind", "--idle-timeout-ms", "--threads"};
  serve_options options;
  // Each flag as first given: a second one would silently win over the first (`--port=0
  // --port=1` serving on port 1), so it is refused, as concbench's own flags are.
  std::map<std::string, std::string> given;
  const auto once = [&given](const std::string& flag, const std::string& argument) {
    if (const auto [first, inserted] = given.emplace(flag, argument); !inserted) {
      throw std::invalid_argument("serve: " + flag + " is given twice ('" + quote_text(first->second) + "', then '" +
                                  quote_text(argument) + "'): give it once");
    }
  };
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    std::string flag = arguments[i];
    if (flag == "--close" || flag == "--stop-on-stdin-eof") once(flag, flag);
    if (flag == "--close") {
      options.keep_alive = false;
      continue;
    }
    if (flag == "--stop-on-stdin-eof") {
      options.stop_on_stdin_eof = true;
      continue;
    }
    std::optional<std::string> value;
    if (const auto equals = flag.find('='); equals != std::string::npos) {
      value = flag.substr(equals + 1);
      flag.resize(equals);
    }
    if (!flag.starts_with("--")) {
      throw std::invalid_argument("serve: unexpected argument '" + quote_text(arguments[i]) + "'");
    }
    // Known before its value is looked for: `--bogus` is an unknown option, not one without a value.
    if (!valued.count(flag)) {
      throw std::invalid_argument("serve: unknown option '" + quote_text(flag) +
                                  "' (--port, --delay-ms, --body-bytes, --bind, --close, --idle-timeout-ms, "
                                  "--threads, --stop-on-stdin-eof)");
    }
    const std::size_t flag_word = i;
    if (!value) {
      if (i + 1 == arguments.size()) throw std::invalid_argument("serve: " + flag + " needs a value");
      value = arguments[++i];
    }
    once(flag, i == flag_word ? arguments[i] : flag + " " + *value);
    // Each value is checked here, as http_server would, so a bad one is a command-line error
    // (exit status 2) with the flag named, not a server that fails to start (exit status 1).
    if (flag == "--port") {
      const auto port = parse_value<unsigned>(flag, *value);
      if (port > 65535) {
        throw std::invalid_argument("serve: --port must be 0..65535, got " + quote_text(*value));
      }
      options.port = static_cast<std::uint16_t>(port);
    } else if (flag == "--delay-ms") {
      options.delay_ms = parse_value<double>(flag, *value);
      if (!(options.delay_ms >= 0) || !std::isfinite(options.delay_ms) || options.delay_ms > max_http_delay_ms) {
        throw std::invalid_argument("serve: --delay-ms must be 0.." + format_number(max_http_delay_ms) + ", got " +
                                    quote_text(*value));
      }
      options.delay_ms = options.delay_ms == 0 ? 0.0 : options.delay_ms;  // -0 is no delay
    } else if (flag == "--body-bytes") {
      options.body_bytes = parse_value<std::int64_t>(flag, *value);
      if (options.body_bytes < 0 || options.body_bytes > max_http_body_bytes) {
        throw std::invalid_argument("serve: --body-bytes must be 0.." + std::to_string(max_http_body_bytes) + ", got " +
                                    quote_text(*value));
      }
    } else if (flag == "--bind") {
      if (value->empty()) throw std::invalid_argument("serve: --bind needs an address, e.g. --bind 0.0.0.0");
      options.address = *value;
    } else if (flag == "--idle-timeout-ms") {
      options.idle_timeout_ms = parse_value<std::int64_t>(flag, *value);
      if (options.idle_timeout_ms < 1) {
        throw std::invalid_argument("serve: --idle-timeout-ms must be at least 1, got " + quote_text(*value));
      }
    } else if (flag == "--threads") {
      options.threads = parse_value<int>(flag, *value);
      if (options.threads < 1 || options.threads > max_http_server_threads) {
        throw std::invalid_argument("serve: --threads must be 1.." + std::to_string(max_http_server_threads) +
                                    ", got " + quote_text(*value) +
                                    " (loop threads beyond the cores only contend for them)");
      }
    }
  }
  return options;
}

std::vector<std::string> serve_arguments(const serve_options& options) {
  char delay[32];
  const auto written = std::to_chars(delay, delay + sizeof delay, options.delay_ms);  // exact
  std::vector<std::string> out{"--port=" + std::to_string(options.port),
                               "--delay-ms=" + std::string(delay, written.ptr),
                               "--body-bytes=" + std::to_string(options.body_bytes),
                               "--bind=" + options.address,
                               "--idle-timeout-ms=" + std::to_string(options.idle_timeout_ms),
                               "--threads=" + std::to_string(options.threads)};
  if (!options.keep_alive) out.push_back("--close");
  if (options.stop_on_stdin_eof) out.push_back("--stop-on-stdin-eof");
  return out;
}

int serve_main(const serve_options& options) {
  // A parent may have spawned us from a thread that blocks these (the mask survives exec):
  // then SIGTERM would never reach the signal_set and the parent would have to SIGKILL.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
  // A client that closes early must cost an error code on one connection, not the process
  // (Asio sends with MSG_NOSIGNAL already; this also covers stdout to a parent that is gone).
  ::signal(SIGPIPE, SIG_IGN);
  raise_open_file_limit();  // one socket per client connection
  try {
    http_server server(options);
    boost::asio::signal_set signals(server.get_executor(), SIGTERM);
    // Run by concbench (stop on stdin EOF), the server belongs to the measuring process, which
    // stops it: a Ctrl-C sent to the terminal's whole process group must not kill it under
    // requests still in flight, or the interrupted entry would show connection errors.
    if (options.stop_on_stdin_eof) {
      ::signal(SIGINT, SIG_IGN);
    } else {
      signals.add(SIGINT);
    }
    signals.async_wait([&server](const boost::system::error_code& error, int) {
      if (!error) server.stop();
    });
    char ignored_byte = 0;  // before the descriptor: it outlives the read into it
    std::optional<boost::asio::posix::stream_descriptor> parent_pipe;
    if (options.stop_on_stdin_eof) {
      // The parent never writes: the read ends only when its end closes, i.e. when it is gone.
      parent_pipe.emplace(server.get_executor(), ::dup(STDIN_FILENO));
      parent_pipe->async_read_some(boost::asio::buffer(&ignored_byte, 1),
                                   [&server](const boost::system::error_code& error, std::size_t) {
                                     if (error != boost::asio::error::operation_aborted) server.stop();
                                   });
    }
    // Every thread runs before the URL goes out: a server that cannot start them fails
    // without ever having said it serves (a parent that read the URL would send requests).
    server.start_threads();
    // The URL goes out only once the signals are caught: a parent that read it may SIGTERM at once.
    std::printf("%s\n", server.url().c_str());
    std::fflush(stdout);
    server.run();
    // Stopped, yet a stop signal may still come: a server stopped by the SIGTERM sent to its
    // whole process group then gets concbench's own (http_server_process::stop()). Once
    // `signals` is destroyed, SIGTERM's default action is back and would kill the process
    // halfway through its exit: "killed by SIGTERM" instead of exit status 0, and under
    // LeakSanitizer, whose leak check at exit runs in a cloned tracer process, that tracer left
    // a zombie for the parent to inherit. run() has joined the loop's other threads: blocking
    // the signals in this thread blocks them for the whole process.
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "concbench serve: %s\n", e.what());
    return 1;
  }
}

}  // namespace concbench
