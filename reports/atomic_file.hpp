#pragma once
// Writes a file so that a reader sees either the old or the new content, never half of it:
// a temporary file beside it, then rename().

#include <filesystem>
#include <string_view>

namespace concbench {

// Throws std::runtime_error naming the path and the system's reason; refuses to replace anything
// but a regular file or a symbolic link (a device, a fifo: rename() would destroy it).
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Throws std::runtime_error when a file could not be created at `path` (missing or
// read-only directory): checked before a run starts, so nothing is measured in vain.
void check_writable(const std::filesystem::path& path);

}  // namespace concbench
