#include "benchmarks/entries/round_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "workloads/median.hpp"

namespace concbench {

int minimum_repetitions(const round_settings& settings) {
  if (settings.fixed_rounds) return *settings.fixed_rounds;
  return floor_repetitions;
}

int precise_minimum() {
  static const int minimum = std::max(min_samples_for_interval(lead_quantile(), driver_interval_level),
                                      min_samples_for_interval(lead_quantile(), per_side_level(driver_interval_level)));
  return minimum;
}

std::optional<double> lead_figure::half_width_pct() const {
  if (!interval || !(estimate > 0)) return std::nullopt;
  return 100 * relative_half_width(*interval, estimate);
}

std::optional<lead_figure> lead_of(std::span<const double> samples) {
  if (samples.empty()) return std::nullopt;
  lead_figure figure;
  figure.samples = static_cast<int>(samples.size());
  figure.estimate = quantile_estimate(samples, lead_quantile());
  figure.interval = quantile_interval(samples, lead_quantile(), driver_interval_level);
  return figure;
}

bool reaches_precision(std::span<const double> samples, double precision_pct) {
  if (static_cast<int>(samples.size()) < precise_minimum()) return false;
  const auto figure = lead_of(samples);
  if (!figure) return false;
  const auto half_width = figure->half_width_pct();
  return half_width && *half_width <= precision_pct;
}

std::uint64_t round_order::below(std::uint64_t bound) {
  // The largest multiple of `bound` the generator can reach: draws at or above it are drawn
  // again, so every value below `bound` is equally likely.
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t limit = max - max % bound;
  while (true) {
    const std::uint64_t draw = generator_();
    if (draw < limit) return draw % bound;
  }
}

std::vector<std::size_t> round_order::next(std::vector<std::size_t> active) {
  if (!shuffle_) return active;
  for (std::size_t i = active.size(); i > 1; --i) {
    std::swap(active[i - 1], active[static_cast<std::size_t>(below(i))]);
  }
  return active;
}

precision_forecast::precision_forecast(int max_repetitions) {
  ranks_.resize(static_cast<std::size_t>(std::max(max_repetitions, 0)) + 1);
  for (int n = 2; n <= max_repetitions; ++n) {
    ranks_[static_cast<std::size_t>(n)] = quantile_interval_ranks(n, lead_quantile(), driver_interval_level);
  }
}

std::optional<int> precision_forecast::repetitions_needed(std::span<const double> samples, double precision_pct) const {
  if (samples.empty()) return std::nullopt;
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  const double estimate = quantile_estimate_sorted(sorted, lead_quantile());
  if (!(estimate > 0)) return std::nullopt;
  const int first = std::max(static_cast<int>(sorted.size()) + 1, precise_minimum());
  for (int n = first; n < static_cast<int>(ranks_.size()); ++n) {
    const auto& ranks = ranks_[static_cast<std::size_t>(n)];
    if (!ranks) continue;
    const estimate_interval forecast{quantile_estimate_sorted(sorted, (ranks->low - 1.0) / (n - 1)),
                                     quantile_estimate_sorted(sorted, (ranks->high - 1.0) / (n - 1)),
                                     driver_interval_level};
    if (100 * relative_half_width(forecast, estimate) <= precision_pct) return n;
  }
  return std::nullopt;
}

std::vector<bool> entries_within_budget(std::span<const int> priorities, std::span<const double> seconds,
                                        std::optional<double> budget_seconds) {
  std::vector<bool> kept(priorities.size(), true);
  if (!budget_seconds) return kept;
  std::vector<std::size_t> by_priority(priorities.size());
  std::iota(by_priority.begin(), by_priority.end(), 0);
  std::stable_sort(by_priority.begin(), by_priority.end(),
                   [&](std::size_t a, std::size_t b) { return priorities[a] < priorities[b]; });
  double total = 0;
  bool full = false;
  for (const auto i : by_priority) {
    full = full || total + seconds[i] > *budget_seconds;
    if (full) {
      kept[i] = false;
    } else {
      total += seconds[i];
    }
  }
  return kept;
}

round_planner::round_planner(std::vector<planned_entry> entries, round_settings settings)
    : settings_(settings),
      order_(settings.seed, settings.shuffle),
      // Only a precision target asks for forecasts; a fixed count may be any size.
      forecast_(settings.precision_pct ? settings.max_rounds : 0) {
  std::vector<int> priorities;
  std::vector<double> seconds;
  for (auto& entry : entries) {
    priorities.push_back(entry.priority);
    seconds.push_back(entry.minimum_seconds);
    entry_track track;
    track.plan = entry;
    entries_.push_back(std::move(track));
  }
  // With a precision target, the minimum repetitions may take only part of the budget: the rest
  // is for the rounds that chase the precision, which is what the budget is for.
  // The cut plans on nominal estimates, as --list does (which calibrates nothing), so both keep
  // the same entries; what calibration took comes out of the rounds that follow the floor.
  auto minimum_budget = settings_.budget_seconds;
  if (minimum_budget && settings_.precision_pct) *minimum_budget *= minimum_budget_share;
  const auto kept = entries_within_budget(priorities, seconds, minimum_budget);
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (!kept[i]) entries_[i].state = entry_state::not_run;
  }
}

double round_planner::entry_seconds(const entry_track& entry) const {
  if (entry.wall_seconds.empty()) {
    return entry.samples.empty() ? entry.plan.first_repetition_seconds : entry.plan.repetition_seconds;
  }
  // The first repetition carries the once-only work (warm-up, probe): the later ones tell
  // what the next costs, as soon as there is one.
  if (entry.wall_seconds.size() == 1) return entry.wall_seconds.front();
  return median({entry.wall_seconds.begin() + 1, entry.wall_seconds.end()});
}

std::pair<int, bool> round_planner::repetitions_wanted(const entry_track& entry) const {
  if (!settings_.precision_pct) return {1, false};
  const auto have = static_cast<int>(entry.samples.size());
  if (const auto needed = forecast_.repetitions_needed(entry.samples, *settings_.precision_pct)) {
    return {*needed - have, true};
  }
  if (have < precise_minimum()) return {precise_minimum() - have, false};
  return {1, false};
}

double round_planner::next_round_seconds() const {
  double total = round_overhead_seconds_;
  for (const auto& entry : entries_) {
    if (entry.state == entry_state::active) total += entry_seconds(entry);
  }
  return total;
}

std::optional<std::vector<std::size_t>> round_planner::next_round(double elapsed_seconds) {
  if (stop_ != stop_reason::none) return std::nullopt;
  std::vector<std::size_t> active;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].state == entry_state::active) active.push_back(i);
  }
  if (active.empty()) {
    stop_ = stop_reason::every_entry_done;
  } else if (settings_.fixed_rounds) {
    if (rounds_ >= *settings_.fixed_rounds) stop_ = stop_reason::fixed_rounds;
  } else if (rounds_ >= settings_.max_rounds) {
    stop_ = stop_reason::max_rounds;
  } else if (rounds_ > 0 && settings_.budget_seconds) {
    // The first round always runs: the cut before it already fitted the minimum to the budget.
    // After it, every round the budget left goes where it makes the most entries precise. An
    // entry below floor_repetitions always stays: the cut planned the floor for every entry it
    // kept, so a machine slower than the nominal estimates overruns the budget by the floor's
    // rounds rather than leave entries with fewer. Every other entry is costed by the
    // repetitions it still asks for (repetitions_wanted) times its repetition's wall time, and
    // they are kept in this order while their whole cost fits what is left: first those that
    // the forecast says reach the precision, in the suite's priority order (the tutorials'
    // experiments first) and cheapest first within a priority; then the others, cheapest first,
    // with what those need not: one short of the repetitions a speedup interval needs costed to
    // them, any other a round at a time. Spending the last minutes on a few more repetitions of everything would leave
    // every entry short of the target. An entry not kept sits this round out; it runs again if
    // an entry kept reaches the precision sooner than forecast and frees the time.
    const double left = *settings_.budget_seconds - settings_.spent_before_seconds - elapsed_seconds;
    double committed = round_overhead_seconds_;
    struct candidate {
      bool reaches;
      int priority;
      double seconds;
      std::size_t entry;
    };
    std::vector<candidate> candidates;
    std::vector<std::size_t> kept;
    for (const auto i : active) {
      const auto& entry = entries_[i];
      if (static_cast<int>(entry.samples.size()) < floor_repetitions) {
        kept.push_back(i);
        committed += entry_seconds(entry);
        continue;
      }
      const auto [repetitions, reaches] = repetitions_wanted(entry);
      candidates.push_back({reaches, entry.plan.priority, repetitions * entry_seconds(entry), i});
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const candidate& a, const candidate& b) {
      if (a.reaches != b.reaches) return a.reaches;
      if (a.reaches && a.priority != b.priority) return a.priority < b.priority;
      return a.seconds < b.seconds;
    });
    for (const auto& c : candidates) {
      if (committed + c.seconds <= left) {
        kept.push_back(c.entry);
        committed += c.seconds;
      }
    }
    if (kept.empty()) {
      stop_ = stop_reason::budget;
      for (const auto i : active) entries_[i].state = entry_state::out_of_budget;
    }
    // Back to registration order: the round's own order comes from the seeded shuffle.
    std::sort(kept.begin(), kept.end());
    active = std::move(kept);
  }
  if (stop_ != stop_reason::none) return std::nullopt;
  walls_this_round_ = 0;
  return order_.next(std::move(active));
}

void round_planner::repetition_done(std::size_t entry, std::optional<double> sample, double wall_seconds) {
  auto& track = entries_.at(entry);
  track.wall_seconds.push_back(wall_seconds);
  walls_this_round_ += wall_seconds;
  if (sample) {
    track.samples.push_back(*sample);
  } else if (track.state == entry_state::active) {
    track.state = entry_state::failed;
    track.failed_now = true;
  }
}

std::vector<std::size_t> round_planner::round_done(double round_seconds) {
  ++rounds_;
  round_overhead_seconds_ = std::max(round_seconds - walls_this_round_, 0.0);
  std::vector<std::size_t> stopped;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    auto& entry = entries_[i];
    if (entry.failed_now) {
      entry.failed_now = false;
      stopped.push_back(i);
    } else if (entry.state == entry_state::active && settings_.precision_pct && !settings_.fixed_rounds &&
               reaches_precision(entry.samples, *settings_.precision_pct)) {
      entry.state = entry_state::precise;
      stopped.push_back(i);
    }
  }
  return stopped;
}

std::vector<std::size_t> round_planner::not_run() const {
  std::vector<std::size_t> names;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].state == entry_state::not_run) names.push_back(i);
  }
  return names;
}

int round_planner::reached() const {
  return static_cast<int>(std::count_if(entries_.begin(), entries_.end(),
                                        [](const entry_track& e) { return e.state == entry_state::precise; }));
}

std::string describe(round_planner::stop_reason reason) {
  switch (reason) {
    case round_planner::stop_reason::none:
      return "not stopped";
    case round_planner::stop_reason::every_entry_done:
      return "every entry reached the precision or failed";
    case round_planner::stop_reason::budget:
      return "the next round would not fit in the budget";
    case round_planner::stop_reason::max_rounds:
      return "the cap of " + std::to_string(default_max_rounds) + " rounds";
    case round_planner::stop_reason::fixed_rounds:
      return "the rounds --benchmark_repetitions asked for";
  }
  return "?";
}

}  // namespace concbench
