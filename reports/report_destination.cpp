#include "reports/report_destination.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <system_error>

#include "reports/atomic_file.hpp"
#include "reports/report_collector.hpp"

namespace concbench {
namespace {

std::string kind_of(std::filesystem::file_type type) {
  switch (type) {
    case std::filesystem::file_type::character:
      return "a character device";
    case std::filesystem::file_type::block:
      return "a block device";
    case std::filesystem::file_type::fifo:
      return "a fifo";
    case std::filesystem::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

// The file parsed as JSON, or a discarded value when it is not JSON or too large to look at.
nlohmann::json parsed(const std::filesystem::path& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error || size > max_recognised_bytes) return nlohmann::json::value_t::discarded;
  std::ifstream in(path, std::ios::binary);
  if (!in) return nlohmann::json::value_t::discarded;
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

enum class expected_content { report, timelines };

// `what` names the file in the messages ("the report", "the timeline file"); `hint` follows
// the messages about a directory.
void check_file_destination(const std::filesystem::path& path, const std::string& what, const std::string& hint,
                            expected_content content, bool force) {
  const std::string text = path.string();
  const std::string example = hint.empty() ? "" : " (" + hint + ")";
  if (text.ends_with('/')) throw std::runtime_error(what + " " + text + " ends with '/'" + example);
  const auto name = path.filename();
  if (name == "." || name == "..") throw std::runtime_error(what + " " + text + " names a directory" + example);
  std::error_code error;
  // status() follows a symbolic link: one pointing at a device is refused like the device.
  const auto status = std::filesystem::status(path, error);
  if (error && status.type() != std::filesystem::file_type::not_found) {
    throw std::runtime_error("cannot check " + what + " " + text + ": " + error.message());
  }
  if (status.type() == std::filesystem::file_type::directory) {
    throw std::runtime_error(what + " " + text + " is a directory" + example);
  }
  if (std::filesystem::exists(status) && status.type() != std::filesystem::file_type::regular) {
    throw std::runtime_error(what + " " + text + " exists and is " + kind_of(status.type()) +
                             ": concbench would replace it with a regular file");
  }
  if (!force && status.type() == std::filesystem::file_type::regular && std::filesystem::file_size(path, error) > 0 &&
      !error) {
    const bool ours =
        content == expected_content::report ? holds_concbench_report(path) : holds_concbench_timelines(path);
    if (!ours) {
      throw std::runtime_error(what + " " + text + " exists and is not a concbench " +
                               (content == expected_content::report ? "report" : "timeline file") +
                               ": concbench would replace it (--force to replace it anyway)");
    }
  }
  try {
    check_writable(path);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot write " + what + " " + text + ": " + e.what());
  }
}

}  // namespace

bool holds_concbench_report(const std::filesystem::path& path) {
  const auto document = parsed(path);
  return document.is_object() && document.contains("context") && document["context"].is_object() &&
         document["context"].contains("concbench_schema_version");
}

bool holds_concbench_timelines(const std::filesystem::path& path) {
  const auto document = parsed(path);
  return document.is_object() && document.contains("report") && document["report"].is_string() &&
         document.contains("entries") && document["entries"].is_object();
}

void check_report_destination(const std::filesystem::path& report_path, bool force) {
  const std::string text = report_path.string();
  check_file_destination(report_path, "the report",
                         "name a file, e.g. " + (text.ends_with('/') ? text : text + "/") + "r.json",
                         expected_content::report, force);
  check_file_destination(timelines_path_for(report_path), "the timeline file", "", expected_content::timelines, force);
  const auto partial = partial_path_for(report_path);
  check_file_destination(partial, "the partial report", "", expected_content::report, force);
  check_file_destination(timelines_path_for(partial), "the partial report's timeline file", "",
                         expected_content::timelines, force);
}

}  // namespace concbench
