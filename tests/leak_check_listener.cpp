// Linked into every GoogleTest binary: after each test, this process must be back to the
// threads, open descriptors and descendant processes it had before the test (no thread left
// running, no leaked fd, no zombie or orphaned worker). Things wind down asynchronously (a
// joined thread's task entry, a worker being reaped by the fork server), so it waits up to
// two seconds before calling it a leak. A leak fails the test program: ctest runs one test
// per process, so the leaking test is the one named.

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

// A test binary whose code keeps something open on purpose across calls (a keep-alive
// connection per thread) defines this to release it; it runs before the stock is taken.
extern "C" void concbench_test_release_caches() __attribute__((weak));

namespace {

struct resources {
  std::set<int> threads;
  std::set<int> fds;
  std::set<int> descendants;
  bool operator==(const resources&) const = default;
};

std::set<int> numbered_entries(const std::string& directory) {
  std::set<int> numbers;
  DIR* listing = ::opendir(directory.c_str());
  while (const dirent* entry = listing ? ::readdir(listing) : nullptr) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    const int number = std::stoi(entry->d_name);
    if (directory == "/proc/self/fd" && number == ::dirfd(listing)) continue;  // the listing itself
    numbers.insert(number);
  }
  if (listing) ::closedir(listing);
  return numbers;
}

void add_descendants(int pid, std::set<int>& found) {
  std::error_code ignored;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ignored)) {
    std::ifstream list(task.path() / "children");
    for (int child; list >> child;) {
      if (found.insert(child).second) add_descendants(child, found);
    }
  }
}

// ThreadSanitizer starts a background thread of its own the first time the program starts a
// thread, whichever test that is: under TSan, threads are not counted (fds and processes are).
#if defined(__SANITIZE_THREAD__)
constexpr bool count_threads = false;
#else
constexpr bool count_threads = true;
#endif

resources take_stock() {
  resources now;
  if (count_threads) now.threads = numbered_entries("/proc/self/task");
  now.fds = numbered_entries("/proc/self/fd");
  add_descendants(::getpid(), now.descendants);
  return now;
}

std::string difference(const char* what, const std::set<int>& before, const std::set<int>& after,
                       bool are_fds = false) {
  std::ostringstream text;
  for (const int item : after) {
    if (before.count(item)) continue;
    text << " " << item;
    std::error_code ignored;
    if (are_fds)
      text << " (" << std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(item), ignored).string() << ")";
  }
  return text.str().empty() ? "" : std::string(what) + text.str() + ";";
}

class leak_check final : public testing::EmptyTestEventListener {
  void OnTestStart(const testing::TestInfo&) override { before_ = take_stock(); }

  void OnTestEnd(const testing::TestInfo& test) override {
    if (concbench_test_release_caches) concbench_test_release_caches();
    resources after = take_stock();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    const auto leaked = [&] {
      return !difference("", before_.threads, after.threads).empty() ||
             !difference("", before_.fds, after.fds).empty() ||
             !difference("", before_.descendants, after.descendants).empty();
    };
    while (leaked() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      after = take_stock();
    }
    if (!leaked()) return;
    std::fprintf(stderr, "LEAK after %s.%s: %s%s%s\n", test.test_suite_name(), test.name(),
                 difference("threads still running:", before_.threads, after.threads).c_str(),
                 difference(" fds still open:", before_.fds, after.fds, true).c_str(),
                 difference(" processes still there:", before_.descendants, after.descendants).c_str());
    failed_ = true;
  }

  void OnTestProgramEnd(const testing::UnitTest&) override {
    if (!failed_) return;
    std::fflush(nullptr);
    std::_Exit(1);
  }

  resources before_;
  bool failed_ = false;
};

// Registered before main: GoogleTest keeps appended listeners through InitGoogleTest.
const bool registered = [] {
  testing::UnitTest::GetInstance()->listeners().Append(new leak_check);
  return true;
}();

}  // namespace
