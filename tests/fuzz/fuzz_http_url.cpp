// libFuzzer target: the --http-url parser. Every input is parsed or refused with
// std::invalid_argument; a parsed URL printed back parses to the same URL.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "http_url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto url = concbench::parse_http_url(text);
    const auto again = concbench::parse_http_url(url.text());
    if (again.host != url.host || again.port != url.port || again.target != url.target) __builtin_trap();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
