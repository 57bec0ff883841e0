#include "reports/report_document.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "workloads/median.hpp"

namespace concbench {
namespace {

constexpr std::size_t max_timeline_tasks = 10'000;

bool is_failed(const nlohmann::json& row) { return row.value("error_occurred", false); }

// The statistic a row shows: "iteration" for a measured batch, else the aggregate's name.
std::string statistic_of(const nlohmann::json& row) {
  if (row.value("run_type", "iteration") == "iteration") return "iteration";
  return row.value("aggregate_name", "");
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
  const double middle = median({times.begin(), times.end()});
  std::vector<double> deviations;
  for (const double t : times) deviations.push_back(std::abs(t - middle));
  const double mad = median(deviations);
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

void report_document::add_row(nlohmann::json row, std::shared_ptr<const entry_metadata> entry) {
  auto& indexed = entries_[entry->name];
  indexed.rows.push_back(rows_.size());
  if (!is_failed(row) && row.contains("time_unit") && row.contains("real_time") && row.at("real_time").is_number()) {
    const double ns = row.at("real_time").get<double>() * nanoseconds_per(row.at("time_unit"));
    const auto kind = statistic_of(row);
    if (kind == "iteration") {
      indexed.iteration_ns.push_back(ns);
      indexed.summary_stale = true;
    } else {
      indexed.first_aggregate_ns.try_emplace(kind, ns);
    }
  }
  if (entry->is_sequential) sequential_by_key_.try_emplace(entry->comparison_key, entry->name);
  rows_.push_back({std::move(row), std::move(entry)});
}

const report_document::entry_rows* report_document::rows_of_entry(const std::string& entry_name) const {
  const auto found = entries_.find(entry_name);
  return found == entries_.end() ? nullptr : &found->second;
}

const report_document::entry_rows& report_document::summarised(const entry_rows& entry) const {
  if (!entry.summary_stale) return entry;
  entry.summary_stale = false;
  entry.stability = stability_of(entry.iteration_ns);
  entry.median_ns.reset();
  entry.mean_ns.reset();
  if (!entry.iteration_ns.empty()) {
    entry.median_ns = median(entry.iteration_ns);
    double sum = 0;
    for (const double t : entry.iteration_ns) sum += t;
    entry.mean_ns = sum / static_cast<double>(entry.iteration_ns.size());
  }
  return entry;
}

std::optional<double> report_document::entry_statistic(const std::string& entry_name, const std::string& statistic,
                                                       const std::string& unit) const {
  const auto* entry = rows_of_entry(entry_name);
  if (!entry) return std::nullopt;
  std::optional<double> ns;
  if (const auto found = entry->first_aggregate_ns.find(statistic); found != entry->first_aggregate_ns.end()) {
    ns = found->second;
  } else {
    const auto& summary = summarised(*entry);
    ns = statistic == "median" ? summary.median_ns : summary.mean_ns;
  }
  if (!ns) return std::nullopt;
  return *ns / nanoseconds_per(unit);
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
  const auto& indexed = summarised(*rows_of_entry(entry.name));
  if (indexed.stability) out["stability"] = stability_json(*indexed.stability);
  // Below `repetitions` when some failed or the run was interrupted (with random interleaving
  // an interrupted run leaves many entries partly measured): the aggregates rest on these only.
  out["measured_repetitions"] = indexed.iteration_ns.size();
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
  if (const auto sequential_entry = sequential_by_key_.find(entry.comparison_key);
      sequential_entry != sequential_by_key_.end()) {
    const auto sequential =
        entry_statistic(sequential_entry->second, statistic == "iteration" ? "median" : statistic, unit);
    if (sequential && time > 0) out["speedup"] = *sequential / time;
  }
  return out;
}

std::vector<nlohmann::json> report_document::rows_of(const std::string& entry_name) const {
  std::vector<nlohmann::json> rows;
  if (const auto* entry = rows_of_entry(entry_name)) {
    for (const std::size_t index : entry->rows) rows.push_back(with_derived_fields(rows_[index]));
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
