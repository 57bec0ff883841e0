#pragma once
// How concbench drives its rounds, as pure functions and one planner with no Google Benchmark
// and no clock in it (the driver, benchmarks/rounds.cpp, hands it what it measured), so that the
// stopping rule, the budget and the seeded order are tested on synthetic samples:
// - a round runs every still-active entry once, in an order drawn from a generator seeded by
//   --seed (the same seed gives the same order, row by row);
// - after each round an entry with enough repetitions for a 95 % interval of the lead
//   estimator stops once that interval's half-width is within --precision of its estimate;
// - past its floor, a round carries an entry only if what it still needs (forecast from its
//   spread, precision_forecast) fits what is left of --budget beside the entries cheaper to
//   finish; rounds stop when every entry has stopped, when none fits, or at a cap;
//   --benchmark_repetitions=N runs exactly N rounds;
// - before the first round, if even the minimum repetitions of every entry do not fit the
//   budget, the lowest-priority entries (the suites declare the order) are not run.

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks/cli/lead_statistics.hpp"

namespace concbench {

// Beyond this many rounds an entry that has not reached the precision will not reach it on
// this machine (its spread is the machine's), and the report says it is imprecise.
inline constexpr int default_max_rounds = 200;

struct round_settings {
  std::optional<double> precision_pct;   // adaptive: the lead interval's half-width, % of the estimate
  std::optional<double> budget_seconds;  // the run's wall time
  double spent_before_seconds = 0;       // of it, what the run took before the rounds (calibration, servers)
  std::optional<int> fixed_rounds;       // --benchmark_repetitions: exactly this many, no precision stop
  int max_rounds = default_max_rounds;
  std::uint64_t seed = 0;
  bool shuffle = true;  // --interleaving=off: registration order every round
};

// The repetitions every entry is planned for before the stopping rule can judge it: the fixed
// count, else the fewest samples that can give the lead estimator a 95 % interval.
int minimum_repetitions(const round_settings& settings);

// The repetitions every entry a budget keeps gets before the budget may end it: six, the fewest
// that give a median its 95 % interval, so every median row of a budgeted run has one. The
// budget's cut and --list plan for this many. The lead (p25) interval needs 11
// (min_samples_for_interval); an entry that ends below that says so in its rows.
inline constexpr int floor_repetitions = 6;

// The fewest repetitions at which an entry may stop as precise: enough for its lead interval
// and for its speedup's, a ratio of two lead figures whose intervals each need 97.5 % (13
// samples for p25, where the lead interval alone needs 11), so that a precise entry's speedup
// over a precise baseline has its interval.
int precise_minimum();

// The lead estimate of an entry's samples and its 95 % interval when their count can give one.
struct lead_figure {
  double estimate = 0;
  std::optional<estimate_interval> interval;
  int samples = 0;
  // The interval's half-width as a percentage of the estimate, when there is an interval.
  std::optional<double> half_width_pct() const;
};
std::optional<lead_figure> lead_of(std::span<const double> samples);
// Whether `samples` are at least precise_minimum() and give a lead interval within
// `precision_pct` % of the estimate.
bool reaches_precision(std::span<const double> samples, double precision_pct);

// How many repetitions an entry needs before its lead interval is within a precision,
// forecast from the samples it has. The interval of n samples is the pair of order statistics
// [x(j), x(k)] whose ranks depend on n alone; read at the same fractions of the present
// samples' distribution (their quantiles (j-1)/(n-1) and (k-1)/(n-1)) it is the interval this
// entry's spread would give at n. This reads the spread near the lead quantile: extrapolating
// today's half-width by 1/sqrt(n) instead reads, at a few samples, the interval's ends, which
// are then the fastest and slowest repetitions, and asks hundreds of repetitions of an entry
// that needs thirty.
class precision_forecast {
 public:
  explicit precision_forecast(int max_repetitions);
  // The fewest repetitions, more than `samples` has and at least precise_minimum(),
  // whose forecast half-width is within `precision_pct` % of the lead estimate; nullopt when
  // none up to max_repetitions is, or there are no samples.
  std::optional<int> repetitions_needed(std::span<const double> samples, double precision_pct) const;

 private:
  std::vector<std::optional<order_statistic_ranks>> ranks_;  // of the lead interval, by sample count
};

// The order of each round. Fisher-Yates over draws taken by rejection from std::mt19937_64's
// raw output: both the generator's sequence and this use of it are fixed by the standard
// (std::shuffle and std::uniform_int_distribution are not), so a seed replays the same order
// with any standard library.
class round_order {
 public:
  round_order(std::uint64_t seed, bool shuffle) : generator_(seed), shuffle_(shuffle) {}
  // `active` (indices in registration order) in this round's order.
  std::vector<std::size_t> next(std::vector<std::size_t> active);

 private:
  std::uint64_t below(std::uint64_t bound);
  std::mt19937_64 generator_;
  bool shuffle_;
};

// What the budget buys before anything runs: for each entry (in registration order) its
// priority (0 first) and the estimated seconds of its minimum repetitions. The entries kept
// are the longest run of the priority order (priority, then registration order) whose total
// fits: a cheaper entry after one that does not fit is cut too, since keeping it could run an
// entry without the sequential baseline its speedup divides by. True for an entry kept.
// Without a budget every entry is kept.
std::vector<bool> entries_within_budget(std::span<const int> priorities, std::span<const double> seconds,
                                        std::optional<double> budget_seconds);

// The share of a budget that the entries' minimum repetitions may take when there is a
// precision target; the rest is left for the rounds that narrow the intervals.
inline constexpr double minimum_budget_share = 0.75;

// Draws up the rounds from what each repetition measured.
class round_planner {
 public:
  struct planned_entry {
    int priority = 0;
    double first_repetition_seconds = 0;  // its estimate, warm-up and other once-only work included
    double repetition_seconds = 0;        // each later one
    double minimum_seconds = 0;           // its minimum repetitions (the budget's cut)
  };
  // out_of_budget: it ran, then left the rounds when they no longer fitted the budget.
  enum class entry_state { active, precise, failed, not_run, out_of_budget };
  enum class stop_reason { none, every_entry_done, budget, max_rounds, fixed_rounds };

  round_planner(std::vector<planned_entry> entries, round_settings settings);

  // The next round's entries in their order, or nullopt when the rounds are over
  // (stop_reason() says why). `elapsed_seconds`: the rounds' time so far.
  std::optional<std::vector<std::size_t>> next_round(double elapsed_seconds);
  // A repetition of `entry` ended: its sample (nullopt when it failed or was interrupted,
  // which ends the entry) and the wall time it took, untimed work included.
  void repetition_done(std::size_t entry, std::optional<double> sample, double wall_seconds);
  // The round ended after `round_seconds`: the stopping rule judges every active entry.
  // Returns the entries that stopped with this round (precise or failed), for their lines.
  std::vector<std::size_t> round_done(double round_seconds);

  entry_state state(std::size_t entry) const { return entries_.at(entry).state; }
  std::span<const double> samples(std::size_t entry) const { return entries_.at(entry).samples; }
  std::vector<std::size_t> not_run() const;
  std::size_t size() const { return entries_.size(); }
  std::size_t entries_run() const { return entries_.size() - not_run().size(); }
  int rounds() const { return rounds_; }
  // Entries that reached the precision (0 without a target).
  int reached() const;
  stop_reason why_stopped() const { return stop_; }
  // The estimate of the next round: each active entry's median repetition (its untimed work
  // included), plus what the last round took outside the entries.
  double next_round_seconds() const;
  const round_settings& settings() const { return settings_; }

 private:
  struct entry_track {
    planned_entry plan;
    entry_state state = entry_state::active;
    std::vector<double> samples;
    std::vector<double> wall_seconds;
    bool failed_now = false;
  };
  double entry_seconds(const entry_track& entry) const;
  // The repetitions `entry` still asks for, and whether they take it to the precision (else
  // they only narrow its figures).
  std::pair<int, bool> repetitions_wanted(const entry_track& entry) const;

  std::vector<entry_track> entries_;
  round_settings settings_;
  round_order order_;
  precision_forecast forecast_;
  int rounds_ = 0;
  double round_overhead_seconds_ = 0;
  double walls_this_round_ = 0;
  stop_reason stop_ = stop_reason::none;
};

// "the next round would not fit in the budget", ... : why the rounds ended, for the closing line.
std::string describe(round_planner::stop_reason reason);

}  // namespace concbench
