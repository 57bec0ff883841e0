#include "reports/report_collector.hpp"

#include <chrono>
#include <ctime>
#include <iostream>

#include "reports/atomic_file.hpp"

namespace concbench {
namespace {

std::string time_unit_name(benchmark::TimeUnit unit) {
  switch (unit) {
    case benchmark::kNanosecond:
      return "ns";
    case benchmark::kMicrosecond:
      return "us";
    case benchmark::kMillisecond:
      return "ms";
    case benchmark::kSecond:
      return "s";
  }
  return "ns";
}

std::string local_date() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S%z", &local);
  return buffer;
}

}  // namespace

std::filesystem::path timelines_path_for(const std::filesystem::path& report_path) {
  auto path = report_path;
  if (path.extension() == ".json") path.replace_extension();
  path += ".timelines.json";
  return path;
}

std::filesystem::path partial_path_for(const std::filesystem::path& report_path) {
  auto path = report_path;
  const bool json = path.extension() == ".json";
  if (json) path.replace_extension();
  path += json ? ".partial.json" : ".partial";
  return path;
}

nlohmann::json run_fields(const benchmark::BenchmarkReporter::Run& run) {
  using Run = benchmark::BenchmarkReporter::Run;
  nlohmann::json row = {{"name", run.benchmark_name()},
                        {"family_index", run.family_index},
                        {"per_family_instance_index", run.per_family_instance_index},
                        {"run_name", run.run_name.str()},
                        {"run_type", run.run_type == Run::RT_Iteration ? "iteration" : "aggregate"},
                        {"repetitions", run.repetitions}};
  if (run.run_type == Run::RT_Iteration) {
    row["repetition_index"] = run.repetition_index;
  } else {
    row["aggregate_name"] = run.aggregate_name;
    row["aggregate_unit"] = run.aggregate_unit == benchmark::kPercentage ? "percentage" : "time";
  }
  row["threads"] = run.threads;
  if (run.error_occurred) {
    row["error_occurred"] = true;
    row["error_message"] = run.error_message;
  }
  row["iterations"] = run.iterations;
  if (run.run_type == Run::RT_Aggregate && run.aggregate_unit == benchmark::kPercentage) {
    // As Google Benchmark's JSON reporter: a percentage (cv) is a plain fraction, no unit.
    row["real_time"] = run.real_accumulated_time;
    row["cpu_time"] = run.cpu_accumulated_time;
  } else {
    row["real_time"] = run.GetAdjustedRealTime();
    row["cpu_time"] = run.GetAdjustedCPUTime();
    row["time_unit"] = time_unit_name(run.time_unit);
  }
  if (!run.report_label.empty()) row["label"] = run.report_label;
  for (const auto& [name, counter] : run.counters) row[name] = static_cast<double>(counter);
  return row;
}

nlohmann::json benchmark_context_fields(const benchmark::BenchmarkReporter::Context& context) {
  const auto& cpu = context.cpu_info;
  const char* executable = benchmark::BenchmarkReporter::Context::executable_name;
  nlohmann::json caches = nlohmann::json::array();
  for (const auto& cache : cpu.caches) {
    caches.push_back({{"type", cache.type},
                      {"level", cache.level},
                      {"size", static_cast<long long>(cache.size)},
                      {"num_sharing", cache.num_sharing}});
  }
  return {{"date", local_date()},
          {"host_name", context.sys_info.name},
          // Null until benchmark::Initialize() has run (a collector used on its own).
          {"executable", executable ? executable : ""},
          {"num_cpus", cpu.num_cpus},
          {"mhz_per_cpu", static_cast<long long>(cpu.cycles_per_second / 1e6)},
          {"cpu_scaling_enabled", cpu.scaling == benchmark::CPUInfo::ENABLED},
          {"caches", caches},
          {"load_avg", cpu.load_avg},
          // The library's own build (Debian's says debug); concbench's is in build.build_type.
          {"library_build_type", "debug"}};
}

report_collector::report_collector(std::filesystem::path report_path, nlohmann::json concbench_context,
                                   const entry_registry& entries, entry_done on_entry_done, write_policy policy)
    : report_path_(std::move(report_path)),
      concbench_context_(std::move(concbench_context)),
      entries_(entries),
      on_entry_done_(std::move(on_entry_done)),
      policy_(policy) {}

std::filesystem::path report_collector::timelines_path() const { return timelines_path_for(report_path_); }

std::vector<nlohmann::json> report_collector::rows_of(const std::string& entry_name) const {
  return document_ ? document_->rows_of(entry_name) : std::vector<nlohmann::json>{};
}

bool report_collector::ReportContext(const Context& context) {
  if (document_) return write_error_.empty();  // the next round's run: the report goes on
  auto fields = benchmark_context_fields(context);
  for (const auto& [key, value] : concbench_context_.items()) fields[key] = value;
  fields["concbench_schema_version"] = concbench_schema_version;
  document_.emplace(std::move(fields));
  write_partial(true);  // a destination that cannot take the report shows now, not at the end
  return write_error_.empty();
}

void report_collector::ReportRuns(const std::vector<Run>& runs) {
  if (runs.empty() || !document_) return;
  const auto entry = entries_.find(runs.front().run_name.function_name);
  if (!entry) {
    GetErrorStream() << "concbench: internal error: no entry named " << runs.front().run_name.function_name << "\n";
    return;
  }
  std::size_t measured = 0;
  bool aggregates = false;
  for (const auto& run : runs) {
    any_failed_ = any_failed_ || run.error_occurred;
    if (run.run_type == Run::RT_Iteration && !run.error_occurred) ++measured;
    aggregates = aggregates || run.run_type == Run::RT_Aggregate;
    auto row = run_fields(run);
    if (round_ && run.run_type == Run::RT_Iteration) {
      row["repetition_index"] = repetitions_reported_[entry->name]++;
      row["round"] = *round_;
    }
    if (repetition_reported_ && run.run_type == Run::RT_Iteration) repetition_reported_(*entry, row);
    document_->add_row(std::move(row), entry);
    ++rows_;
  }
  write_partial(false);
  // Google Benchmark reports an entry's iteration rows, then (with two or more measured
  // repetitions) its aggregates in a second call: the entry is done after the last one.
  const bool aggregates_follow = !aggregates && measured >= 2;
  if (on_entry_done_ && !aggregates_follow) on_entry_done_(*entry, document_->rows_of(entry->name));
}

void report_collector::Finalize() {
  if (round_) {
    write_partial(false);  // a round ended; the run goes on
    return;
  }
  finish();
}

void report_collector::update_context(const nlohmann::json& keys) {
  if (document_) document_->update_context(keys);
}

void report_collector::finish() {
  if (!document_ || !write_error_.empty()) return;  // after a failed write the destination stays as it was
  if (end_context_) {
    try {
      document_->update_context(end_context_());
    } catch (const std::exception& e) {
      GetErrorStream() << "concbench: the end-of-run check failed: " << e.what() << "\n";
    }
  }
  // What keeping the report on disk cost the run, outside every timed interval but not its wall time.
  document_->update_context(
      {{"report_writer",
        {{"rows", rows_},
         {"partial_writes", partial_writes_},
         {"partial_write_seconds", std::chrono::duration<double>(partial_write_time_).count()}}}});
  if (write_to(report_path_, true)) remove_partial_files();
}

void report_collector::write_partial(bool now_anyway) {
  if (!write_error_.empty()) return;
  const auto began = std::chrono::steady_clock::now();
  if (!now_anyway && began < next_partial_write_) return;
  if (!write_to(partial_path(), false)) return;
  const auto ended = std::chrono::steady_clock::now();
  partial_written_ = true;
  ++partial_writes_;
  partial_write_time_ += ended - began;
  const auto cost = std::chrono::duration_cast<std::chrono::nanoseconds>((ended - began) * policy_.cost_multiple);
  next_partial_write_ = ended + std::max<std::chrono::nanoseconds>(policy_.min_interval, cost);
}

bool report_collector::write_to(const std::filesystem::path& report_path, bool complete) {
  try {
    const auto timelines = timelines_path_for(report_path);
    write_file_atomically(timelines, document_->timelines(report_path.filename().string()).dump(1) + "\n");
    const std::string interrupted_by = interrupted_by_ ? interrupted_by_() : "";
    auto report = document_->report(complete && interrupted_by.empty(), timelines.filename().string());
    if (!interrupted_by.empty()) report["context"]["interrupted_by"] = interrupted_by;
    write_file_atomically(report_path, report.dump(2) + "\n");
    return true;
  } catch (const std::exception& e) {
    write_error_ = e.what();
    if (on_write_failed_) on_write_failed_(write_error_);
    return false;
  }
}

void report_collector::remove_partial_files() const {
  std::error_code ignored;
  std::filesystem::remove(timelines_path_for(partial_path()), ignored);
  std::filesystem::remove(partial_path(), ignored);
}

}  // namespace concbench
