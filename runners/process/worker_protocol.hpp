#pragma once
// The worker protocol (docs/design.md "Processes"): one JSON object per line over the worker's
// own pipes (never stdout), lines capped at max_line_bytes on both sides.
//
//   worker -> parent  {"hello": "concbench-worker", "version": 1, "pid": 4242}   once, first
//   parent -> worker  {"version": 1, "workload": "cpu", "params": {...}}          before the first
//                                                    task, and again whenever the workload changes
//   parent -> worker  {"id": 7, "task": {"index": 3, "size": 1000}}               one at a time
//   worker -> parent  {"id": 7, "result": {"value": 1000}, "start": ns, "end": ns}
//                  or {"id": 7, "error": "what the task threw", "start": ns, "end": ns}
//   worker -> parent  {"fatal": "why"}   the worker cannot go on (bad setup, broken line) and exits
//
// start and end are the worker's steady_clock (CLOCK_MONOTONIC, shared by every process on the
// machine) in ns since its epoch; the parent turns them into offsets from the batch's start.
// End of file on the parent's pipe tells a worker to exit; end of file on the worker's pipe
// tells the parent the worker is gone.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include "workloads/task.hpp"

namespace concbench {

inline constexpr int protocol_version = 1;
inline constexpr std::string_view worker_greeting = "concbench-worker";
// Longest line either side sends or accepts, newline excluded. A task or a result is a few
// dozen bytes; the cap keeps a runaway peer from growing the reader's buffer without end.
inline constexpr std::size_t max_line_bytes = 64 * 1024;
// Error text a worker sends back is cut to this, so a reply always fits in a line.
inline constexpr std::size_t max_error_bytes = 4 * 1024;

// A peer broke the protocol; the message says how and quotes the start of the offending line.
class protocol_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct hello_message {
  int version = protocol_version;
  long pid = 0;
};
struct setup_message {
  int version = protocol_version;
  std::string workload;
  nlohmann::json params;
};
struct task_message {
  std::uint64_t id = 0;
  task_spec task;
};
struct reply_message {
  std::uint64_t id = 0;
  std::optional<task_result> result;  // set, or else error is
  std::string error;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
};
struct fatal_message {
  std::string reason;
};

using worker_message = std::variant<hello_message, reply_message, fatal_message>;
using parent_message = std::variant<setup_message, task_message>;

// One line each, without the newline.
std::string encode(const hello_message& message);
std::string encode(const setup_message& message);
std::string encode(const task_message& message);
std::string encode(const reply_message& message);
std::string encode(const fatal_message& message);

// Throw protocol_error for anything but a well-formed message of the right version.
worker_message parse_worker_message(std::string_view line);
parent_message parse_parent_message(std::string_view line);

// A reply must answer the one task its worker holds (`outstanding`; nullopt: it holds none).
void check_reply_id(std::uint64_t reply_id, std::optional<std::uint64_t> outstanding);

// The start of a line, escaped and cut, for error messages.
std::string quote_line(std::string_view line);

// Splits what arrives on a pipe into lines, refusing any longer than its maximum.
class line_reader {
 public:
  explicit line_reader(std::size_t max_line = max_line_bytes) : max_line_(max_line) {}

  // One read(2) from `fd` into the buffer: the bytes read, 0 at end of file, -1 when a
  // non-blocking fd has nothing yet. Throws std::system_error on a read error.
  long fill(int fd);
  // The next complete line without its newline, if one is buffered. Throws protocol_error
  // once the line being assembled is longer than the maximum (whether or not it has ended).
  std::optional<std::string> next_line();
  bool has_partial_line() const { return begin_ < buffer_.size(); }

 private:
  std::size_t max_line_;
  std::string buffer_;
  std::size_t begin_ = 0;    // start of the first unconsumed line
  std::size_t scanned_ = 0;  // bytes after begin_ already known to hold no newline
};

// Blocks until a whole line has arrived: nullopt at a clean end of file. Throws protocol_error
// for an over-long line or one cut short by end of file, std::system_error on read errors.
std::optional<std::string> read_line(int fd, line_reader& reader);

// Writes `line` and a newline. Throws protocol_error when the line is longer than the cap
// (nothing is written), std::system_error when the write fails (EPIPE: the reader is gone;
// the caller ignores SIGPIPE).
void write_line(int fd, std::string_view line);
// Writes bytes as they are, retrying short writes and EINTR. Throws std::system_error.
void write_all(int fd, std::string_view bytes);

}  // namespace concbench
