#pragma once
// The report as data: Google Benchmark's iteration rows joined with concbench's entry fields,
// the aggregate rows made from them (Google Benchmark's own are dropped), and the derived
// figures (ideal, bound, efficiency, speedup, their intervals) computed over everything
// collected so far. Pure: no Google Benchmark types, no files, so it is tested directly.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "reports/entry_metadata.hpp"
#include "reports/statistics/order_statistics.hpp"

namespace concbench {

// 2: the context's report_writer and fork_server_lost. 3: concbench makes the aggregate rows
// itself, adds the lead estimator's row (p25), intervals on the median and lead rows, and the
// context's lead_estimator and interval_level (reports/report.schema.json).
inline constexpr int concbench_schema_version = 4;

// How steady an entry's repetitions were (the `stability` field of its rows): the coefficient
// of variation (sample standard deviation / mean, as Google Benchmark's cv), and the outliers
// by median absolute deviation: |x − median| > 3 × 1.4826 × MAD (none when MAD is 0, where
// the rule cannot tell). Noisy when cv > 3 %.
inline constexpr double noisy_cv = 0.03;
struct stability_verdict {
  double cv = 0;
  int outliers = 0;
  int repetitions = 0;
  bool noisy() const { return cv > noisy_cv; }
};
// Nullopt with fewer than two times (or a mean that is not positive).
std::optional<stability_verdict> stability_of(std::span<const double> times);
// {"cv": 0.012, "outliers": 1, "repetitions": 5, "verdict": "stable" | "noisy"}
nlohmann::json stability_json(const stability_verdict& verdict);

class report_document {
 public:
  // Adds the context's lead_estimator and interval_level.
  explicit report_document(nlohmann::json context);

  // Sets (or replaces) top-level context keys, e.g. the machine's state at the end of the run.
  void update_context(const nlohmann::json& keys);

  // One Google Benchmark row (its JSON fields, `name` already the grammar name or its
  // aggregate form) of the entry `entry`. Google Benchmark's aggregate rows are dropped: the
  // document makes an entry's aggregates from its iteration rows (aggregate_rows_of), so they
  // are the same whether the repetitions came from one Google Benchmark run or from many.
  void add_row(nlohmann::json row, std::shared_ptr<const entry_metadata> entry);

  // The whole report. `complete` is false until the run has ended. Each entry's aggregate rows
  // follow its last iteration row, as Google Benchmark places its own.
  nlohmann::json report(bool complete, const std::string& timelines_file) const;
  // The sibling timeline file's content.
  nlohmann::json timelines(const std::string& report_file) const;

  // The rows of one entry as they appear in the report (with derived fields).
  std::vector<nlohmann::json> rows_of(const std::string& entry_name) const;
  // How many rows the report holds.
  std::size_t row_count() const;

 private:
  struct row {
    nlohmann::json fields;
    std::shared_ptr<const entry_metadata> entry;
  };
  // A quantile of an entry's measured times, in ns: the estimate, its interval at
  // interval_level, and its interval at the level each side of a ratio needs.
  struct quantile_summary {
    std::size_t samples = 0;
    double estimate_ns = 0;
    std::optional<estimate_interval> interval_ns, ratio_side_ns;
  };
  // What the derived fields need of one entry, kept up to date as its rows arrive, so that
  // rewriting the report costs time in proportion to its rows (a scan of every row for every
  // row made 2,000 repetitions take 16 s a rewrite).
  struct entry_rows {
    std::vector<std::size_t> rows;     // its iteration rows: indices into rows_, in arrival order
    std::vector<double> iteration_ns;  // the measured (not failed) iteration rows' times
    // Derived from its rows, recomputed only after one arrived.
    mutable bool summary_stale = true;
    mutable std::optional<stability_verdict> stability;
    mutable std::optional<double> mean_ns;
    mutable std::optional<quantile_summary> median, lead;
    // The aggregate rows' own fields (as Google Benchmark would send them, plus the intervals
    // that rest on this entry alone); empty below two measured repetitions.
    mutable std::vector<nlohmann::json> aggregates;
  };
  const entry_rows* rows_of_entry(const std::string& entry_name) const;
  const entry_rows& summarised(const entry_rows& entry) const;
  std::vector<nlohmann::json> aggregate_rows_of(const entry_rows& entry) const;
  nlohmann::json with_derived_fields(const nlohmann::json& fields, const entry_metadata& entry) const;
  void add_interval_fields(nlohmann::json& out, const std::string& statistic, const entry_metadata& entry,
                           std::optional<double> ideal_ns, double unit_ns) const;
  // A time statistic ("mean", "median", the lead's name) of an entry in `unit`, from its
  // measured iteration rows.
  std::optional<double> entry_statistic(const std::string& entry_name, const std::string& statistic,
                                        const std::string& unit) const;
  const quantile_summary* entry_quantile(const std::string& entry_name, const std::string& statistic) const;

  nlohmann::json context_;
  std::vector<row> rows_;
  std::map<std::string, entry_rows> entries_;
  // The first sequential entry of each comparison key to report a row: the speedups' reference.
  std::map<std::string, std::string> sequential_by_key_;
};

// Nanoseconds in one Google Benchmark time unit ("ns", "us", "ms", "s").
double nanoseconds_per(const std::string& time_unit);

// Replaces non-finite numbers (NaN, inf) with null, anywhere in `value`.
void replace_non_finite(nlohmann::json& value);

}  // namespace concbench
