#include "reports/report_document.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>

#include "reports/statistics/lead_estimator.hpp"
#include "reports/statistics/ratio_interval.hpp"
#include "workloads/median.hpp"

namespace concbench {
namespace {

constexpr std::size_t max_timeline_tasks = 10'000;

bool is_failed(const nlohmann::json& row) { return row.value("error_occurred", false); }

// A repetition that was measured: not failed, with a time.
bool is_measured(const nlohmann::json& row) {
  return !is_failed(row) && row.contains("time_unit") && row.contains("real_time") && row.at("real_time").is_number();
}

// Every number on an iteration row that Google Benchmark's own fields and concbench's order
// fields leave over is a user counter, aggregated as the times are.
bool is_counter(const std::string& key, const nlohmann::json& value) {
  static const std::set<std::string> not_counters{"family_index", "per_family_instance_index",
                                                  "repetitions",  "repetition_index",
                                                  "threads",      "iterations",
                                                  "real_time",    "cpu_time",
                                                  "run_position", "round"};
  return value.is_number() && !not_counters.contains(key);
}

// Google Benchmark 1.7.1's statistics (src/statistics.cc), to the operation.
double google_benchmark_mean(const std::vector<double>& v) {
  if (v.empty()) return 0.0;
  return std::accumulate(v.begin(), v.end(), 0.0) * (1.0 / static_cast<double>(v.size()));
}

double google_benchmark_stddev(const std::vector<double>& v) {
  const double mean = google_benchmark_mean(v);
  if (v.empty()) return mean;
  if (v.size() == 1) return 0.0;  // a sample standard deviation needs two
  const double n = static_cast<double>(v.size());
  const double average_squares = std::inner_product(v.begin(), v.end(), v.begin(), 0.0) * (1.0 / n);
  const double variance = n / (n - 1.0) * (average_squares - mean * mean);
  return variance < 0.0 ? 0.0 : std::sqrt(variance);  // rounding can take it below 0
}

double google_benchmark_cv(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  return google_benchmark_stddev(v) / google_benchmark_mean(v);
}

// Google Benchmark's median is the quantile estimate at 0.5 (to the bit; its mean below three
// values); a counter no measured repetition reported is 0, as its statistics give for nothing.
double median_of(const std::vector<double>& v) { return v.empty() ? 0.0 : quantile_estimate(v, 0.5); }
double lead_of(const std::vector<double>& v) { return v.empty() ? 0.0 : quantile_estimate(v, the_lead_estimator.q); }

struct time_statistic {
  std::string name;
  bool percentage;
  double (*compute)(const std::vector<double>&);
};

// Google Benchmark's four, in its order, then the lead estimator (as a statistic registered with
// ComputeStatistics would follow them).
const std::vector<time_statistic>& time_statistics() {
  static const std::vector<time_statistic> statistics{{"mean", false, google_benchmark_mean},
                                                      {"median", false, median_of},
                                                      {"stddev", false, google_benchmark_stddev},
                                                      {"cv", true, google_benchmark_cv},
                                                      {the_lead_estimator.name, false, lead_of}};
  return statistics;
}

// The quantile a row's statistic estimates, if it is one with an interval.
std::optional<double> quantile_of(const std::string& statistic) {
  if (statistic == "median") return 0.5;
  if (statistic == the_lead_estimator.name) return the_lead_estimator.q;
  return std::nullopt;
}

std::string figure(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

// "7 repetitions cannot give a 95 % interval for p25: 11 are needed"
std::string interval_note(std::size_t measured, double q) {
  const std::string what = q == 0.5 ? "the median" : the_lead_estimator.name;
  return std::to_string(measured) + (measured == 1 ? " repetition" : " repetitions") + " cannot give a " +
         figure(100 * interval_level) + " % interval for " + what + ": " +
         std::to_string(min_samples_for_interval(q, interval_level)) + " are needed";
}

// "6 repetitions of this entry and 13 of cpu/sequential/scale:1 cannot give a 95 % interval
// for the speedup of p25: each side needs 13"
std::string speedup_interval_note(std::size_t own, std::size_t sequential, const std::string& sequential_name,
                                  double q) {
  const std::string what = q == 0.5 ? "the median" : the_lead_estimator.name;
  return std::to_string(own) + (own == 1 ? " repetition" : " repetitions") + " of this entry and " +
         std::to_string(sequential) + " of " + sequential_name + " cannot give a " + figure(100 * interval_level) +
         " % interval for the speedup of " + what + ": each side needs " +
         std::to_string(min_samples_for_interval(q, per_side_level(interval_level)));
}

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

report_document::report_document(nlohmann::json context) : context_(std::move(context)) {
  context_["lead_estimator"] = {{"name", the_lead_estimator.name}, {"quantile", the_lead_estimator.q}};
  context_["interval_level"] = interval_level;
}

void report_document::update_context(const nlohmann::json& keys) {
  for (const auto& [key, value] : keys.items()) context_[key] = value;
}

void report_document::add_row(nlohmann::json row, std::shared_ptr<const entry_metadata> entry) {
  if (statistic_of(row) != "iteration") return;  // Google Benchmark's aggregate: made here instead
  auto& indexed = entries_[entry->name];
  indexed.rows.push_back(rows_.size());
  indexed.summary_stale = true;
  if (is_measured(row)) {
    indexed.iteration_ns.push_back(row.at("real_time").get<double>() * nanoseconds_per(row.at("time_unit")));
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
  entry.mean_ns.reset();
  entry.median.reset();
  entry.lead.reset();
  if (!entry.iteration_ns.empty()) {
    entry.mean_ns = google_benchmark_mean(entry.iteration_ns);
    std::vector<double> sorted = entry.iteration_ns;
    std::sort(sorted.begin(), sorted.end());
    const auto summary_of = [&sorted](double q) {
      quantile_summary summary;
      summary.samples = sorted.size();
      summary.estimate_ns = quantile_estimate_sorted(sorted, q);
      summary.interval_ns = quantile_interval_sorted(sorted, q, interval_level);
      summary.ratio_side_ns = quantile_interval_sorted(sorted, q, per_side_level(interval_level));
      return summary;
    };
    entry.median = summary_of(0.5);
    entry.lead = summary_of(the_lead_estimator.q);
  }
  entry.aggregates = aggregate_rows_of(entry);
  return entry;
}

std::vector<nlohmann::json> report_document::aggregate_rows_of(const entry_rows& entry) const {
  // As Google Benchmark 1.7.1's ComputeStats: aggregates over two or more measured repetitions;
  // `iterations` counts every repetition (failed ones too), times and counters only the measured
  // ones; a counter any repetition reported is aggregated; the label only if all agree.
  if (entry.iteration_ns.size() < 2) return {};
  const nlohmann::json& first = rows_[entry.rows.front()].fields;
  std::vector<double> real_times, cpu_times;
  std::map<std::string, std::vector<double>> counters;
  std::string label = first.value("label", "");
  for (const std::size_t index : entry.rows) {
    const auto& fields = rows_[index].fields;
    if (fields.value("label", "") != label) label.clear();
    for (const auto& [key, value] : fields.items()) {
      if (is_counter(key, value)) counters[key];
    }
    if (!is_measured(fields)) continue;
    real_times.push_back(fields.at("real_time").get<double>());
    cpu_times.push_back(fields.value("cpu_time", 0.0));
    for (auto& [key, values] : counters) {
      if (const auto found = fields.find(key); found != fields.end() && found->is_number()) {
        values.push_back(found->get<double>());
      }
    }
  }
  std::vector<double> sorted_real = real_times;
  std::sort(sorted_real.begin(), sorted_real.end());
  const std::string run_name = first.value("run_name", "");
  const auto count = static_cast<long long>(entry.rows.size());
  std::vector<nlohmann::json> rows;
  for (const auto& statistic : time_statistics()) {
    nlohmann::json row = {{"name", run_name + "_" + statistic.name},
                          {"run_name", run_name},
                          {"run_type", "aggregate"},
                          // Google Benchmark's count of repetitions asked for; rounds of one
                          // repetition each count as many as ran.
                          {"repetitions", std::max(first.value("repetitions", 0LL), count)},
                          {"threads", first.value("threads", 1LL)},
                          {"aggregate_name", statistic.name},
                          {"aggregate_unit", statistic.percentage ? "percentage" : "time"},
                          {"iterations", count},
                          {"real_time", statistic.compute(real_times)},
                          {"cpu_time", statistic.compute(cpu_times)}};
    for (const char* key : {"family_index", "per_family_instance_index"}) {
      if (first.contains(key)) row[key] = first.at(key);
    }
    if (!statistic.percentage && first.contains("time_unit")) row["time_unit"] = first.at("time_unit");
    if (!label.empty()) row["label"] = label;
    for (const auto& [key, values] : counters) row[key] = statistic.compute(values);
    // The intervals that rest on this entry's own times, in the row's unit.
    if (const auto q = quantile_of(statistic.name)) {
      const auto interval = quantile_interval_sorted(sorted_real, *q, interval_level);
      if (interval) {
        row["interval_low"] = interval->low;
        row["interval_high"] = interval->high;
        row["interval_level"] = interval_level;
        if (statistic.name == the_lead_estimator.name) {
          row["half_width_pct"] = 100 * relative_half_width(*interval, row.at("real_time").get<double>());
        }
      } else {
        row["interval_note"] = interval_note(real_times.size(), *q);
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

const report_document::quantile_summary* report_document::entry_quantile(const std::string& entry_name,
                                                                         const std::string& statistic) const {
  const auto* entry = rows_of_entry(entry_name);
  if (!entry) return nullptr;
  const auto& summary = summarised(*entry);
  const auto& quantile = statistic == "median" ? summary.median : summary.lead;
  return quantile ? &*quantile : nullptr;
}

std::optional<double> report_document::entry_statistic(const std::string& entry_name, const std::string& statistic,
                                                       const std::string& unit) const {
  std::optional<double> ns;
  if (statistic == "mean") {
    if (const auto* entry = rows_of_entry(entry_name)) ns = summarised(*entry).mean_ns;
  } else if (const auto* quantile = entry_quantile(entry_name, statistic)) {
    ns = quantile->estimate_ns;
  }
  if (!ns) return std::nullopt;
  return *ns / nanoseconds_per(unit);
}

void report_document::add_interval_fields(nlohmann::json& out, const std::string& statistic,
                                          const entry_metadata& entry, std::optional<double> ideal_ns,
                                          double unit_ns) const {
  std::vector<std::string> errors;
  if (ideal_ns && *ideal_ns > 0 && out.contains("interval_low") && out.at("interval_low").get<double>() > 0) {
    const double ideal = *ideal_ns / unit_ns;
    const double low = ideal / out.at("interval_high").get<double>();
    const double high = ideal / out.at("interval_low").get<double>();
    out["efficiency_interval"] = {low, high};
    if (low > 1) {
      errors.push_back("its efficiency interval [" + figure(low) + ", " + figure(high) +
                       "] lies above 1: the calibration and this measurement disagree (the machine ran faster "
                       "during the entry than during calibration); trust the speedups");
    }
  }
  if (const auto sequential_entry = sequential_by_key_.find(entry.comparison_key);
      sequential_entry != sequential_by_key_.end()) {
    const auto* sequential = entry_quantile(sequential_entry->second, statistic);
    const auto* own = entry_quantile(entry.name, statistic);
    if (sequential && own && (!sequential->ratio_side_ns || !own->ratio_side_ns) && out.contains("speedup")) {
      out["speedup_interval_note"] = speedup_interval_note(own->samples, sequential->samples, sequential_entry->second,
                                                           statistic == "median" ? 0.5 : the_lead_estimator.q);
    }
    if (sequential && own && sequential->ratio_side_ns && own->ratio_side_ns) {
      if (const auto speedup = ratio_of_intervals(*sequential->ratio_side_ns, *own->ratio_side_ns, interval_level)) {
        out["speedup_interval"] = {speedup->low, speedup->high};
        const auto cpus = context_.find("usable_cpus");
        if (entry.fields.value("workload", "") == "cpu" && cpus != context_.end() && cpus->is_number() &&
            speedup->low > cpus->get<double>()) {
          errors.push_back("its speedup interval [" + figure(speedup->low) + ", " + figure(speedup->high) +
                           "] lies above P = " + figure(cpus->get<double>()) +
                           ", which a CPU-bound entry cannot beat: the machine was not in the same state for "
                           "this entry and the sequential one");
        }
      }
    }
  }
  if (!errors.empty()) {
    std::string sentence = "Measurement error: " + errors.front();
    for (std::size_t i = 1; i < errors.size(); ++i) sentence += "; and " + errors[i];
    out["measurement_error"] = sentence + ".";
  }
  if (statistic == the_lead_estimator.name) {
    const auto precision = context_.find("precision");
    if (precision != context_.end() && precision->is_object() && precision->contains("target_pct") &&
        precision->at("target_pct").is_number()) {
      const double target = precision->at("target_pct").get<double>();
      if (!out.contains("half_width_pct") || out.at("half_width_pct").get<double>() > target) out["imprecise"] = true;
    }
  }
}

nlohmann::json report_document::with_derived_fields(const nlohmann::json& fields, const entry_metadata& entry) const {
  nlohmann::json out = fields;
  out["name"] = fields.value("run_type", "iteration") == "aggregate"
                    ? entry.name + "_" + fields.value("aggregate_name", "")
                    : entry.name;
  out["run_name"] = entry.name;
  for (const auto& [key, value] : entry.fields.items()) out[key] = value;
  // The entry's verdict on every one of its rows, once two repetitions are measured.
  const auto& indexed = summarised(*rows_of_entry(entry.name));
  if (indexed.stability) out["stability"] = stability_json(*indexed.stability);
  // Below `repetitions` when some failed or the run was interrupted (with random interleaving
  // an interrupted run leaves many entries partly measured): the aggregates rest on these only.
  out["measured_repetitions"] = indexed.iteration_ns.size();
  const auto statistic = statistic_of(fields);
  if (statistic == "iteration" && fields.contains("repetition_index") && !fields.contains("run_position")) {
    const auto index = fields.at("repetition_index").get<long long>();
    if (index >= 0 && static_cast<std::size_t>(index) < entry.run_positions.size()) {
      out["run_position"] = entry.run_positions[static_cast<std::size_t>(index)];
    }
  }

  // Rows without a time unit (cv, a fraction) carry no times to compare with.
  if (!fields.contains("time_unit")) return out;
  const std::string unit = fields.at("time_unit");
  const double unit_ns = nanoseconds_per(unit);
  std::optional<double> ideal_ns = entry.ideal_ns;
  std::optional<double> bound_ns = entry.bound_ns;
  if (!entry.ideal_entry.empty()) {
    // Not measured (yet, or filtered out): the rows carry no ideal rather than a made-up one.
    ideal_ns = bound_ns = entry_statistic(entry.ideal_entry, "median", "ns");
  }
  if (ideal_ns) out["ideal"] = *ideal_ns / unit_ns;
  if (bound_ns) out["bound"] = *bound_ns / unit_ns;

  const bool is_quantile_row = statistic == "median" || statistic == the_lead_estimator.name;
  const bool is_time_row = statistic == "iteration" || statistic == "mean" || is_quantile_row;
  // The probe batch's figures are the entry's, not a repetition's: the same on each of the rows
  // Google Benchmark has always had for time (the lead's row leaves them to the median's).
  if ((statistic == "iteration" || statistic == "mean" || statistic == "median") && entry.entry_figures.is_object()) {
    for (const auto& [key, value] : entry.entry_figures.items()) out[key] = value;
  }
  if (!is_time_row || is_failed(fields)) return out;
  const double time = fields.at("real_time").get<double>();
  if (time > 0 && ideal_ns && *ideal_ns > 0) out["efficiency"] = *ideal_ns / unit_ns / time;

  // Speedup over the sequential entry that ran the same batch: an iteration row against
  // its median, an aggregate against the same aggregate.
  if (const auto sequential_entry = sequential_by_key_.find(entry.comparison_key);
      sequential_entry != sequential_by_key_.end()) {
    const auto sequential =
        entry_statistic(sequential_entry->second, statistic == "iteration" ? "median" : statistic, unit);
    if (sequential && time > 0) out["speedup"] = *sequential / time;
  }
  if (is_quantile_row) add_interval_fields(out, statistic, entry, ideal_ns, unit_ns);
  return out;
}

std::vector<nlohmann::json> report_document::rows_of(const std::string& entry_name) const {
  std::vector<nlohmann::json> rows;
  if (const auto* entry = rows_of_entry(entry_name)) {
    for (const std::size_t index : entry->rows)
      rows.push_back(with_derived_fields(rows_[index].fields, *rows_[index].entry));
    const auto& metadata = *rows_[entry->rows.front()].entry;
    for (const auto& aggregate : summarised(*entry).aggregates)
      rows.push_back(with_derived_fields(aggregate, metadata));
  }
  return rows;
}

std::size_t report_document::row_count() const {
  std::size_t count = rows_.size();
  for (const auto& [name, entry] : entries_) count += summarised(entry).aggregates.size();
  return count;
}

nlohmann::json report_document::report(bool complete, const std::string& timelines_file) const {
  nlohmann::json benchmarks = nlohmann::json::array();
  for (std::size_t index = 0; index < rows_.size(); ++index) {
    const auto& r = rows_[index];
    benchmarks.push_back(with_derived_fields(r.fields, *r.entry));
    const auto& entry = *rows_of_entry(r.entry->name);
    if (entry.rows.back() != index) continue;
    for (const auto& aggregate : summarised(entry).aggregates)
      benchmarks.push_back(with_derived_fields(aggregate, *r.entry));
  }
  nlohmann::json context = context_;
  // The rows this report holds: Google Benchmark's count would include the aggregates dropped
  // here and miss the lead's.
  if (context.contains("report_writer") && context.at("report_writer").is_object()) {
    context["report_writer"]["rows"] = benchmarks.size();
  }
  nlohmann::json document = {{"context", std::move(context)},
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
