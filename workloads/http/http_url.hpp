#pragma once
// An http:// URL split into what a client needs: where to connect and what to ask for.
// Only plain HTTP (the server is on loopback or a trusted lab network; no TLS).

#include <cstdint>
#include <string>
#include <string_view>

namespace concbench {

struct http_url {
  std::string host;  // a name or an address; an IPv6 address without its brackets
  std::uint16_t port = 80;
  std::string target = "/";  // path and query, always starting with '/'

  // "host:port" as the Host header and error messages want it (IPv6 in brackets).
  std::string authority() const;
  // The URL back as text, e.g. "http://127.0.0.1:8080/3?bytes=10".
  std::string text() const;
  // The same server with another target.
  http_url with_target(std::string new_target) const;
};

// Throws std::invalid_argument saying what is wrong ("not an http:// URL", a bad port, a
// space or a control character, ...) in one line: the URL is quoted with its control bytes
// escaped (http_quote.hpp). A URL is printable ASCII without spaces, so what it holds can never
// end the request line or the Host header early (no header injection).
http_url parse_http_url(std::string_view text);

}  // namespace concbench
