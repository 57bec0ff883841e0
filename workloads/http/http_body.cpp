#include "workloads/http/http_body.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace concbench {
namespace {

// A prime period, so bodies of different paths are not shifted copies that line up after a
// few bytes; printable, so a body shown by curl reads as text.
constexpr std::size_t pattern_period = 4093;

// The pattern, followed by its own first http_body_piece_max_bytes bytes again: any piece of
// a body, up to that size, is then one contiguous run of this array, whatever byte of the
// period it starts at. The server sends pieces straight from here and the client compares
// against here: neither builds a body.
const std::array<char, pattern_period + http_body_piece_max_bytes>& pattern() {
  static const auto bytes = [] {
    constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    std::array<char, pattern_period + http_body_piece_max_bytes> out{};
    std::uint32_t state = 2463534242u;  // xorshift32: fixed, so every build sends the same bytes
    for (std::size_t i = 0; i < pattern_period; ++i) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      out[i] = alphabet[state % alphabet.size()];
    }
    for (std::size_t i = pattern_period; i < out.size(); ++i) out[i] = out[i % pattern_period];
    return out;
  }();
  return bytes;
}

std::size_t start_of(std::string_view path) {
  std::uint64_t hash = 0xcbf29ce484222325u;  // FNV-1a
  for (const char c : path) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3u;
  return static_cast<std::size_t>(hash % pattern_period);
}

void mix(std::uint64_t& hash, std::uint64_t word) {
  hash = (hash ^ word) * 0xff51afd7ed558ccdu;
  hash ^= hash >> 32;
}

}  // namespace

std::string_view http_body_piece(std::string_view path, std::uint64_t offset, std::size_t bytes) {
  const auto position = static_cast<std::size_t>((start_of(path) + offset % pattern_period) % pattern_period);
  return {pattern().data() + position, std::min(bytes, http_body_piece_max_bytes)};
}

void append_http_body(std::string& out, std::string_view path, std::size_t bytes) {
  out.reserve(out.size() + bytes);
  for (std::uint64_t offset = 0; offset < bytes;) {
    const auto piece = http_body_piece(path, offset, bytes - offset);
    out.append(piece);
    offset += piece.size();
  }
}

std::size_t http_body_mismatch(std::string_view path, std::uint64_t offset, std::string_view piece) {
  for (std::size_t checked = 0; checked < piece.size();) {
    const auto expected = http_body_piece(path, offset + checked, piece.size() - checked);
    const auto received = piece.substr(checked, expected.size());
    if (received != expected) {
      const auto [at, unused] = std::mismatch(received.begin(), received.end(), expected.begin());
      return checked + static_cast<std::size_t>(at - received.begin());
    }
    checked += expected.size();
  }
  return std::string_view::npos;
}

void http_body_digest::add(std::string_view piece) {
  size_ += piece.size();
  // Eight bytes at a time: the client checks every body it receives, at any size.
  if (pending_size_ > 0) {
    const std::size_t take = std::min(piece.size(), sizeof pending_ - pending_size_);
    std::memcpy(pending_ + pending_size_, piece.data(), take);
    pending_size_ += take;
    piece.remove_prefix(take);
    if (pending_size_ < sizeof pending_) return;
    std::uint64_t word;
    std::memcpy(&word, pending_, 8);
    mix(hash_, word);
    pending_size_ = 0;
  }
  std::size_t i = 0;
  for (; i + 8 <= piece.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, piece.data() + i, 8);
    mix(hash_, word);
  }
  pending_size_ = piece.size() - i;
  std::memcpy(pending_, piece.data() + i, pending_size_);
}

std::uint32_t http_body_digest::checksum() const {
  std::uint64_t hash = hash_;
  if (pending_size_ > 0) {
    std::uint64_t word = 0;
    std::memcpy(&word, pending_, pending_size_);
    mix(hash, word);
  }
  // The length last, as only the end knows it: a body and the same body padded with zero
  // bytes then differ.
  mix(hash, size_);
  return static_cast<std::uint32_t>(hash ^ (hash >> 29));
}

std::uint32_t http_body_checksum(std::string_view body) {
  http_body_digest digest;
  digest.add(body);
  return digest.checksum();
}

std::uint32_t expected_http_body_checksum(std::string_view path, std::size_t bytes) {
  http_body_digest digest;
  for (std::uint64_t offset = 0; offset < bytes;) {
    const auto piece = http_body_piece(path, offset, bytes - offset);
    digest.add(piece);
    offset += piece.size();
  }
  return digest.checksum();
}

}  // namespace concbench
