#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "workloads/system/proc_files.hpp"

namespace concbench {
namespace {

TEST(proc_files, number_after_reads_the_first_line_that_starts_with_the_key) {
  const std::string status = "Name:\tcat\nThreads:\t3\nVmSize:\t  1024 kB\nThreads:\t9\n";
  EXPECT_EQ(number_after(status, "Threads:"), 3);
  EXPECT_EQ(kib_line_bytes(status, "VmSize:"), 1024 * 1024);
}

TEST(proc_files, a_missing_key_or_a_line_without_a_number_is_nullopt) {
  EXPECT_EQ(number_after("Name:\tcat\n", "Threads:"), std::nullopt);
  EXPECT_EQ(number_after("Threads:\tmany\n", "Threads:"), std::nullopt);
  EXPECT_EQ(number_after("", "Threads:"), std::nullopt);
  // The key must start the line: "MemAvailable:" is not found inside another line.
  EXPECT_EQ(kib_line_bytes("XMemAvailable: 5 kB\n", "MemAvailable:"), std::nullopt);
  // The last line needs no newline.
  EXPECT_EQ(kib_line_bytes("MemTotal: 7 kB", "MemTotal:"), 7 * 1024);
}

TEST(proc_files, first_line_and_read_text_of_a_file_and_of_no_file) {
  const auto folder = std::filesystem::temp_directory_path() / ("proc_files_test." + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const auto path = (folder / "two_lines").string();
  std::ofstream(path) << "max 100000\nsecond\n";
  EXPECT_EQ(first_line(path), "max 100000");
  EXPECT_EQ(read_text(path), "max 100000\nsecond\n");
  EXPECT_EQ(first_line((folder / "absent").string()), "");
  EXPECT_EQ(read_text((folder / "absent").string()), "");
  std::filesystem::remove_all(folder);
}

TEST(proc_files, the_own_cgroup_folder_is_under_sys_fs_cgroup_or_unknown) {
  const auto folder = own_cgroup_v2_folder();
  if (!folder.empty()) {
    EXPECT_EQ(folder.rfind("/sys/fs/cgroup/", 0), 0u) << folder;
  }
}

TEST(proc_files, this_process_status_has_its_threads_and_size) {
  const auto status = read_text("/proc/self/status");
  EXPECT_GE(number_after(status, "Threads:").value_or(0), 1);
  EXPECT_GT(kib_line_bytes(status, "VmSize:").value_or(0), 0);
}

}  // namespace
}  // namespace concbench
