#pragma once
// One readable line per finished entry: [k/n] name, median time and spread, speedup,
// efficiency; or the error that failed it.

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "entry_metadata.hpp"

namespace concbench {

class progress_display {
 public:
  progress_display(std::ostream& out, std::size_t total_entries);
  void entry_done(const entry_metadata& entry, const std::vector<nlohmann::json>& rows);

 private:
  std::ostream& out_;
  std::size_t total_;
  std::size_t done_ = 0;
};

// The line for one entry (without the [k/n] prefix), from its report rows.
std::string describe_entry_result(const std::vector<nlohmann::json>& rows);

// "12.3 ms", "3.41 s", "870 us": a time in ns with three significant digits.
std::string format_duration_ns(double ns);

}  // namespace concbench
