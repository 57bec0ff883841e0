#pragma once
// Reading the small text files of /proc and /sys ("VmRSS:   1234 kB", "MemAvailable: ..."),
// for every layer that looks at the machine or at a process: the process models (a worker's
// usage and PSS), the fork-cost parent (its own VmRSS, the memory available) and the
// environment check of a report, the machine facts and the limits behind a refused thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace concbench {

// The whole of a small text file; empty when it cannot be read.
std::string read_text(const std::string& path);

// The first line of a file, without its newline; empty when it cannot be read.
std::string first_line(const std::string& path);

// This process's cgroup v2 folder ("/sys/fs/cgroup/user.slice/..."), from the "0::" line of
// /proc/self/cgroup; empty on a cgroup v1 machine or when /proc cannot tell.
std::string own_cgroup_v2_folder();

// The number after `key` at the start of a line of `text`, after any blanks
// ("voluntary_ctxt_switches:  12" → 12); nullopt when no line starts with `key` or the first
// such line has no number there.
std::optional<std::int64_t> number_after(std::string_view text, std::string_view key);

// A "Key:  N kB" line of /proc/PID/status, /proc/meminfo or smaps_rollup, in bytes: `key` is
// the name with its colon ("VmRSS:"). The kernel's "kB" is KiB.
std::optional<std::int64_t> kib_line_bytes(std::string_view text, std::string_view key);

}  // namespace concbench
