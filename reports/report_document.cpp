#include "report_document.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

namespace concbench {
namespace {

constexpr std::size_t max_timeline_tasks = 10'000;

bool is_failed(const nlohmann::json& row) { return row.value("error_occurred", false); }

// The statistic a row shows: "iteration" for a measured batch, else the aggregate's name.
std::string statistic_of(const nlohmann::json& row) {
  if (row.value("run_type", "iteration") == "iteration") return "iteration";
  return row.value("aggregate_name", "");
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Keeps every k-th task so that a timeline stays under max_timeline_tasks entries.
nlohmann::json downsampled(const nlohmann::json& timeline) {
  const auto& tasks = timeline.at("task");
  if (tasks.size() <= max_timeline_tasks) return timeline;
  const std::size_t stride = (tasks.size() + max_timeline_tasks - 1) / max_timeline_tasks;
  nlohmann::json kept = timeline;
  for (const char* column : {"task", "worker", "start_ns", "end_ns"}) {
    nlohmann::json thinned = nlohmann::json::array();
    const auto& full = timeline.at(column);
    for (std::size_t i = 0; i < full.size(); i += stride) thinned.push_back(full[i]);
    kept[column] = std::move(thinned);
  }
  kept["downsampled"] = true;
  kept["downsample_stride"] = stride;
  return kept;
}

}  // namespace

double nanoseconds_per(const std::string& time_unit) {
  if (time_unit == "ns") return 1;
  if (time_unit == "us") return 1e3;
  if (time_unit == "ms") return 1e6;
  if (time_unit == "s") return 1e9;
  throw std::invalid_argument("unknown time unit '" + time_unit + "'");
}

void replace_non_finite(nlohmann::json& value) {
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    value = nullptr;
  } else if (value.is_structured()) {
    for (auto& element : value) replace_non_finite(element);
  }
}

std::optional<stability_verdict> stability_of(std::span<const double> times) {
  const auto n = times.size();
  if (n < 2) return std::nullopt;
  double sum = 0;
  for (const double t : times) sum += t;
  const double mean = sum / static_cast<double>(n);
  if (!(mean > 0)) return std::nullopt;
  double squares = 0;
  for (const double t : times) squares += (t - mean) * (t - mean);
  stability_verdict verdict;
  verdict.repetitions = static_cast<int>(n);
  verdict.cv = std::sqrt(squares / static_cast<double>(n - 1)) / mean;
  const double median = median_of({times.begin(), times.end()});
  std::vector<double> deviations;
  for (const double t : times) deviations.push_back(std::abs(t - median));
  const double mad = median_of(deviations);
  if (mad > 0) {
    for (const double deviation : deviations) {
      if (deviation > 3 * 1.4826 * mad) ++verdict.outliers;
    }
  }
  return verdict;
}

nlohmann::json stability_json(const stability_verdict& verdict) {
  return {{"cv", verdict.cv},
          {"outliers", verdict.outliers},
          {"repetitions", verdict.repetitions},
          {"verdict", verdict.noisy() ? "noisy" : "stable"}};
}

report_document::report_document(nlohmann::json context) : context_(std::move(context)) {}

void report_document::update_context(const nlohmann::json& keys) {
  for (const auto& [key, value] : keys.items()) context_[key] = value;
}

std::optional<stability_verdict> report_document::entry_stability(const std::string& entry_name) const {
  std::vector<double> times;
  for (const auto& r : rows_) {
    if (r.entry->name != entry_name || is_failed(r.fields) || statistic_of(r.fields) != "iteration") continue;
    if (!r.fields.contains("time_unit") || !r.fields.contains("real_time")) continue;
    times.push_back(r.fields.at("real_time").get<double>() * nanoseconds_per(r.fields.at("time_unit")));
  }
  return stability_of(times);
}

int report_document::measured_repetitions(const std::string& entry_name) const {
  int measured = 0;
  for (const auto& r : rows_) {
    if (r.entry->name == entry_name && !is_failed(r.fields) && statistic_of(r.fields) == "iteration") ++measured;
  }
  return measured;
}

void report_document::add_row(nlohmann::json row, std::shared_ptr<const entry_metadata> entry) {
  rows_.push_back({std::move(row), std::move(entry)});
}

std::optional<double> report_document::entry_statistic(const std::string& entry_name, const std::string& statistic,
                                                       const std::string& unit) const {
  std::vector<double> iterations;
  for (const auto& r : rows_) {
    if (r.entry->name != entry_name || is_failed(r.fields) || !r.fields.contains("time_unit")) continue;
    const double time = r.fields.at("real_time").get<double>() * nanoseconds_per(r.fields.at("time_unit")) /
                        nanoseconds_per(unit);
    const auto kind = statistic_of(r.fields);
    if (kind == statistic) return time;
    if (kind == "iteration") iterations.push_back(time);
  }
  if (iterations.empty()) return std::nullopt;
  if (statistic == "median") return median_of(iterations);
  double sum = 0;
  for (const double t : iterations) sum += t;
  return sum / static_cast<double>(iterations.size());
}

nlohmann::json report_document::with_derived_fields(const row& r) const {
  nlohmann::json out = r.fields;
  const auto& entry = *r.entry;
  out["name"] = r.fields.value("run_type", "iteration") == "aggregate"
                    ? entry.name + "_" + r.fields.value("aggregate_name", "")
                    : entry.name;
  out["run_name"] = entry.name;
  for (const auto& [key, value] : entry.fields.items()) out[key] = value;
  // The entry's verdict on every one of its rows, once two repetitions are measured.
  if (const auto stability = entry_stability(entry.name)) out["stability"] = stability_json(*stability);
  // Below `repetitions` when some failed or the run was interrupted (with random interleaving
  // an interrupted run leaves many entries partly measured): the aggregates rest on these only.
  out["measured_repetitions"] = measured_repetitions(entry.name);
  if (statistic_of(r.fields) == "iteration" && r.fields.contains("repetition_index")) {
    const auto index = r.fields.at("repetition_index").get<long long>();
    if (index >= 0 && static_cast<std::size_t>(index) < entry.run_positions.size()) {
      out["run_position"] = entry.run_positions[static_cast<std::size_t>(index)];
    }
  }

  // Rows without a time unit (cv, a fraction) carry no times to compare with.
  if (!r.fields.contains("time_unit")) return out;
  const std::string unit = r.fields.at("time_unit");
  const double unit_ns = nanoseconds_per(unit);
  std::optional<double> ideal_ns = entry.ideal_ns;
  std::optional<double> bound_ns = entry.bound_ns;
  if (!entry.ideal_entry.empty()) {
    // Not measured (yet, or filtered out): the rows carry no ideal rather than a made-up one.
    ideal_ns = bound_ns = entry_statistic(entry.ideal_entry, "median", "ns");
  }
  if (ideal_ns) out["ideal"] = *ideal_ns / unit_ns;
  if (bound_ns) out["bound"] = *bound_ns / unit_ns;

  const auto statistic = statistic_of(r.fields);
  const bool is_time_row = statistic == "iteration" || statistic == "mean" || statistic == "median";
  // The probe batch's figures are the entry's, not a repetition's: the same on each time row.
  if (is_time_row && entry.entry_figures.is_object()) {
    for (const auto& [key, value] : entry.entry_figures.items()) out[key] = value;
  }
  if (!is_time_row || is_failed(r.fields)) return out;
  const double time = r.fields.at("real_time").get<double>();
  if (time > 0 && ideal_ns && *ideal_ns > 0) out["efficiency"] = *ideal_ns / unit_ns / time;

  // Speedup over the sequential entry that ran the same batch: an iteration row against
  // its median, an aggregate against the same aggregate.
  for (const auto& other : rows_) {
    if (!other.entry->is_sequential || other.entry->comparison_key != entry.comparison_key) continue;
    const auto sequential =
        entry_statistic(other.entry->name, statistic == "iteration" ? "median" : statistic, unit);
    if (sequential && time > 0) out["speedup"] = *sequential / time;
    break;
  }
  return out;
}

std::vector<nlohmann::json> report_document::rows_of(const std::string& entry_name) const {
  std::vector<nlohmann::json> rows;
  for (const auto& r : rows_) {
    if (r.entry->name == entry_name) rows.push_back(with_derived_fields(r));
  }
  return rows;
}

nlohmann::json report_document::report(bool complete, const std::string& timelines_file) const {
  nlohmann::json benchmarks = nlohmann::json::array();
  for (const auto& r : rows_) benchmarks.push_back(with_derived_fields(r));
  nlohmann::json document = {{"context", context_},
                             {"complete", complete},
                             {"timelines_file", timelines_file},
                             {"benchmarks", std::move(benchmarks)}};
  replace_non_finite(document);
  return document;
}

nlohmann::json report_document::timelines(const std::string& report_file) const {
  nlohmann::json entries = nlohmann::json::object();
  for (const auto& r : rows_) {
    if (!r.entry->timeline.is_null() && !entries.contains(r.entry->name)) {
      entries[r.entry->name] = downsampled(r.entry->timeline);
    }
  }
  nlohmann::json document = {{"report", report_file}, {"entries", std::move(entries)}};
  replace_non_finite(document);
  return document;
}

}  // namespace concbench
