#include "progress_display.hpp"

#include <algorithm>
#include <optional>
#include <cstdio>

#include "report_document.hpp"

namespace concbench {

std::string format_duration_ns(double ns) {
  const char* unit = "ns";
  double value = ns;
  if (ns >= 1e9) {
    value = ns / 1e9;
    unit = "s";
  } else if (ns >= 1e6) {
    value = ns / 1e6;
    unit = "ms";
  } else if (ns >= 1e3) {
    value = ns / 1e3;
    unit = "us";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g %s", value, unit);
  return buffer;
}

std::string describe_entry_result(const std::vector<nlohmann::json>& rows) {
  for (const auto& row : rows) {
    if (row.value("error_occurred", false)) return "FAILED: " + row.value("error_message", std::string("(no message)"));
  }
  // The median aggregate, or with one repetition the only iteration row.
  const nlohmann::json* shown = nullptr;
  const nlohmann::json* cv = nullptr;
  for (const auto& row : rows) {
    const auto aggregate = row.value("aggregate_name", "");
    if (aggregate == "median") shown = &row;
    if (aggregate == "cv") cv = &row;
    if (!shown && row.value("run_type", "") == "iteration") shown = &row;
  }
  if (!shown) return "no measurement";
  const double ns = shown->at("real_time").get<double>() * nanoseconds_per(shown->at("time_unit"));
  std::string line = format_duration_ns(ns);
  char buffer[96];
  if (cv && cv->at("real_time").is_number()) {
    std::snprintf(buffer, sizeof buffer, " ± %.1f %%", cv->at("real_time").get<double>() * 100);
    line += buffer;
  }
  if (shown->contains("speedup")) {
    std::snprintf(buffer, sizeof buffer, "  speedup %.2fx", shown->at("speedup").get<double>());
    line += buffer;
  }
  if (shown->contains("efficiency")) {
    std::snprintf(buffer, sizeof buffer, "  efficiency %.2f", shown->at("efficiency").get<double>());
    line += buffer;
  }
  // The row's ideal: for a start-up entry it is its floor, measured by this run.
  if (shown->contains("ideal") && shown->at("ideal").get<double>() > 0) {
    line += "  (ideal " + format_duration_ns(shown->at("ideal").get<double>() * nanoseconds_per(shown->at("time_unit"))) +
            ")";
  }
  // What a workload without an ideal measures instead: dispatch cost, lost updates, throughput.
  const auto figure = [&](const char* key) -> std::optional<double> {
    const auto found = shown->find(key);
    if (found == shown->end() || !found->is_number()) return std::nullopt;
    return found->get<double>();
  };
  if (shown->value("workload", "") == "empty") {
    if (const auto per_task = figure("dispatch_ns_per_task")) line += "  " + format_duration_ns(*per_task) + " per task";
  }
  if (const auto lost = figure("lost_updates")) {
    std::snprintf(buffer, sizeof buffer, "  lost %.0f of %.0f updates", *lost, figure("expected_updates").value_or(0));
    line += buffer;
  }
  if (const auto rate = figure("items_per_second")) {
    std::snprintf(buffer, sizeof buffer, "  %.3g items/s", *rate);
    line += buffer;
  }
  // The stability verdict (report_document.hpp), when the repetitions were noisy.
  if (const auto stability = shown->find("stability");
      stability != shown->end() && stability->is_object() && stability->value("verdict", "") == "noisy") {
    std::snprintf(buffer, sizeof buffer, "  noisy: cv %.1f %%", stability->value("cv", 0.0) * 100);
    line += buffer;
    const int outliers = stability->value("outliers", 0);
    if (outliers > 0) line += ", " + std::to_string(outliers) + (outliers == 1 ? " outlier" : " outliers");
  }
  return line;
}

progress_display::progress_display(std::ostream& out, std::size_t total_entries,
                                   std::map<std::string, double> estimated_seconds)
    : out_(out), total_(total_entries), estimated_seconds_(std::move(estimated_seconds)) {
  for (const auto& [name, seconds] : estimated_seconds_) estimated_total_ += seconds;
}

double progress_display::seconds_left() const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double left = std::max(estimated_total_ - estimated_done_, 0.0);
  // Trust the observed pace only once it rests on a few seconds of estimates.
  const double pace = estimated_done_ > 2 ? std::clamp(elapsed / estimated_done_, 0.25, 4.0) : 1.0;
  return left * pace;
}

std::string format_time_left(double seconds) {
  const auto whole = static_cast<long long>(seconds + 0.5);
  char buffer[48];
  if (whole < 60) {
    std::snprintf(buffer, sizeof buffer, "%lld s", whole);
  } else if (whole < 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld min %02lld s", whole / 60, whole % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld h %02lld min", whole / 3600, whole % 3600 / 60);
  }
  return buffer;
}

void progress_display::entry_done(const entry_metadata& entry, const std::vector<nlohmann::json>& rows) {
  ++done_;
  if (const auto found = estimated_seconds_.find(entry.name); found != estimated_seconds_.end()) {
    estimated_done_ += found->second;
  }
  const auto width = std::to_string(total_).size();
  std::string counter = std::to_string(done_);
  counter.insert(0, width - std::min(width, counter.size()), ' ');
  out_ << "[" << counter << "/" << total_ << "] " << entry.name << "  " << describe_entry_result(rows);
  if (done_ < total_ && estimated_total_ > 0) out_ << "  · about " << format_time_left(seconds_left()) << " left";
  out_ << std::endl;
}

}  // namespace concbench
