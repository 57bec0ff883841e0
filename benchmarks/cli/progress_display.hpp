#pragma once
// What a person watching a run sees, built from concbench's own calls as each repetition ends:
// - the repetitions: how far the run is (the round, repetitions done, and of a fixed count the
//   total), what just ran (the entry, its repetition and its lead estimate with its interval
//   once it has one: "24.1 ms [23.8, 24.6]") and the time left (of a fixed count) or the
//   budget used. On a terminal one status line rewritten in place; in a log (not a terminal) a
//   line for the first and the last repetition and at most one every `log_every_seconds`
//   between them, so a 5-minute run of 650 repetitions stays readable.
// - one line per entry, when it stops (its interval reached the precision, it failed, or the
//   rounds ended): [k/n] name, its lead estimate and interval, median time and spread,
//   speedup, efficiency, "noisy: cv 5.2 %" when the repetitions were unsteady; or the error
//   that failed it; "incomplete" when the run was stopped after some of its repetitions; and
//   the time the run has left. A line that shows a comparison (speedup over the sequential
//   entry, a start-up's floor) waits until the entry it compares with is done too, so that the
//   comparison is on it; lines still waiting at the end are printed by finish().

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "reports/entry_metadata.hpp"

namespace concbench {

class progress_display {
 public:
  // What the display knows of each entry before the run.
  struct planned_entry {
    std::string name;
    double estimated_seconds = 0;        // its --list estimate
    std::vector<std::string> waits_for;  // entries its line compares with (see above)
  };
  struct settings {
    int repetitions = 1;              // of every entry; 0: as many as the precision asks (within the budget)
    double budget_seconds = 0;        // with repetitions 0: the run's budget
    double spent_before_seconds = 0;  // of it, what the run took before the rounds began
    int terminal_width = 0;           // > 0: a terminal of that width, one status line in place
    double log_every_seconds = 10;    // not a terminal: the most frequent repetition line
  };
  // An entry's report rows as they are now (with derived fields such as speedup).
  using rows_source = std::function<std::vector<nlohmann::json>(const std::string& entry_name)>;

  progress_display(std::ostream& out, std::vector<planned_entry> entries, settings how);
  // Where a waiting line gets its rows when it is finally printed (else the rows it came with).
  void set_rows_source(rows_source rows) { rows_ = std::move(rows); }

  // A repetition of `entry_name` ended (measured or not); `lead`: its lead estimate so far
  // ("p25 24.1 ms [23.8, 24.6]"), or empty.
  void repetition_done(const std::string& entry_name, const std::string& lead = "");
  // The round that runs next (from 0).
  void set_round(int round) { round_ = round; }
  // The entry stopped: all its repetitions are done.
  void entry_done(const entry_metadata& entry, const std::vector<nlohmann::json>& rows);
  // The run ended: prints the lines still waiting and clears the status line.
  void finish();

  // The estimate of what is left, scaled by how this run's finished repetitions compared with
  // their estimates (a slower machine than the nominal constants assume takes longer).
  double seconds_left() const;

 private:
  struct entry_state {
    planned_entry plan;
    int repetitions_done = 0;
    bool done = false;     // reported by Google Benchmark
    bool printed = false;  // its line is out
    std::vector<nlohmann::json> rows;
  };
  void print_ready_lines();
  void print_entry_line(entry_state& entry);
  std::string status_text(const entry_state& last, const std::string& lead) const;
  void show_status(const std::string& text);
  void clear_status();

  std::ostream& out_;
  settings settings_;
  std::map<std::string, entry_state> entries_;
  std::vector<std::string> order_;  // entries in plan order, for the lines printed by finish()
  rows_source rows_;
  std::size_t lines_printed_ = 0;
  std::size_t entries_done_ = 0;
  long long repetitions_done_ = 0;
  long long repetitions_total_ = 0;
  double estimated_total_ = 0;
  double estimated_done_ = 0;
  bool status_shown_ = false;
  std::string last_status_;  // what the terminal's status line says
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_logged_{};
  int round_ = 0;
};

// For each entry, the entries of the same run whose results its line shows: the sequential
// entry of the same batch (speedup) and a start-up entry's floor (ideal_entry).
std::map<std::string, std::vector<std::string>> line_dependencies(const std::vector<const entry_metadata*>& entries);

// "45 s", "3 min 20 s", "1 h 05 min".
std::string format_time_left(double seconds);

// The line for one entry (without the [k/n] prefix), from its report rows.
std::string describe_entry_result(const std::vector<nlohmann::json>& rows);

// "12.3 ms", "3.41 s", "870 us": a time in ns with three significant digits.
std::string format_duration_ns(double ns);

// "24.1 ms [23.8, 24.6]": an estimate in ns and its interval, in the estimate's unit; without
// an interval, the estimate alone.
std::string format_estimate_ns(double estimate_ns, std::optional<std::pair<double, double>> interval_ns);

}  // namespace concbench
