#include "tests/runners/process/process_census.hpp"

#include <dirent.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "runners/process/fork_server.hpp"

namespace concbench::test {

std::set<int> children_of(int pid) {
  std::set<int> children;
  std::error_code ignored;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks, ignored)) {
    std::ifstream list(task.path() / "children");
    for (int child; list >> child;) children.insert(child);
  }
  return children;
}

census take_census() {
  census c;
  DIR* fds = ::opendir("/proc/self/fd");
  while (const dirent* entry = fds ? ::readdir(fds) : nullptr) {
    if (entry->d_name[0] == '.') continue;
    const int fd = std::stoi(entry->d_name);
    if (fd != ::dirfd(fds)) c.fds.insert(fd);  // not the listing's own descriptor
  }
  if (fds) ::closedir(fds);
  c.children = children_of(::getpid());
  if (fork_server_running()) c.server_children = children_of(fork_server_pid());
  return c;
}

std::string describe(const census& c) {
  std::ostringstream text;
  const auto list = [&](const char* label, const std::set<int>& items) {
    text << label << ":";
    for (const int item : items) text << " " << item;
    text << "; ";
  };
  list("fds", c.fds);
  list("children", c.children);
  list("fork server's children", c.server_children);
  return text.str();
}

census settled_census(const census& expected, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  auto now = take_census();
  while (now != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    now = take_census();
  }
  return now;
}

}  // namespace concbench::test
