#include "workloads/http/http_url.hpp"

#include <charconv>
#include <stdexcept>

#include "workloads/http/http_quote.hpp"

namespace concbench {
namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

// Why `text` cannot be a URL as it stands, or empty. A URL is printable ASCII without spaces
// (RFC 3986): anything else would be sent as it is in the request line or the Host header, and
// a CR LF there ends the line early and lets the rest of the URL add headers of its own (header
// injection). Percent-encoding writes any such byte safely.
std::string unsendable_byte(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte > 0x20 && byte < 0x7f) continue;
    const std::string where = " at byte " + std::to_string(i) + " ";
    if (byte == ' ') return "a space" + where + "(write it as %20)";
    if (byte >= 0x80) {
      return "a non-ASCII byte (" + quote_text(text.substr(i, 1)) + ")" + where + "(percent-encode it)";
    }
    return "a control character (" + quote_text(text.substr(i, 1)) + ")" + where + "(a URL is printable ASCII)";
  }
  return {};
}

}  // namespace

std::string http_url::authority() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string http_url::text() const { return "http://" + authority() + target; }

http_url http_url::with_target(std::string new_target) const {
  http_url copy = *this;
  copy.target = std::move(new_target);
  return copy;
}

http_url parse_http_url(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    return std::invalid_argument("bad URL '" + quote_text(text) + "': " + why);
  };
  if (const auto problem = unsendable_byte(text); !problem.empty()) throw fail("it holds " + problem);
  constexpr std::string_view scheme = "http://";
  if (!starts_with_ignoring_case(text, scheme)) {
    throw fail(starts_with_ignoring_case(text, "https://") ? "https is not supported, use http://"
                                                           : "not an http:// URL");
  }
  std::string_view rest = text.substr(scheme.size());
  const auto slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (const auto hash = target.find('#'); hash != std::string::npos) target.erase(hash);  // never sent
  if (target.empty() || target.front() != '/') target.insert(target.begin(), '/');
  if (authority.find('@') != std::string_view::npos) throw fail("user names in URLs are not supported");

  http_url url;
  url.target = std::move(target);
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw fail("unclosed '[' in the host");
    url.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw fail("unexpected text after ']'");
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) throw fail("no host");
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      throw fail("bad port '" + std::string(port_text) + "'");
    }
    url.port = static_cast<std::uint16_t>(port);
  }
  return url;
}

}  // namespace concbench
