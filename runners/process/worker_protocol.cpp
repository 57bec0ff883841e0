#include "runners/process/worker_protocol.hpp"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace concbench {
namespace {

using nlohmann::json;

// Invalid UTF-8 (say, in an exception's message) is replaced rather than thrown on.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json parse_object(std::string_view line, std::string_view who) {
  json j;
  try {
    j = json::parse(line);
  } catch (const json::exception& e) {
    // Not only parse_error: a number too large for a double ("1E999") is out_of_range.
    throw protocol_error("malformed line from the " + std::string(who) + " (not JSON: " + e.what() +
                         "): " + quote_line(line));
  }
  if (!j.is_object()) {
    throw protocol_error("malformed line from the " + std::string(who) + " (not a JSON object): " + quote_line(line));
  }
  return j;
}

[[noreturn]] void bad_field(std::string_view line, std::string_view field, std::string_view wanted) {
  throw protocol_error("malformed message: field \"" + std::string(field) + "\" must be " + std::string(wanted) + ": " +
                       quote_line(line));
}

const json& field(const json& j, std::string_view line, const char* name) {
  const auto it = j.find(name);
  if (it == j.end())
    throw protocol_error("malformed message: no \"" + std::string(name) + "\" field: " + quote_line(line));
  return *it;
}

std::int64_t integer_field(const json& j, std::string_view line, const char* name) {
  const json& value = field(j, line, name);
  if (!value.is_number_integer()) bad_field(line, name, "an integer");
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    bad_field(line, name, "a 64-bit integer");
  }
  return value.get<std::int64_t>();
}

std::uint64_t id_field(const json& j, std::string_view line) {
  const json& value = field(j, line, "id");
  if (!value.is_number_unsigned()) bad_field(line, "id", "a non-negative integer");
  return value.get<std::uint64_t>();
}

int checked_version(const json& j, std::string_view line, std::string_view who) {
  const json& value = field(j, line, "version");
  if (!value.is_number_integer()) bad_field(line, "version", "an integer");
  const auto version = value.get<std::int64_t>();
  if (version != protocol_version) {
    throw protocol_error("the " + std::string(who) + " speaks protocol version " + std::to_string(version) +
                         ", this build speaks version " + std::to_string(protocol_version) +
                         " (is the worker binary from another concbench build?)");
  }
  return protocol_version;
}

}  // namespace

std::string quote_line(std::string_view line) {
  constexpr std::size_t shown = 80;
  std::string text = dump(json(std::string(line.substr(0, shown))));
  if (line.size() > shown) text += " (" + std::to_string(line.size()) + " bytes in all)";
  return text;
}

std::string encode(const hello_message& m) {
  return dump(json{{"hello", worker_greeting}, {"version", m.version}, {"pid", m.pid}});
}
std::string encode(const setup_message& m) {
  return dump(json{{"version", m.version}, {"workload", m.workload}, {"params", m.params}});
}
std::string encode(const task_message& m) { return dump(json{{"id", m.id}, {"task", m.task}}); }
std::string encode(const reply_message& m) {
  json j{{"id", m.id}, {"start", m.start_ns}, {"end", m.end_ns}};
  if (m.result) {
    j["result"] = *m.result;
  } else {
    j["error"] = m.error;
  }
  return dump(j);
}
std::string encode(const fatal_message& m) { return dump(json{{"fatal", m.reason}}); }

worker_message parse_worker_message(std::string_view line) {
  const json j = parse_object(line, "worker");
  if (const auto hello = j.find("hello"); hello != j.end()) {
    if (!hello->is_string() || hello->get<std::string>() != worker_greeting) {
      throw protocol_error("the first line is not a concbench worker's hello: " + quote_line(line));
    }
    hello_message m;
    m.version = checked_version(j, line, "worker");
    m.pid = static_cast<long>(integer_field(j, line, "pid"));
    return m;
  }
  if (const auto fatal = j.find("fatal"); fatal != j.end()) {
    if (!fatal->is_string()) bad_field(line, "fatal", "a string");
    return fatal_message{fatal->get<std::string>()};
  }
  reply_message m;
  m.id = id_field(j, line);
  m.start_ns = integer_field(j, line, "start");
  m.end_ns = integer_field(j, line, "end");
  if (m.end_ns < m.start_ns) throw protocol_error("malformed reply: it ends before it starts: " + quote_line(line));
  const auto result = j.find("result");
  const auto error = j.find("error");
  if ((result == j.end()) == (error == j.end())) {
    throw protocol_error("malformed reply: it needs exactly one of \"result\" and \"error\": " + quote_line(line));
  }
  if (result != j.end()) {
    const auto value = result->is_object() ? result->find("value") : result->end();
    if (value == result->end() || !value->is_number_integer()) bad_field(line, "result", "{\"value\": integer}");
    m.result = result->get<task_result>();
  } else {
    if (!error->is_string()) bad_field(line, "error", "a string");
    m.error = error->get<std::string>();
  }
  return m;
}

parent_message parse_parent_message(std::string_view line) {
  const json j = parse_object(line, "parent");
  if (j.contains("workload")) {
    setup_message m;
    m.version = checked_version(j, line, "parent");
    const json& name = field(j, line, "workload");
    if (!name.is_string()) bad_field(line, "workload", "a string");
    m.workload = name.get<std::string>();
    m.params = field(j, line, "params");
    return m;
  }
  task_message m;
  m.id = id_field(j, line);
  const json& task = field(j, line, "task");
  if (!task.is_object() || !task.contains("index") || !task["index"].is_number_unsigned() || !task.contains("size") ||
      !task["size"].is_number_integer()) {
    bad_field(line, "task", "{\"index\": unsigned, \"size\": integer}");
  }
  m.task = task.get<task_spec>();
  return m;
}

void check_reply_id(std::uint64_t reply_id, std::optional<std::uint64_t> outstanding) {
  if (outstanding && *outstanding == reply_id) return;
  throw protocol_error(
      "reply for unknown task id " + std::to_string(reply_id) +
      (outstanding ? " (the worker holds id " + std::to_string(*outstanding) + ")" : " (the worker holds no task)"));
}

long line_reader::fill(int fd) {
  constexpr std::size_t chunk = 16 * 1024;
  if (begin_ > 0 && begin_ * 2 >= buffer_.size()) {  // drop consumed lines before growing
    buffer_.erase(0, begin_);
    begin_ = 0;
  }
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + chunk);
  ssize_t n;
  do {
    n = ::read(fd, buffer_.data() + old_size, chunk);
  } while (n < 0 && errno == EINTR);
  const int error = errno;
  buffer_.resize(old_size + static_cast<std::size_t>(n > 0 ? n : 0));
  if (n < 0) {
    if (error == EAGAIN || error == EWOULDBLOCK) return -1;
    throw std::system_error(error, std::generic_category(), "read from a worker pipe");
  }
  return static_cast<long>(n);
}

std::optional<std::string> line_reader::next_line() {
  const std::size_t newline = buffer_.find('\n', begin_ + scanned_);
  const std::size_t length = (newline == std::string::npos ? buffer_.size() : newline) - begin_;
  if (length > max_line_) {
    throw protocol_error("line longer than " + std::to_string(max_line_) +
                         " bytes: " + quote_line(std::string_view(buffer_).substr(begin_, 80)));
  }
  if (newline == std::string::npos) {
    scanned_ = length;
    return std::nullopt;
  }
  std::string line = buffer_.substr(begin_, length);
  begin_ = newline + 1;
  scanned_ = 0;
  if (begin_ == buffer_.size()) {
    buffer_.clear();
    begin_ = 0;
  }
  return line;
}

std::optional<std::string> read_line(int fd, line_reader& reader) {
  for (;;) {
    if (auto line = reader.next_line()) return line;
    const long n = reader.fill(fd);
    if (n == 0) {
      if (reader.has_partial_line()) throw protocol_error("the pipe closed in the middle of a line");
      return std::nullopt;
    }
  }
}

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "write to a worker pipe");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void write_line(int fd, std::string_view line) {
  if (line.size() > max_line_bytes) {
    throw protocol_error("message of " + std::to_string(line.size()) + " bytes is longer than the protocol's " +
                         std::to_string(max_line_bytes) + "-byte line limit");
  }
  // One write for line and newline: a reader never sees half a message from a short write
  // unless the pipe is full, and then write_all finishes it.
  std::string framed;
  framed.reserve(line.size() + 1);
  framed.append(line);
  framed.push_back('\n');
  write_all(fd, framed);
}

}  // namespace concbench
