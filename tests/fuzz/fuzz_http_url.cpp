// libFuzzer target: the --http-url parser. Every input is parsed or refused with
// std::invalid_argument whose message is one printable line; a parsed URL is printable ASCII
// without spaces (nothing in it can end a request line or a header early), and printed back it
// parses to the same URL.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "workloads/http/http_url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto printable = [](std::string_view line, char lowest) {
    for (const char c : line) {
      if (c < lowest || c > '~') return false;
    }
    return true;
  };
  try {
    const auto url = concbench::parse_http_url(text);
    if (!printable(url.text(), '!')) __builtin_trap();  // '!': the first printable after space
    const auto again = concbench::parse_http_url(url.text());
    if (again.host != url.host || again.port != url.port || again.target != url.target) __builtin_trap();
  } catch (const std::invalid_argument& e) {
    if (!printable(e.what(), ' ')) __builtin_trap();
  }
  return 0;
}
