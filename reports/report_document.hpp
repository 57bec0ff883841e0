#pragma once
// The report as data: Google Benchmark's rows joined with concbench's entry fields, and the
// derived figures (ideal, bound, efficiency, speedup) computed over everything collected so
// far. Pure: no Google Benchmark types, no files, so it is tested directly.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "entry_metadata.hpp"

namespace concbench {

inline constexpr int concbench_schema_version = 1;

class report_document {
 public:
  explicit report_document(nlohmann::json context);

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
  nlohmann::json with_derived_fields(const row& r) const;
  // A time statistic ("mean", "median") of an entry in `unit`; falls back to the iteration
  // rows when the entry has no aggregates (one repetition).
  std::optional<double> entry_statistic(const std::string& entry_name, const std::string& statistic,
                                        const std::string& unit) const;

  nlohmann::json context_;
  std::vector<row> rows_;
};

// Nanoseconds in one Google Benchmark time unit ("ns", "us", "ms", "s").
double nanoseconds_per(const std::string& time_unit);

// Replaces non-finite numbers (NaN, inf) with null, anywhere in `value`.
void replace_non_finite(nlohmann::json& value);

}  // namespace concbench
