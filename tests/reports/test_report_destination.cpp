// --out is checked before a run starts: a path that names a directory, ends with '/', or is a
// device, a fifo or a socket is refused, for the report and for the timeline file beside it,
// and the writer itself never renames over anything but a regular file (as root, --out=/dev/null
// once replaced the device). Fifos and directories in a temporary folder stand in for devices.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "reports/atomic_file.hpp"
#include "reports/report_destination.hpp"

namespace concbench {
namespace {

namespace fs = std::filesystem;

class report_destination_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("concbench-destination-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string refusal(const fs::path& path) {
    try {
      check_report_destination(path, false);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }
  void make_fifo(const fs::path& path) { ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0) << path; }
  // Only the test's own files: the check leaves nothing behind.
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {})); }

  fs::path dir_;
};

TEST_F(report_destination_test, a_file_in_a_writable_directory_is_accepted) {
  EXPECT_EQ(refusal(dir_ / "r.json"), "");
  std::ofstream(dir_ / "old.json") << R"({"context": {"concbench_schema_version": 1}})";
  EXPECT_EQ(refusal(dir_ / "old.json"), "") << "an earlier report is replaced";
  EXPECT_EQ(entries(), 1u);
}

TEST_F(report_destination_test, a_directory_is_refused_with_an_example) {
  EXPECT_EQ(refusal(dir_),
            "the report " + dir_.string() + " is a directory (name a file, e.g. " + dir_.string() + "/r.json)");
  EXPECT_EQ(refusal(dir_.string() + "/"),
            "the report " + dir_.string() + "/ ends with '/' (name a file, e.g. " + dir_.string() + "/r.json)");
  EXPECT_NE(refusal(dir_ / "missing/").find("ends with '/'"), std::string::npos);
  EXPECT_NE(refusal(dir_ / ".").find("names a directory"), std::string::npos);
  EXPECT_NE(refusal(dir_ / "..").find("names a directory"), std::string::npos);
  EXPECT_EQ(entries(), 0u);
}

TEST_F(report_destination_test, a_fifo_is_refused_and_not_replaced) {
  make_fifo(dir_ / "r.json");
  EXPECT_EQ(refusal(dir_ / "r.json"), "the report " + (dir_ / "r.json").string() +
                                          " exists and is a fifo: concbench would replace it with a regular file");
  // A symbolic link to one is refused like the fifo itself.
  fs::create_symlink(dir_ / "r.json", dir_ / "link.json");
  EXPECT_NE(refusal(dir_ / "link.json").find("is a fifo"), std::string::npos);
  EXPECT_TRUE(fs::is_fifo(dir_ / "r.json"));
}

TEST_F(report_destination_test, the_timeline_file_beside_the_report_is_checked_the_same_way) {
  fs::create_directory(dir_ / "r.timelines.json");
  EXPECT_EQ(refusal(dir_ / "r.json"), "the timeline file " + (dir_ / "r.timelines.json").string() + " is a directory");
  make_fifo(dir_ / "s.timelines.json");
  EXPECT_NE(refusal(dir_ / "s.json")
                .find("the timeline file " + (dir_ / "s.timelines.json").string() + " exists and is a fifo"),
            std::string::npos);
  make_fifo(dir_ / "plain.timelines.json");
  EXPECT_NE(refusal(dir_ / "plain").find("is a fifo"), std::string::npos) << "a report without .json";
}

TEST_F(report_destination_test, a_missing_directory_is_named) {
  EXPECT_NE(refusal(dir_ / "missing" / "r.json").find("does not exist"), std::string::npos);
}

TEST_F(report_destination_test, the_writer_never_renames_over_a_fifo_or_a_directory) {
  make_fifo(dir_ / "fifo");
  EXPECT_THROW(write_file_atomically(dir_ / "fifo", "{}"), std::runtime_error);
  EXPECT_TRUE(fs::is_fifo(dir_ / "fifo"));
  fs::create_directory(dir_ / "dir");
  EXPECT_THROW(write_file_atomically(dir_ / "dir", "{}"), std::runtime_error);
  EXPECT_TRUE(fs::is_directory(dir_ / "dir"));
  // A symbolic link is followed: what it points at is replaced, the link stays a link.
  std::ofstream(dir_ / "target") << "old";
  fs::create_symlink(dir_ / "target", dir_ / "link");
  write_file_atomically(dir_ / "link", "new");
  EXPECT_TRUE(fs::is_symlink(dir_ / "link"));
  std::string now;
  std::ifstream(dir_ / "target") >> now;
  EXPECT_EQ(now, "new");
  // A link to a fifo is refused like the fifo.
  fs::create_symlink(dir_ / "fifo", dir_ / "fifo-link");
  EXPECT_THROW(write_file_atomically(dir_ / "fifo-link", "{}"), std::runtime_error);
  EXPECT_TRUE(fs::is_fifo(dir_ / "fifo"));
  EXPECT_EQ(entries(), 5u) << "no temporary file left";
}

}  // namespace
}  // namespace concbench
