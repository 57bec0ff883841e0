#pragma once
// What the http server sends: a body that depends only on the request's path and its length,
// so a client can check every byte it received without the server telling it anything (a
// response that went to the wrong request, or lost or changed bytes, fails the checksum).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace concbench {

// Appends `bytes` bytes of the body for `path` (the target without its query) to `out`.
void append_http_body(std::string& out, std::string_view path, std::size_t bytes);

// A 32-bit checksum of a body (not cryptographic: it catches accidents, not adversaries).
std::uint32_t http_body_checksum(std::string_view body);

// The checksum the body for `path` of `bytes` bytes has.
std::uint32_t expected_http_body_checksum(std::string_view path, std::size_t bytes);

}  // namespace concbench
