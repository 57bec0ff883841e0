#pragma once
// Text from outside (a URL, a command-line value, a server's status line or output) quoted in
// an error message. Such text may hold a CR, an LF or other control bytes: quoted as they are,
// they would split the message over several lines (or rewrite the line a terminal shows), so
// every message would stop being the one line a log or a script expects.

#include <cstddef>
#include <string>
#include <string_view>

namespace concbench {

// `text` with every byte outside printable ASCII written as an escape (\r, \n, \t, \xNN) and a
// backslash doubled, so the result is one line and says exactly which bytes were there; cut
// after `max_bytes` bytes of `text` (marked "...") so a megabyte of junk stays a short line.
inline std::string quote_text(std::string_view text, std::size_t max_bytes = 200) {
  constexpr char hex[] = "0123456789abcdef";
  std::string out;
  const bool cut = text.size() > max_bytes;
  if (cut) text = text.substr(0, max_bytes);
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    }
  }
  if (cut) out += "...";
  return out;
}

}  // namespace concbench
