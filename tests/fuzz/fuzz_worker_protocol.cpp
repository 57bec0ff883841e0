// libFuzzer target: the worker protocol's parsers (both directions) on arbitrary lines. Every
// input must either parse or be refused with protocol_error (never a crash, a hang or another
// exception), and whatever parses must survive encode -> parse unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runners/process/worker_protocol.hpp"

namespace {

using namespace concbench;

[[noreturn]] void broken(const char* what) {
  __builtin_trap();  // libFuzzer records the input that got here
  (void)what;
}

template <typename Message, typename Parse>
void round_trip(const Message& message, Parse parse) {
  const auto again = parse(encode(message));
  if (!std::holds_alternative<Message>(again)) broken("round trip changed the message kind");
  if (encode(std::get<Message>(again)) != encode(message)) broken("round trip changed the message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  try {
    const worker_message message = parse_worker_message(line);
    std::visit([](const auto& m) { round_trip(m, parse_worker_message); }, message);
  } catch (const protocol_error&) {
    // refused, with a message: what the parser must do with bad input
  }
  try {
    const parent_message message = parse_parent_message(line);
    std::visit([](const auto& m) { round_trip(m, parse_parent_message); }, message);
  } catch (const protocol_error&) {
  }
  (void)quote_line(line);
  return 0;
}
