#pragma once
// The report as data: Google Benchmark's rows joined with concbench's entry fields, and the
// derived figures (ideal, bound, efficiency, speedup) computed over everything collected so
// far. Pure: no Google Benchmark types, no files, so it is tested directly.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "reports/entry_metadata.hpp"

namespace concbench {

// 2: the context's report_writer and fork_server_lost (reports/report.schema.json).
inline constexpr int concbench_schema_version = 2;

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
  explicit report_document(nlohmann::json context);

  // Sets (or replaces) top-level context keys, e.g. the machine's state at the end of the run.
  void update_context(const nlohmann::json& keys);

  // One Google Benchmark row (its JSON fields, `name` already the grammar name or its
  // aggregate form) of the entry `entry`.
  void add_row(nlohmann::json row, std::shared_ptr<const entry_metadata> entry);

  // The whole report. `complete` is false until the run has ended.
  nlohmann::json report(bool complete, const std::string& timelines_file) const;
  // The sibling timeline file's content.
  nlohmann::json timelines(const std::string& report_file) const;

  // The rows of one entry as they appear in the report (with derived fields).
  std::vector<nlohmann::json> rows_of(const std::string& entry_name) const;

 private:
  struct row {
    nlohmann::json fields;
    std::shared_ptr<const entry_metadata> entry;
  };
  // What the derived fields need of one entry, kept up to date as its rows arrive, so that
  // rewriting the report costs time in proportion to its rows (a scan of every row for every
  // row made 2,000 repetitions take 16 s a rewrite).
  struct entry_rows {
    std::vector<std::size_t> rows;                     // indices into rows_, in arrival order
    std::vector<double> iteration_ns;                  // the measured (not failed) iteration rows' times
    std::map<std::string, double> first_aggregate_ns;  // by aggregate name, the first reported
    // Derived from iteration_ns, recomputed only after it changed.
    mutable bool summary_stale = true;
    mutable std::optional<stability_verdict> stability;
    mutable std::optional<double> median_ns, mean_ns;
  };
  const entry_rows* rows_of_entry(const std::string& entry_name) const;
  const entry_rows& summarised(const entry_rows& entry) const;
  nlohmann::json with_derived_fields(const row& r) const;
  // A time statistic ("mean", "median") of an entry in `unit`: its aggregate row when it has
  // one, else computed from its iteration rows (one repetition has no aggregates).
  std::optional<double> entry_statistic(const std::string& entry_name, const std::string& statistic,
                                        const std::string& unit) const;

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
