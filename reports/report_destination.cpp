#include "report_destination.hpp"

#include <stdexcept>
#include <string>
#include <system_error>

#include "atomic_file.hpp"
#include "report_collector.hpp"

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

// `what` names the file in the messages ("the report", "the timeline file"); `hint` follows
// the messages about a directory.
void check_file_destination(const std::filesystem::path& path, const std::string& what,
                            const std::string& hint) {
  const std::string text = path.string();
  const std::string example = hint.empty() ? "" : " (" + hint + ")";
  if (text.ends_with('/')) throw std::runtime_error(what + " " + text + " ends with '/'" + example);
  const auto name = path.filename();
  if (name == "." || name == "..")
    throw std::runtime_error(what + " " + text + " names a directory" + example);
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
  try {
    check_writable(path);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot write " + what + " " + text + ": " + e.what());
  }
}

}  // namespace

void check_report_destination(const std::filesystem::path& report_path) {
  const std::string text = report_path.string();
  check_file_destination(
      report_path, "the report",
      "name a file, e.g. " + (text.ends_with('/') ? text : text + "/") + "r.json");
  check_file_destination(timelines_path_for(report_path), "the timeline file", "");
}

}  // namespace concbench
