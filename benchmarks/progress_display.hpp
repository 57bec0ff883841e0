#pragma once
// One readable line per finished entry: [k/n] name, median time and spread, speedup,
// efficiency, "noisy: cv 5.2 %" when the repetitions were unsteady; or the error that failed
// it; and the time the run has left.

#include <chrono>
#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "entry_metadata.hpp"

namespace concbench {

class progress_display {
 public:
  // `estimated_seconds`: each entry's --list estimate, by name (entries missing count as 0).
  progress_display(std::ostream& out, std::size_t total_entries, std::map<std::string, double> estimated_seconds = {});
  void entry_done(const entry_metadata& entry, const std::vector<nlohmann::json>& rows);

  // The estimate of what is left, scaled by how this run's finished entries compared with
  // their estimates (a slower machine than the nominal constants assume takes longer).
  double seconds_left() const;

 private:
  std::ostream& out_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::map<std::string, double> estimated_seconds_;
  double estimated_total_ = 0;
  double estimated_done_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// "45 s", "3 min 20 s", "1 h 05 min".
std::string format_time_left(double seconds);

// The line for one entry (without the [k/n] prefix), from its report rows.
std::string describe_entry_result(const std::vector<nlohmann::json>& rows);

// "12.3 ms", "3.41 s", "870 us": a time in ns with three significant digits.
std::string format_duration_ns(double ns);

}  // namespace concbench
