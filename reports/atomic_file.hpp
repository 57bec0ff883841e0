#pragma once
// Writes a file so that a reader sees either the old or the new content, never half of it:
// a temporary file beside it, then rename(). The one output rule of concbench's writers (the
// C++ binary and the CPython reference): a regular file is replaced that way; a symbolic link is
// followed and its target replaced that way (the link stays a link); anything else (a device, a
// fifo, a socket, a directory) is refused, never replaced. New files get the umask's mode.

#include <filesystem>
#include <string_view>

namespace concbench {

// What `path` names once every symbolic link is followed (at most 40), existing or not.
// Throws std::runtime_error for a loop of links.
std::filesystem::path followed_links(const std::filesystem::path& path);

// Throws std::runtime_error naming the path and the system's reason ("No space left on device",
// "File too large"); refuses to replace anything but a regular file (after following links).
// On failure the file at `path` is as it was and no temporary file is left.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Throws std::runtime_error when a file could not be written at `path` (missing or read-only
// directory, a full disk, a file size limit): it writes `probe_bytes` real bytes beside it and
// removes them, so a disk that has room for an empty file but not for a report is caught before
// the run starts, not after.
inline constexpr std::size_t writability_probe_bytes = 64 * 1024;
void check_writable(const std::filesystem::path& path);

}  // namespace concbench
