#pragma once
// Where a run's report and its timeline file will go, checked before the run starts: both are
// replaced by rename() at the end (atomic_file.hpp), which would put a regular file in place of
// a device or a fifo (as root, --out=/dev/null would have destroyed /dev/null), and fails only
// after the whole run for a directory.

#include <filesystem>

namespace concbench {

// Throws std::runtime_error with one line naming the path and the problem when the report at
// `report_path`, or the timeline file beside it (timelines_path_for), could not be written as
// a regular file: the path ends with '/', names a directory, or exists and is not a regular file
// (a device, a fifo, a socket), or its directory is missing or not writable. Writes nothing
// that stays.
void check_report_destination(const std::filesystem::path& report_path);

}  // namespace concbench
