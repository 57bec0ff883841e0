// Writing the report under hostile conditions (issue "nothing destroyed, nothing stale, nothing
// hung"): a report of thousands of rows is rewritten in time proportional to its rows (item 4),
// a full disk stops the run at its first failed write and leaves the previous report as it was
// (item 7), and the one output rule: a link is followed, a file that is not a report is not
// replaced without --force, new files get the umask's mode. Disk-full comes from RLIMIT_FSIZE,
// never from mounting anything.

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "reports/atomic_file.hpp"
#include "reports/report_collector.hpp"
#include "reports/report_destination.hpp"
#include "reports/report_document.hpp"

namespace concbench {
namespace {

namespace fs = std::filesystem;

class temporary_folder_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("concbench-hostile-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string refusal(const fs::path& path, bool force = false) {
    try {
      check_report_destination(path, force);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

// Lowers this process's file size limit for the scope (SIGXFSZ ignored, so a write past it
// fails with EFBIG as concbench's main arranges), and restores it.
class file_size_limit {
 public:
  explicit file_size_limit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit lower = saved_;
    lower.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &lower);
  }
  ~file_size_limit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = SIG_DFL;
};

std::shared_ptr<entry_metadata> an_entry(entry_registry& registry, const std::string& name) {
  entry_metadata entry;
  entry.name = name;
  entry.fields = {{"workload", "empty"}, {"model", "threads"}, {"workers", 2}};
  entry.ideal_ns = entry.bound_ns = 1e6;
  entry.comparison_key = "empty";
  return registry.add(entry);
}

benchmark::BenchmarkReporter::Run a_repetition(const std::string& name, int index, int repetitions) {
  benchmark::BenchmarkReporter::Run run;
  run.run_name.function_name = name;
  run.run_type = benchmark::BenchmarkReporter::Run::RT_Iteration;
  run.repetition_index = index;
  run.repetitions = repetitions;
  run.iterations = 1;
  run.real_accumulated_time = 1e-3 * (1 + 0.001 * (index % 50));
  run.cpu_accumulated_time = 1e-3;
  run.time_unit = benchmark::kMillisecond;
  return run;
}

const std::string previous_report = R"({"context": {"concbench_schema_version": 1}, "benchmarks": []})";

TEST(large_report, a_report_of_ten_thousand_rows_is_derived_and_serialised_in_linear_time) {
  // Every row's derived fields used to rescan every row: 2,000 rows took 2.2 s a rewrite, 10,000
  // would take about a minute. Linear, it is well under a second here; 20 s is a bound no
  // correct build misses, sanitizers included.
  entry_registry registry;
  report_document document(nlohmann::json{{"concbench_schema_version", concbench_schema_version}});
  const auto entry = an_entry(registry, "empty/threads/W:2/pool:cold/N:10000");
  for (int i = 0; i < 10'000; ++i) {
    document.add_row({{"run_type", "iteration"},
                      {"repetition_index", i},
                      {"real_time", 1.0 + 0.001 * (i % 50)},
                      {"time_unit", "ms"}},
                     entry);
  }
  const auto began = std::chrono::steady_clock::now();
  const auto text = document.report(true, "t.json").dump(2);
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(20));
  const auto report = nlohmann::json::parse(text);
  // The repetitions, then the five aggregates concbench makes from them.
  ASSERT_EQ(report["benchmarks"].size(), 10'005u);
  EXPECT_EQ(report["benchmarks"][9'999]["measured_repetitions"], 10'000);
  EXPECT_EQ(report["benchmarks"][10'002]["aggregate_name"], "stddev");
  EXPECT_EQ(report["benchmarks"][10'004]["interval_level"], 0.95);
  EXPECT_EQ(report["benchmarks"][0]["stability"]["repetitions"], 10'000);
}

TEST_F(temporary_folder_test, the_partial_report_is_rewritten_at_most_as_often_as_the_policy_allows) {
  entry_registry registry;
  const auto entry = an_entry(registry, "empty/threads/W:2/pool:cold/N:10");
  report_collector collector(dir_ / "r.json", {{"suite", "test"}}, registry, nullptr,
                             {.min_interval = std::chrono::hours(1), .cost_multiple = 10});
  ASSERT_TRUE(collector.ReportContext(benchmark::BenchmarkReporter::Context()));
  for (int i = 0; i < 200; ++i) collector.ReportRuns({a_repetition(entry->name, i, 200)});
  EXPECT_EQ(collector.partial_writes(), 1u) << "only the first write, at the start";
  EXPECT_EQ(collector.rows(), 200u);
  collector.Finalize();
  const auto report = nlohmann::json::parse(read(dir_ / "r.json"));
  EXPECT_EQ(report["benchmarks"].size(), 205u) << "the final write has every row, and the aggregates";
  EXPECT_EQ(report["context"]["report_writer"]["rows"], 205);
  EXPECT_EQ(report["context"]["report_writer"]["partial_writes"], 1);
  EXPECT_FALSE(fs::exists(collector.partial_path())) << "removed once the report is written";
  EXPECT_FALSE(fs::exists(timelines_path_for(collector.partial_path())));
}

TEST_F(temporary_folder_test, the_destination_is_written_once_at_the_end) {
  std::ofstream(dir_ / "r.json") << previous_report;
  entry_registry registry;
  report_collector collector(dir_ / "r.json", {{"suite", "test"}}, registry, nullptr);
  ASSERT_TRUE(collector.ReportContext(benchmark::BenchmarkReporter::Context()));
  EXPECT_EQ(read(dir_ / "r.json"), previous_report) << "the run's rows go to the partial report meanwhile";
  EXPECT_EQ(nlohmann::json::parse(read(dir_ / "r.partial.json"))["complete"], false);
  collector.Finalize();
  EXPECT_EQ(nlohmann::json::parse(read(dir_ / "r.json"))["complete"], true);
}

TEST_F(temporary_folder_test, a_full_disk_stops_the_run_and_leaves_the_previous_report) {
  std::ofstream(dir_ / "r.json") << previous_report;
  entry_registry registry;
  const auto entry = an_entry(registry, "empty/threads/W:2/pool:cold/N:10");
  int failures = 0;
  std::string failure;
  {
    // Room for the first partial report (a context and no row), not for thousands of rows.
    const file_size_limit limit(64 * 1024);
    report_collector collector(dir_ / "r.json", {{"suite", "test"}}, registry, nullptr,
                               {.min_interval = std::chrono::milliseconds(0), .cost_multiple = 0});
    collector.set_write_failed([&](const std::string& error) {
      ++failures;
      failure = error;
    });
    ASSERT_TRUE(collector.ReportContext(benchmark::BenchmarkReporter::Context()));
    ASSERT_TRUE(collector.partial_written());
    std::vector<benchmark::BenchmarkReporter::Run> runs;
    for (int i = 0; i < 2'000; ++i) runs.push_back(a_repetition(entry->name, i, 2'000));
    collector.ReportRuns(runs);
    collector.ReportRuns({a_repetition(entry->name, 0, 1)});  // no second write is tried
    collector.Finalize();
    EXPECT_NE(collector.write_error().find("File too large"), std::string::npos) << collector.write_error();
  }
  EXPECT_EQ(failures, 1);
  EXPECT_NE(failure.find("r.partial"), std::string::npos) << failure;
  EXPECT_EQ(read(dir_ / "r.json"), previous_report) << "the previous complete report is untouched";
  EXPECT_EQ(nlohmann::json::parse(read(dir_ / "r.partial.json"))["benchmarks"].size(), 0u)
      << "the last good partial report stays";
  for (const auto& file : fs::directory_iterator(dir_)) {
    EXPECT_EQ(file.path().string().find(".tmp."), std::string::npos) << "a temporary file was left: " << file.path();
  }
}

TEST_F(temporary_folder_test, the_writability_check_writes_real_bytes) {
  const file_size_limit limit(4 * 1024);  // room for an empty file, not for a report
  try {
    check_writable(dir_ / "r.json");
    FAIL() << "an empty file fits; 64 KiB do not";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("File too large"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_empty(dir_)) << "the probe is removed";
}

TEST_F(temporary_folder_test, output_rule_a_link_is_followed_and_stays_a_link) {
  fs::create_directories(dir_ / "elsewhere");
  std::ofstream(dir_ / "elsewhere" / "target.json") << previous_report;
  fs::create_symlink("elsewhere/target.json", dir_ / "link.json");
  EXPECT_EQ(refusal(dir_ / "link.json"), "");
  write_file_atomically(dir_ / "link.json", "new");
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.json"));
  EXPECT_EQ(read(dir_ / "elsewhere" / "target.json"), "new");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "elsewhere"), {}), 1) << "no temporary file left";
}

TEST_F(temporary_folder_test, output_rule_a_file_that_is_not_a_report_is_refused_unless_forced) {
  std::ofstream(dir_ / "README.md") << "# a project\n";
  EXPECT_EQ(refusal(dir_ / "README.md"), "the report " + (dir_ / "README.md").string() +
                                             " exists and is not a concbench report: concbench would replace it "
                                             "(--force to replace it anyway)");
  EXPECT_EQ(refusal(dir_ / "README.md", true), "");
  // Another report's timeline file given as --out.
  std::ofstream(dir_ / "a.timelines.json") << R"({"report": "a.json", "entries": {}})";
  EXPECT_NE(refusal(dir_ / "a.timelines.json").find("is not a concbench report"), std::string::npos);
  // The timeline file beside the report is held to its own kind.
  std::ofstream(dir_ / "b.timelines.json") << R"({"config": true})";
  EXPECT_NE(refusal(dir_ / "b.json").find("the timeline file"), std::string::npos);
  // An empty file, an earlier report and its timelines are fine.
  std::ofstream(dir_ / "empty.json").close();
  EXPECT_EQ(refusal(dir_ / "empty.json"), "");
  std::ofstream(dir_ / "c.json") << previous_report;
  std::ofstream(dir_ / "c.timelines.json") << R"({"report": "c.json", "entries": {}})";
  EXPECT_EQ(refusal(dir_ / "c.json"), "");
  EXPECT_EQ(read(dir_ / "README.md"), "# a project\n");
}

TEST_F(temporary_folder_test, output_rule_new_reports_get_the_umasks_mode) {
  const mode_t previous = ::umask(022);
  write_file_atomically(dir_ / "r.json", "{}");
  ::umask(previous);
  struct stat status {};
  ASSERT_EQ(::stat((dir_ / "r.json").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0644u);
}

}  // namespace
}  // namespace concbench
