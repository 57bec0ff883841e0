#include "workloads/system/proc_files.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace concbench {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string own_cgroup_v2_folder() {
  std::ifstream in("/proc/self/cgroup");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("0::", 0) == 0) return "/sys/fs/cgroup" + line.substr(3);
  }
  return "";
}

std::optional<std::int64_t> number_after(std::string_view text, std::string_view key) {
  for (std::size_t at = 0; at < text.size();) {
    const auto end = std::min(text.find('\n', at), text.size());
    const auto line = text.substr(at, end - at);
    at = end + 1;
    if (line.substr(0, key.size()) != key) continue;
    auto digits = line.substr(key.size());
    digits.remove_prefix(std::min(digits.find_first_not_of(" \t"), digits.size()));
    std::int64_t value = 0;
    if (std::from_chars(digits.data(), digits.data() + digits.size(), value).ec == std::errc{}) return value;
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::int64_t> kib_line_bytes(std::string_view text, std::string_view key) {
  const auto kib = number_after(text, key);
  if (!kib) return std::nullopt;
  return *kib * 1024;
}

}  // namespace concbench
