#pragma once
// What the http server sends: a body that depends only on the request's path and its length,
// so a client can check every byte it received without the server telling it anything (a
// response that went to the wrong request, or lost or changed bytes, fails the check).
//
// Bodies may be hundreds of megabytes: the server sends them piece by piece (http_body_piece)
// and the client checks them piece by piece as they arrive (http_body_mismatch,
// http_body_digest); neither ever holds one whole.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace concbench {

// The largest piece http_body_piece gives: what one socket read or write moves at a time, so
// sending or checking a body piece by piece costs no more calls than whole.
inline constexpr std::size_t http_body_piece_max_bytes = 64 * 1024;

// Bytes offset .. offset + min(bytes, http_body_piece_max_bytes) of the body for `path` (the
// target without its query): a view of static storage, valid for the life of the program.
std::string_view http_body_piece(std::string_view path, std::uint64_t offset, std::size_t bytes);

// Appends `bytes` bytes of the body for `path` to `out` (for tests and small bodies).
void append_http_body(std::string& out, std::string_view path, std::size_t bytes);

// Where `piece`, received at byte `offset` of the body for `path`, first differs from that
// body: an index into `piece`, or std::string_view::npos when every byte is right.
std::size_t http_body_mismatch(std::string_view path, std::uint64_t offset, std::string_view piece);

// A 32-bit checksum of a body (not cryptographic: it catches accidents, not adversaries),
// computed piece by piece: the pieces' boundaries do not change it.
class http_body_digest {
 public:
  void add(std::string_view piece);
  std::uint64_t size() const { return size_; }
  // Of everything added so far.
  std::uint32_t checksum() const;

 private:
  std::uint64_t hash_ = 0x9e3779b97f4a7c15u;
  std::uint64_t size_ = 0;
  // The bytes of an unfinished 8-byte word, waiting for the next piece.
  unsigned char pending_[8] = {};
  std::size_t pending_size_ = 0;
};

// The checksum of a whole body.
std::uint32_t http_body_checksum(std::string_view body);

// The checksum the body for `path` of `bytes` bytes has (computed without building it).
std::uint32_t expected_http_body_checksum(std::string_view path, std::size_t bytes);

}  // namespace concbench
