// The report's fields: Google Benchmark's rows joined with concbench's entry fields, and the
// derived figures only where docs/design.md "The report" puts them.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <tuple>

#include "reports/atomic_file.hpp"
#include "reports/report_collector.hpp"
#include "reports/report_document.hpp"
#include "reports/statistics/lead_estimator.hpp"
#include "reports/statistics/ratio_interval.hpp"

namespace concbench {
namespace {

std::shared_ptr<entry_metadata> make_entry(const std::string& name, const std::string& model, double ideal_ns,
                                           const std::string& key = "cpu {}") {
  auto entry = std::make_shared<entry_metadata>();
  entry->name = name;
  entry->fields = {{"workload", "cpu"}, {"model", model}, {"workers", model == "sequential" ? 1 : 2}};
  entry->ideal_ns = ideal_ns;
  entry->bound_ns = ideal_ns / 2;
  entry->comparison_key = key;
  entry->is_sequential = model == "sequential";
  return entry;
}

nlohmann::json iteration_row(double ms, int repetition) {
  return {{"name", "ignored/iterations:1/manual_time"},
          {"run_type", "iteration"},
          {"repetition_index", repetition},
          {"real_time", ms},
          {"cpu_time", ms},
          {"time_unit", "ms"},
          {"iterations", 1}};
}

nlohmann::json aggregate_row(const std::string& aggregate, double value, bool percentage = false) {
  nlohmann::json row = {{"run_type", "aggregate"},
                        {"aggregate_name", aggregate},
                        {"real_time", value},
                        {"cpu_time", value},
                        {"iterations", 3}};
  row["aggregate_unit"] = percentage ? "percentage" : "time";
  if (!percentage) row["time_unit"] = "ms";
  return row;
}

class report_document_test : public ::testing::Test {
 protected:
  void SetUp() override {
    sequential = make_entry("cpu/sequential/scale:1", "sequential", 40e6);
    threads = make_entry("cpu/threads/W:2/pool:cold/scale:1", "threads", 20e6);
    for (const auto& [entry, times] : {std::pair{sequential, std::vector<double>{40, 44, 42}},
                                       std::pair{threads, std::vector<double>{20, 25, 21}}}) {
      for (int i = 0; i < 3; ++i) document.add_row(iteration_row(times[static_cast<std::size_t>(i)], i), entry);
      document.add_row(aggregate_row("mean", (times[0] + times[1] + times[2]) / 3), entry);
      document.add_row(aggregate_row("median", times[2]), entry);
      document.add_row(aggregate_row("stddev", 2), entry);
      document.add_row(aggregate_row("cv", 0.05, true), entry);
    }
  }
  report_document document{{{"cpu_model", "test"}, {"concbench_schema_version", concbench_schema_version}}};
  std::shared_ptr<entry_metadata> sequential, threads;
};

TEST_F(report_document_test, names_are_the_grammar_whatever_google_benchmark_called_them) {
  const auto rows = document.rows_of(threads->name);
  ASSERT_EQ(rows.size(), 8u);  // three repetitions, mean, median, stddev, cv, p25
  EXPECT_EQ(rows[0]["name"], "cpu/threads/W:2/pool:cold/scale:1");
  EXPECT_EQ(rows[0]["run_name"], "cpu/threads/W:2/pool:cold/scale:1");
  EXPECT_EQ(rows[4]["name"], "cpu/threads/W:2/pool:cold/scale:1_median");
  EXPECT_EQ(rows[0]["model"], "threads");
  EXPECT_EQ(rows[0]["workers"], 2);
}

TEST_F(report_document_test, ideal_and_bound_are_in_the_rows_time_unit) {
  const auto rows = document.rows_of(threads->name);
  EXPECT_DOUBLE_EQ(rows[0]["ideal"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(rows[0]["bound"].get<double>(), 10.0);
}

TEST_F(report_document_test, efficiency_and_speedup_only_on_iteration_mean_and_median_rows) {
  const auto rows = document.rows_of(threads->name);
  // Iteration row 1 (25 ms): efficiency 20/25, speedup = sequential median 42 / 25.
  EXPECT_DOUBLE_EQ(rows[1]["efficiency"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(rows[1]["speedup"].get<double>(), 42.0 / 25.0);
  // Median against the sequential median, mean against the sequential mean.
  EXPECT_DOUBLE_EQ(rows[4]["speedup"].get<double>(), 42.0 / 21.0);
  EXPECT_DOUBLE_EQ(rows[3]["speedup"].get<double>(), 42.0 / 22.0);
  EXPECT_FALSE(rows[5].contains("efficiency"));  // stddev
  EXPECT_FALSE(rows[5].contains("speedup"));
  EXPECT_FALSE(rows[6].contains("efficiency"));  // cv
  EXPECT_FALSE(rows[6].contains("ideal"));       // a fraction has no time unit
  // The lead's row (p25 of 20, 21, 25 is 20.5) against the sequential p25 (41).
  EXPECT_EQ(rows[7]["aggregate_name"], "p25");
  EXPECT_DOUBLE_EQ(rows[7]["efficiency"].get<double>(), 20.0 / 20.5);
  EXPECT_DOUBLE_EQ(rows[7]["speedup"].get<double>(), 41.0 / 20.5);
}

TEST_F(report_document_test, no_speedup_without_a_sequential_entry_of_the_same_batch) {
  auto other = make_entry("cpu/threads/W:2/pool:cold/scale:100", "threads", 2e9, "cpu {scale:100}");
  document.add_row(iteration_row(2100, 0), other);
  const auto rows = document.rows_of(other->name);
  EXPECT_FALSE(rows[0].contains("speedup"));
  EXPECT_TRUE(rows[0].contains("efficiency"));
}

TEST_F(report_document_test, speedup_falls_back_to_iteration_rows_with_one_repetition_each) {
  report_document single{{}};
  auto seq = make_entry("sleep/sequential", "sequential", 1e6, "sleep");
  auto thr = make_entry("sleep/threads", "threads", 1e6, "sleep");
  single.add_row(iteration_row(30, 0), seq);
  single.add_row(iteration_row(10, 0), thr);
  EXPECT_DOUBLE_EQ(single.rows_of("sleep/threads")[0]["speedup"].get<double>(), 3.0);
}

TEST(report_document_ideal_entry, a_floor_measured_in_the_same_run_is_the_ideal_and_the_bound) {
  report_document startup{{}};
  const auto entry_for = [](const std::string& name, const std::string& floor) {
    auto entry = std::make_shared<entry_metadata>();
    entry->name = name;
    entry->fields = {{"workload", "startup"}, {"workers", 8}};
    entry->ideal_entry = floor;
    entry->comparison_key = "startup {\"workers\":8}";
    return entry;
  };
  const std::string floor_name = "startup/floor-posix-spawn/W:8";
  auto floor = entry_for(floor_name, floor_name);
  auto model = entry_for("startup/processes-spawn/W:8", floor_name);
  // Before the floor has run the model's rows carry no ideal, bound or efficiency at all.
  startup.add_row(iteration_row(4.2, 0), model);
  EXPECT_FALSE(startup.rows_of(model->name)[0].contains("ideal"));
  EXPECT_FALSE(startup.rows_of(model->name)[0].contains("bound"));
  EXPECT_FALSE(startup.rows_of(model->name)[0].contains("efficiency"));
  for (int i = 0; i < 3; ++i) startup.add_row(iteration_row(3.0 + i, i), floor);
  const auto rows = startup.rows_of(model->name);
  EXPECT_DOUBLE_EQ(rows[0]["ideal"].get<double>(), 4.0);  // the floor's median
  EXPECT_DOUBLE_EQ(rows[0]["bound"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(rows[0]["efficiency"].get<double>(), 4.0 / 4.2);
  EXPECT_FALSE(rows[0].contains("speedup"));  // no sequential entry of this batch
  // A floor is its own ideal: its median row is exactly 1.
  const auto floor_rows = startup.rows_of(floor_name);
  ASSERT_EQ(floor_rows[4]["aggregate_name"], "median");
  EXPECT_DOUBLE_EQ(floor_rows[4]["efficiency"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(floor_rows[0]["efficiency"].get<double>(), 4.0 / 3.0);
}

TEST_F(report_document_test, failed_rows_keep_the_error_and_get_no_figures) {
  auto failed = make_entry("cpu/coroutines", "coroutines", 40e6);
  auto row = iteration_row(0, 0);
  row["error_occurred"] = true;
  row["error_message"] = "task 3 of cpu under coroutines: boom";
  document.add_row(row, failed);
  const auto rows = document.rows_of("cpu/coroutines");
  EXPECT_EQ(rows[0]["error_message"], "task 3 of cpu under coroutines: boom");
  EXPECT_FALSE(rows[0].contains("efficiency"));
  EXPECT_FALSE(rows[0].contains("speedup"));
}

TEST_F(report_document_test, the_whole_report_has_no_non_finite_numbers) {
  auto odd = make_entry("cpu/odd", "threads", 1e6);
  auto row = iteration_row(1, 0);
  row["some_counter"] = std::numeric_limits<double>::quiet_NaN();
  row["other_counter"] = std::numeric_limits<double>::infinity();
  document.add_row(row, odd);
  const auto report = document.report(false, "x.timelines.json");
  EXPECT_EQ(report["complete"], false);
  EXPECT_EQ(report["timelines_file"], "x.timelines.json");
  const auto text = report.dump();
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(report["benchmarks"].back()["some_counter"], nullptr);
  EXPECT_EQ(report["benchmarks"].size(), 17u);
}

TEST_F(report_document_test, timelines_are_downsampled_above_ten_thousand_tasks) {
  nlohmann::json columns = {{"tasks", 25000}, {"downsampled", false}};
  for (const char* column : {"task", "worker", "start_ns", "end_ns"}) {
    columns[column] = nlohmann::json::array();
    for (int i = 0; i < 25000; ++i) columns[column].push_back(i);
  }
  threads->timeline = columns;
  sequential->timeline = {{"tasks", 1},    {"downsampled", false}, {"task", {0}},
                          {"worker", {0}}, {"start_ns", {0}},      {"end_ns", {5}}};
  const auto timelines = document.timelines("r.json");
  EXPECT_EQ(timelines["report"], "r.json");
  const auto& big = timelines["entries"][threads->name];
  EXPECT_TRUE(big["downsampled"].get<bool>());
  EXPECT_LE(big["task"].size(), 10000u);
  EXPECT_EQ(big["tasks"], 25000);
  EXPECT_FALSE(timelines["entries"][sequential->name]["downsampled"].get<bool>());
}

TEST(partial_path, sits_beside_the_report) {
  EXPECT_EQ(partial_path_for("results/r.json"), std::filesystem::path("results/r.partial.json"));
  EXPECT_EQ(partial_path_for("r"), std::filesystem::path("r.partial"));
  EXPECT_EQ(timelines_path_for(partial_path_for("r.json")), std::filesystem::path("r.partial.timelines.json"));
}

TEST(timelines_path, sits_beside_the_report) {
  EXPECT_EQ(timelines_path_for("results/r.json"), std::filesystem::path("results/r.timelines.json"));
  EXPECT_EQ(timelines_path_for("r"), std::filesystem::path("r.timelines.json"));
}

TEST(atomic_file, replaces_whole_and_leaves_no_temporary) {
  const auto dir = std::filesystem::temp_directory_path() / ("concbench-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "r.json";
  write_file_atomically(path, "first");
  write_file_atomically(path, "second");
  std::ifstream in(path);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "second");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
  std::filesystem::remove_all(dir);
}

TEST(atomic_file, a_missing_directory_is_a_clear_error) {
  try {
    check_writable("/nonexistent-concbench-dir/r.json");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
  }
  EXPECT_THROW(write_file_atomically("/nonexistent-concbench-dir/r.json", "x"), std::runtime_error);
}

}  // namespace
}  // namespace concbench

namespace concbench {
namespace {

TEST(report_collector, a_report_that_cannot_be_written_is_an_error_not_a_silent_loss) {
  const auto dir = std::filesystem::temp_directory_path() / ("concbench-gone-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  entry_registry entries;
  report_collector collector(dir / "r.json", {{"suite", "test"}}, entries, nullptr);
  std::filesystem::remove_all(dir);  // the directory vanishes before the run writes
  EXPECT_FALSE(collector.ReportContext(benchmark::BenchmarkReporter::Context()));
  EXPECT_NE(collector.write_error().find("cannot write"), std::string::npos) << collector.write_error();
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(report_collector, writes_an_incomplete_report_at_the_start_and_a_complete_one_at_the_end) {
  const auto dir = std::filesystem::temp_directory_path() / ("concbench-collect-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  entry_registry entries;
  report_collector collector(dir / "r.json", {{"suite", "test"}}, entries, nullptr);
  ASSERT_TRUE(collector.ReportContext(benchmark::BenchmarkReporter::Context()));
  const auto read = [&](const char* name) {
    std::ifstream in(dir / name);
    return nlohmann::json::parse(in);
  };
  EXPECT_EQ(read("r.partial.json")["complete"], false);
  EXPECT_EQ(read("r.partial.json")["context"]["suite"], "test");
  EXPECT_EQ(read("r.partial.json")["context"]["concbench_schema_version"], concbench_schema_version);
  EXPECT_FALSE(std::filesystem::exists(dir / "r.json")) << "written once, at the end";
  collector.Finalize();
  EXPECT_EQ(read("r.json")["complete"], true);
  EXPECT_FALSE(std::filesystem::exists(dir / "r.partial.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / "r.timelines.json"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace concbench

namespace concbench {
namespace {

TEST(stability, steady_repetitions_are_stable) {
  const std::vector<double> times{100, 101, 99, 100.5, 99.5};
  const auto verdict = stability_of(times);
  ASSERT_TRUE(verdict);
  EXPECT_NEAR(verdict->cv, 0.0079, 1e-4);  // sample stddev 0.79 / mean 100
  EXPECT_EQ(verdict->outliers, 0);
  EXPECT_EQ(verdict->repetitions, 5);
  EXPECT_FALSE(verdict->noisy());
  EXPECT_EQ(stability_json(*verdict)["verdict"], "stable");
}

TEST(stability, one_slow_repetition_is_an_outlier_and_makes_the_entry_noisy) {
  // median 101, deviations 1 0 2 1 49 -> MAD 1: 150 is 49 > 3 × 1.4826 away, 99 is not.
  const std::vector<double> times{100, 101, 99, 102, 150};
  const auto verdict = stability_of(times);
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->outliers, 1);
  EXPECT_GT(verdict->cv, noisy_cv);
  const auto json = stability_json(*verdict);
  EXPECT_EQ(json["verdict"], "noisy");
  EXPECT_EQ(json["outliers"], 1);
}

TEST(stability, three_percent_is_the_line) {
  // Two values a and b: cv = |a − b| / sqrt(2) / mean. 100 ± 2 -> 0.0283; 100 ± 2.5 -> 0.0354.
  EXPECT_FALSE(stability_of(std::vector<double>{98, 102})->noisy());
  EXPECT_TRUE(stability_of(std::vector<double>{97.5, 102.5})->noisy());
}

TEST(stability, needs_two_repetitions_and_no_mad_no_outliers) {
  EXPECT_FALSE(stability_of(std::vector<double>{}));
  EXPECT_FALSE(stability_of(std::vector<double>{5}));
  // More than half the values equal: MAD 0, where the rule cannot tell an outlier.
  const auto verdict = stability_of(std::vector<double>{10, 10, 10, 11});
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->outliers, 0);
}

TEST_F(report_document_test, every_row_of_an_entry_carries_its_stability) {
  for (const auto& row : document.rows_of(threads->name)) {
    ASSERT_TRUE(row.contains("stability")) << row.dump();
    EXPECT_EQ(row["stability"]["repetitions"], 3);
  }
  // threads ran 20, 25, 21 ms: sample stddev sqrt(7) / mean 22 = 0.120.
  const auto rows = document.rows_of(threads->name);
  EXPECT_NEAR(rows[0]["stability"]["cv"].get<double>(), 0.1203, 1e-4);
  EXPECT_EQ(rows[0]["stability"]["verdict"], "noisy");
}

TEST_F(report_document_test, probe_figures_are_on_iteration_mean_and_median_rows_only) {
  threads->entry_figures = {{"peak_rss_bytes", 1 << 20}, {"cpu_user_ns", 5000}};
  for (const auto& row : document.rows_of(threads->name)) {
    const std::string statistic = row.value("aggregate_name", "iteration");
    const bool time_row = statistic == "iteration" || statistic == "mean" || statistic == "median";
    EXPECT_EQ(row.contains("peak_rss_bytes"), time_row) << row["name"];
    if (time_row) {
      EXPECT_EQ(row["cpu_user_ns"], 5000);
    }
  }
  for (const auto& row : document.rows_of(sequential->name)) EXPECT_FALSE(row.contains("peak_rss_bytes"));
}

TEST_F(report_document_test, each_iteration_row_says_where_in_the_run_its_repetition_ran) {
  // Interleaved: threads' repetitions ran 5th, 1st and 3rd of the run.
  threads->run_positions = {4, 0, 2};
  const auto rows = document.rows_of(threads->name);
  EXPECT_EQ(rows[0]["run_position"], 4);
  EXPECT_EQ(rows[1]["run_position"], 0);
  EXPECT_EQ(rows[2]["run_position"], 2);
  for (std::size_t i = 3; i < rows.size(); ++i) EXPECT_FALSE(rows[i].contains("run_position")) << rows[i];
  // Not recorded (a collector used on its own): no position rather than a made-up one.
  EXPECT_FALSE(document.rows_of(sequential->name)[0].contains("run_position"));
}

TEST_F(report_document_test, every_row_says_how_many_repetitions_were_measured) {
  for (const auto& row : document.rows_of(threads->name)) EXPECT_EQ(row["measured_repetitions"], 3) << row;
  // Interrupted after two of its three repetitions: the third is an error row.
  auto partial = make_entry("cpu/threads/W:4/pool:cold/scale:1", "threads", 10e6);
  document.add_row(iteration_row(11, 0), partial);
  document.add_row(iteration_row(12, 1), partial);
  auto stopped = iteration_row(0, 2);
  stopped["error_occurred"] = true;
  stopped["error_message"] = "interrupted: the run was stopped before this repetition started";
  document.add_row(stopped, partial);
  for (const auto& row : document.rows_of(partial->name)) EXPECT_EQ(row["measured_repetitions"], 2) << row;
}

TEST_F(report_document_test, context_keys_can_be_set_at_the_end) {
  document.update_context({{"load_average_end", {1.0, 2.0, 3.0}}, {"cpu_model", "changed"}});
  const auto report = document.report(true, "t.json");
  EXPECT_EQ(report["context"]["load_average_end"][2], 3.0);
  EXPECT_EQ(report["context"]["cpu_model"], "changed");
}

TEST(report_collector, the_end_of_run_context_is_in_the_complete_report) {
  const auto dir = std::filesystem::temp_directory_path() / ("concbench-end-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  entry_registry entries;
  report_collector collector(dir / "r.json", {{"suite", "test"}, {"steal_fraction", nullptr}}, entries, nullptr);
  collector.set_end_of_run([] { return nlohmann::json{{"steal_fraction", 0.01}, {"warnings", {"w"}}}; });
  ASSERT_TRUE(collector.ReportContext(benchmark::BenchmarkReporter::Context()));
  collector.Finalize();
  std::ifstream in(dir / "r.json");
  const auto report = nlohmann::json::parse(in);
  EXPECT_EQ(report["complete"], true);
  EXPECT_DOUBLE_EQ(report["context"]["steal_fraction"].get<double>(), 0.01);
  EXPECT_EQ(report["context"]["warnings"][0], "w");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace concbench

namespace concbench {
namespace {

// An entry's repetitions in ms, each iteration row as Google Benchmark's JSON reporter writes one.
void add_repetitions(report_document& document, const std::shared_ptr<entry_metadata>& entry,
                     const std::vector<double>& times) {
  for (std::size_t i = 0; i < times.size(); ++i) {
    auto row = iteration_row(times[i], static_cast<int>(i));
    row["repetitions"] = times.size();
    document.add_row(row, entry);
  }
}

nlohmann::json aggregate_of(const std::vector<nlohmann::json>& rows, const std::string& name) {
  for (const auto& row : rows) {
    if (row.value("aggregate_name", "") == name) return row;
  }
  return nullptr;
}

TEST(aggregate_rows, are_google_benchmarks_statistics_of_the_measured_repetitions) {
  report_document document{{}};
  auto entry = make_entry("cpu/threads/W:2/pool:cold/scale:1", "threads", 10e6);
  const std::vector<double> times{12, 10, 11, 15, 13, 30, 10.5};
  const std::vector<double> counter{5, 3, 4, 9, 6, 20, 2};
  for (std::size_t i = 0; i < times.size(); ++i) {
    auto row = iteration_row(times[i], static_cast<int>(i));
    row["repetitions"] = 8;
    row["threads"] = 1;
    row["family_index"] = 4;
    row["per_family_instance_index"] = 0;
    row["run_name"] = "google/benchmark/name";
    row["label"] = "same";
    row["cpu_time"] = times[i] / 2;
    row["task_p50_ns"] = counter[i];
    row["run_position"] = 40 + i;  // concbench's order, not a counter
    document.add_row(row, entry);
  }
  auto failed = iteration_row(0, 7);
  failed["error_occurred"] = true;
  failed["error_message"] = "task 2 of cpu under threads: boom";
  failed["repetitions"] = 8;
  failed["label"] = "same";  // a label every repetition shares, the failed one too, is kept
  document.add_row(failed, entry);
  // Google Benchmark's own aggregates, when it still sends them, are dropped.
  document.add_row(aggregate_row("stddev", 999), entry);

  const auto rows = document.rows_of(entry->name);
  ASSERT_EQ(rows.size(), 8u + 5u);
  std::vector<std::string> order;
  for (std::size_t i = 8; i < rows.size(); ++i) order.push_back(rows[i]["aggregate_name"]);
  EXPECT_EQ(order, (std::vector<std::string>{"mean", "median", "stddev", "cv", "p25"}));

  // By hand: sum 101.5 over 7; sorted 10 10.5 11 12 13 15 30.
  const double mean = 101.5 / 7;
  double squares = 0;
  for (const double t : times) squares += (t - mean) * (t - mean);
  const double stddev = std::sqrt(squares / 6);
  const auto mean_row = aggregate_of(rows, "mean");
  EXPECT_DOUBLE_EQ(mean_row["real_time"].get<double>(), mean);
  EXPECT_DOUBLE_EQ(mean_row["cpu_time"].get<double>(), mean / 2);
  EXPECT_DOUBLE_EQ(aggregate_of(rows, "median")["real_time"].get<double>(), 12);
  EXPECT_DOUBLE_EQ(aggregate_of(rows, "stddev")["real_time"].get<double>(), stddev);
  EXPECT_DOUBLE_EQ(aggregate_of(rows, "cv")["real_time"].get<double>(), stddev / mean);
  EXPECT_DOUBLE_EQ(aggregate_of(rows, "p25")["real_time"].get<double>(), 10.75);  // (n - 1) q = 1.5
  // Counters the same way, each aggregate of its own values.
  EXPECT_DOUBLE_EQ(aggregate_of(rows, "mean")["task_p50_ns"].get<double>(), 49.0 / 7);
  EXPECT_DOUBLE_EQ(aggregate_of(rows, "median")["task_p50_ns"].get<double>(), 5);
  EXPECT_DOUBLE_EQ(aggregate_of(rows, "p25")["task_p50_ns"].get<double>(), 3.5);
  for (std::size_t i = 8; i < rows.size(); ++i) {
    const auto& row = rows[i];
    EXPECT_EQ(row["run_type"], "aggregate");
    EXPECT_EQ(row["name"], entry->name + "_" + row["aggregate_name"].get<std::string>());
    EXPECT_EQ(row["iterations"], 8) << "every repetition, the failed one too, as Google Benchmark counts";
    EXPECT_EQ(row["repetitions"], 8);
    EXPECT_EQ(row["threads"], 1);
    EXPECT_EQ(row["family_index"], 4);
    EXPECT_EQ(row["label"], "same");
    EXPECT_EQ(row["measured_repetitions"], 7);
    EXPECT_FALSE(row.contains("repetition_index"));
    EXPECT_FALSE(row.contains("run_position"));
    const bool cv = row["aggregate_name"] == "cv";
    EXPECT_EQ(row["aggregate_unit"], cv ? "percentage" : "time");
    EXPECT_EQ(row.contains("time_unit"), !cv);
  }
}

TEST(aggregate_rows, need_two_measured_repetitions_and_follow_the_entrys_last_iteration_row) {
  report_document document{{{"report_writer", {{"rows", 0}}}}};
  auto a = make_entry("cpu/sequential/scale:1", "sequential", 40e6);
  auto b = make_entry("cpu/threads/W:2/pool:cold/scale:1", "threads", 20e6);
  auto single = make_entry("cpu/coroutines/scale:1", "coroutines", 20e6);
  // Interleaved rounds: a, b, a, single, b.
  document.add_row(iteration_row(40, 0), a);
  document.add_row(iteration_row(20, 0), b);
  document.add_row(iteration_row(41, 1), a);
  document.add_row(iteration_row(22, 0), single);
  document.add_row(iteration_row(21, 1), b);
  EXPECT_EQ(document.rows_of(single->name).size(), 1u);
  const auto report = document.report(false, "t.json");
  std::vector<std::string> names;
  for (const auto& row : report["benchmarks"]) names.push_back(row["name"]);
  const std::vector<std::string> expected{a->name,
                                          b->name,
                                          a->name,
                                          a->name + "_mean",
                                          a->name + "_median",
                                          a->name + "_stddev",
                                          a->name + "_cv",
                                          a->name + "_p25",
                                          single->name,
                                          b->name,
                                          b->name + "_mean",
                                          b->name + "_median",
                                          b->name + "_stddev",
                                          b->name + "_cv",
                                          b->name + "_p25"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(report["context"]["report_writer"]["rows"], expected.size());
  EXPECT_EQ(document.row_count(), expected.size());
  EXPECT_EQ(report["context"]["lead_estimator"], (nlohmann::json{{"name", "p25"}, {"quantile", 0.25}}));
  EXPECT_EQ(report["context"]["interval_level"], 0.95);
}

std::vector<double> spread_times(double base, int n) {
  std::vector<double> times;
  for (int i = 0; i < n; ++i) times.push_back(base * (1 + 0.01 * ((i * 7) % n)));
  return times;
}

TEST(aggregate_rows, median_and_lead_rows_carry_an_interval_or_say_why_not) {
  for (const int n : {2, 5, 6, 10, 11, 30}) {
    report_document document{{}};
    auto entry = make_entry("sleep/threads/W:2/pool:cold", "threads", 9e6, "sleep");
    const auto times = spread_times(10, n);
    add_repetitions(document, entry, times);
    const auto rows = document.rows_of(entry->name);
    for (const auto& [statistic, q, needed] :
         {std::tuple{std::string("median"), 0.5, 6}, std::tuple{std::string("p25"), 0.25, 11}}) {
      const auto row = aggregate_of(rows, statistic);
      ASSERT_TRUE(row.is_object()) << n;
      const auto interval = quantile_interval(times, q, interval_level);
      EXPECT_EQ(interval.has_value(), n >= needed) << statistic << " " << n;
      if (interval) {
        EXPECT_EQ(row["interval_low"], interval->low);
        EXPECT_EQ(row["interval_high"], interval->high);
        EXPECT_EQ(row["interval_level"], 0.95);
        EXPECT_FALSE(row.contains("interval_note"));
        EXPECT_LE(row["interval_low"].get<double>(), row["real_time"].get<double>());
        EXPECT_GE(row["interval_high"].get<double>(), row["real_time"].get<double>());
        EXPECT_EQ(row.contains("half_width_pct"), statistic == "p25");
        if (statistic == "p25") {
          EXPECT_DOUBLE_EQ(row["half_width_pct"].get<double>(),
                           100 * relative_half_width(*interval, row["real_time"].get<double>()));
        }
      } else {
        EXPECT_FALSE(row.contains("interval_low"));
        EXPECT_FALSE(row.contains("half_width_pct"));
        EXPECT_EQ(row["interval_note"], std::to_string(n) + " repetitions cannot give a 95 % interval for " +
                                            (statistic == "median" ? "the median" : "p25") + ": " +
                                            std::to_string(needed) + " are needed");
      }
    }
    for (const char* other : {"mean", "stddev", "cv"}) {
      EXPECT_FALSE(aggregate_of(rows, other).contains("interval_low")) << other;
      EXPECT_FALSE(aggregate_of(rows, other).contains("interval_note")) << other;
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) EXPECT_FALSE(rows[i].contains("interval_note"));
  }
}

TEST(aggregate_rows, speedup_and_efficiency_intervals_come_from_the_ratio_interval) {
  report_document document{{{"usable_cpus", 4}}};
  auto sequential = make_entry("sleep/sequential", "sequential", 9e6, "sleep");
  auto threads = make_entry("sleep/threads/W:2/pool:cold", "threads", 4.5e6, "sleep");
  const auto sequential_times = spread_times(10, 15);
  const auto thread_times = spread_times(5.2, 13);
  add_repetitions(document, sequential, sequential_times);
  add_repetitions(document, threads, thread_times);
  const auto rows = document.rows_of(threads->name);
  for (const auto& [statistic, q] : {std::pair{std::string("median"), 0.5}, std::pair{std::string("p25"), 0.25}}) {
    const auto row = aggregate_of(rows, statistic);
    const auto speedup = ratio_interval(sequential_times, thread_times, q, 0.95);
    ASSERT_TRUE(speedup) << statistic;
    EXPECT_DOUBLE_EQ(row["speedup_interval"][0].get<double>(), speedup->low);
    EXPECT_DOUBLE_EQ(row["speedup_interval"][1].get<double>(), speedup->high);
    EXPECT_LE(row["speedup_interval"][0].get<double>(), row["speedup"].get<double>());
    EXPECT_GE(row["speedup_interval"][1].get<double>(), row["speedup"].get<double>());
    const auto interval = quantile_interval(thread_times, q, 0.95);
    EXPECT_DOUBLE_EQ(row["efficiency_interval"][0].get<double>(), 4.5 / interval->high);
    EXPECT_DOUBLE_EQ(row["efficiency_interval"][1].get<double>(), 4.5 / interval->low);
    EXPECT_FALSE(row.contains("measurement_error"));
    EXPECT_FALSE(row.contains("imprecise"));  // no precision target
  }
  // Too few on one side for 97.5 % each (13 for p25): no speedup interval, the speedup stays.
  report_document fewer{{}};
  add_repetitions(fewer, sequential, spread_times(10, 12));
  add_repetitions(fewer, threads, thread_times);
  const auto lead = aggregate_of(fewer.rows_of(threads->name), "p25");
  EXPECT_TRUE(lead.contains("speedup"));
  EXPECT_FALSE(lead.contains("speedup_interval"));
  EXPECT_EQ(lead["speedup_interval_note"],
            "13 repetitions of this entry and 12 of sleep/sequential cannot give a 95 % interval for the speedup "
            "of p25: each side needs 13");
  EXPECT_TRUE(lead.contains("efficiency_interval"));
  // The median's ratio needs 7 a side: twelve give it, and no note.
  const auto middle = aggregate_of(fewer.rows_of(threads->name), "median");
  EXPECT_TRUE(middle.contains("speedup_interval"));
  EXPECT_FALSE(middle.contains("speedup_interval_note"));
  for (const auto& row : rows) EXPECT_FALSE(row.contains("speedup_interval_note")) << row["name"];
  // Intervals only on the median and lead rows.
  for (const char* other : {"mean", "stddev", "cv"}) {
    EXPECT_FALSE(aggregate_of(rows, other).contains("speedup_interval")) << other;
    EXPECT_FALSE(aggregate_of(rows, other).contains("efficiency_interval")) << other;
  }
  EXPECT_FALSE(rows[0].contains("speedup_interval"));
}

TEST(aggregate_rows, a_cpu_entry_faster_than_its_cpus_allow_is_a_measurement_error) {
  // Two CPUs, and the threads entry 3.3 times faster than the sequential one: impossible for
  // CPU-bound work, whatever the noise (the whole interval lies above 2).
  const auto with_workload = [](const std::string& workload) {
    report_document document{{{"usable_cpus", 2}}};
    auto sequential = make_entry(workload + "/sequential", "sequential", 90e6, workload);
    auto threads = make_entry(workload + "/threads/W:4/pool:cold", "threads", 45e6, workload);
    sequential->fields["workload"] = threads->fields["workload"] = workload;
    add_repetitions(document, sequential, spread_times(100, 15));
    add_repetitions(document, threads, spread_times(30, 15));
    return document.rows_of(threads->name);
  };
  const auto rows = with_workload("cpu");
  for (const char* statistic : {"median", "p25"}) {
    const auto row = aggregate_of(rows, statistic);
    ASSERT_GT(row["speedup_interval"][0].get<double>(), 2) << statistic;
    ASSERT_TRUE(row.contains("measurement_error")) << statistic;
    const std::string sentence = row["measurement_error"];
    EXPECT_NE(sentence.find("lies above P = 2"), std::string::npos) << sentence;
    EXPECT_NE(sentence.find("efficiency interval"), std::string::npos) << sentence;  // 45 / 30: above 1 too
  }
  EXPECT_FALSE(aggregate_of(rows, "mean").contains("measurement_error"));
  // Sleeping entries may beat the CPU count; their efficiency interval above 1 still says so.
  const auto sleep_rows = with_workload("sleep");
  const std::string sleep_sentence = aggregate_of(sleep_rows, "median")["measurement_error"];
  EXPECT_EQ(sleep_sentence.find("above P"), std::string::npos) << sleep_sentence;
  EXPECT_NE(sleep_sentence.find("efficiency interval"), std::string::npos) << sleep_sentence;
  // An efficiency interval reaching 1 or below is no error.
  report_document plausible{{{"usable_cpus", 2}}};
  auto entry = make_entry("cpu/threads/W:2/pool:cold", "threads", 9e6);
  add_repetitions(plausible, entry, spread_times(10, 15));
  EXPECT_FALSE(aggregate_of(plausible.rows_of(entry->name), "median").contains("measurement_error"));
}

TEST(aggregate_rows, the_lead_row_is_imprecise_when_the_precision_target_was_not_reached) {
  for (const auto& [target, n, imprecise] :
       {std::tuple{1.0, 15, true}, std::tuple{50.0, 15, false}, std::tuple{50.0, 5, true}}) {
    report_document document{{{"precision", {{"target_pct", target}}}}};
    auto entry = make_entry("cpu/threads/W:2/pool:cold", "threads", 9e6);
    add_repetitions(document, entry, spread_times(10, n));
    const auto rows = document.rows_of(entry->name);
    EXPECT_EQ(aggregate_of(rows, "p25").contains("imprecise"), imprecise) << target << " " << n;
    EXPECT_FALSE(aggregate_of(rows, "median").contains("imprecise"));
  }
  report_document no_target{{{"precision", {{"target_pct", nullptr}}}}};
  auto entry = make_entry("cpu/threads/W:2/pool:cold", "threads", 9e6);
  add_repetitions(no_target, entry, spread_times(10, 5));
  EXPECT_FALSE(aggregate_of(no_target.rows_of(entry->name), "p25").contains("imprecise"));
}

}  // namespace
}  // namespace concbench
