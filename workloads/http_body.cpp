#include "http_body.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace concbench {
namespace {

// A prime period, so bodies of different paths are not shifted copies that line up after a
// few bytes; printable, so a body shown by curl reads as text.
constexpr std::size_t pattern_period = 4093;

const std::array<char, pattern_period>& pattern() {
  static const auto bytes = [] {
    constexpr std::string_view alphabet =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    std::array<char, pattern_period> out{};
    std::uint32_t state = 2463534242u;  // xorshift32: fixed, so every build sends the same bytes
    for (auto& c : out) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      c = alphabet[state % alphabet.size()];
    }
    return out;
  }();
  return bytes;
}

std::size_t offset_of(std::string_view path) {
  std::uint64_t hash = 0xcbf29ce484222325u;  // FNV-1a
  for (const char c : path) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3u;
  return static_cast<std::size_t>(hash % pattern_period);
}

}  // namespace

void append_http_body(std::string& out, std::string_view path, std::size_t bytes) {
  const auto& source = pattern();
  std::size_t position = offset_of(path);
  out.reserve(out.size() + bytes);
  while (bytes > 0) {
    const std::size_t chunk = std::min(bytes, pattern_period - position);
    out.append(source.data() + position, chunk);
    bytes -= chunk;
    position = 0;
  }
}

std::uint32_t http_body_checksum(std::string_view body) {
  // Eight bytes at a time: the client checks every body it receives, at any size.
  std::uint64_t hash = 0x9e3779b97f4a7c15u ^ body.size();
  const auto mix = [&hash](std::uint64_t word) {
    hash = (hash ^ word) * 0xff51afd7ed558ccdu;
    hash ^= hash >> 32;
  };
  std::size_t i = 0;
  for (; i + 8 <= body.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, body.data() + i, 8);
    mix(word);
  }
  if (i < body.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, body.data() + i, body.size() - i);
    mix(word);
  }
  return static_cast<std::uint32_t>(hash ^ (hash >> 29));
}

std::uint32_t expected_http_body_checksum(std::string_view path, std::size_t bytes) {
  std::string body;
  append_http_body(body, path, bytes);
  return http_body_checksum(body);
}

}  // namespace concbench
