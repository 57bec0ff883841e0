#pragma once
// Where a run's report and its timeline file will go, checked before the run starts: both are
// replaced by rename() at the end (atomic_file.hpp), which would put a regular file in place of
// a device or a fifo (as root, --out=/dev/null would have destroyed /dev/null), and fails only
// after the whole run for a directory.

#include <cstdint>
#include <filesystem>

namespace concbench {

// Throws std::runtime_error with one line naming the path and the problem when the report at
// `report_path`, the timeline file beside it (timelines_path_for), or the partial report and
// its timeline file written during the run (partial_path_for) could not be written as regular
// files: the path ends with '/', names a directory, or exists and is not a regular file (a
// device, a fifo, a socket; a symbolic link is judged by what it points at), or its directory
// is missing, not writable or full. Unless `force`, an existing non-empty file that is not a
// concbench report (or timeline file) is refused too: a mistyped --out=README.md must not
// replace README.md. Writes nothing that stays.
void check_report_destination(const std::filesystem::path& report_path, bool force);

// Whether the file at `path` holds a concbench report (a JSON object whose context has
// concbench_schema_version) or a timeline file (a JSON object with `report` and `entries`).
// Files above max_recognised_bytes are not read and not recognised.
inline constexpr std::uintmax_t max_recognised_bytes = 1ull << 30;
bool holds_concbench_report(const std::filesystem::path& path);
bool holds_concbench_timelines(const std::filesystem::path& path);

}  // namespace concbench
