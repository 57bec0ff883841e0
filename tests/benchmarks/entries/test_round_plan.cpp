// The rounds' planner without Google Benchmark: the seeded order, the stopping rule on
// synthetic samples, the budget's stop and its cut by priority (benchmarks/entries/round_plan.hpp).

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "benchmarks/cli/cli_options.hpp"
#include "benchmarks/cli/cli_values.hpp"
#include "benchmarks/entries/round_plan.hpp"
#include "benchmarks/suites/suite.hpp"

namespace concbench {
namespace {

std::vector<std::size_t> first(std::size_t n) {
  std::vector<std::size_t> indices(n);
  std::iota(indices.begin(), indices.end(), 0);
  return indices;
}

// Runs a planner to its end: each repetition of entry i measures sample(i, repetition) (nullopt:
// it failed) and takes walls[i] of wall time; returns the rounds' orders, and their total time
// in *elapsed_out when given.
template <typename Sample>
std::vector<std::vector<std::size_t>> drive(round_planner& planner, Sample sample, const std::vector<double>& walls,
                                            double* elapsed_out = nullptr) {
  std::vector<std::vector<std::size_t>> orders;
  std::vector<int> repetitions(planner.size(), 0);
  double elapsed = 0;
  while (const auto order = planner.next_round(elapsed)) {
    orders.push_back(*order);
    double spent = 0;
    for (const auto index : *order) {
      planner.repetition_done(index, sample(index, repetitions[index]++), walls[index]);
      spent += walls[index];
    }
    planner.round_done(spent);
    elapsed += spent;
  }
  if (elapsed_out) *elapsed_out = elapsed;
  return orders;
}

// The same with every repetition taking `seconds`.
template <typename Sample>
std::vector<std::vector<std::size_t>> drive(round_planner& planner, Sample sample, double seconds = 0.01) {
  return drive(planner, sample, std::vector<double>(planner.size(), seconds));
}

std::vector<round_planner::planned_entry> planned(std::size_t n) {
  return std::vector<round_planner::planned_entry>(n, {0, 0.01, 0.01, 0.11});
}

TEST(round_order, a_seed_gives_the_same_orders_and_another_seed_others) {
  round_order a(42, true), b(42, true), c(43, true);
  bool differs = false;
  for (int round = 0; round < 20; ++round) {
    const auto order = a.next(first(10));
    EXPECT_EQ(order, b.next(first(10))) << "round " << round;
    differs = differs || order != c.next(first(10));
    auto sorted = order;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, first(10)) << "every active entry once";
  }
  EXPECT_TRUE(differs);
}

TEST(round_order, the_first_orders_of_a_seed_are_fixed_by_the_standard) {
  // mt19937_64's sequence is the standard's, and so is this use of it: the same on every
  // standard library, so a seed written in a report replays anywhere.
  round_order order(7, true);
  EXPECT_EQ(order.next(first(5)), (std::vector<std::size_t>{1, 3, 4, 2, 0}));
}

TEST(round_order, without_interleaving_every_round_keeps_registration_order) {
  round_order order(42, false);
  for (int round = 0; round < 5; ++round) EXPECT_EQ(order.next({0, 2, 5}), (std::vector<std::size_t>{0, 2, 5}));
}

TEST(round_planner, an_entry_stops_once_its_lead_interval_is_within_the_precision) {
  round_settings settings;
  settings.precision_pct = 2;
  settings.budget_seconds = 1000;
  settings.seed = 1;
  round_planner planner(planned(2), settings);
  // Entry 0: within ±0.5 %, precise at the first round its count allows an interval. Entry 1:
  // spread over a factor of two, never within 2 %: it runs until the cap.
  const auto orders = drive(planner, [](std::size_t entry, int repetition) -> std::optional<double> {
    if (entry == 0) return 100.0 + (repetition % 3) * 0.5;
    return 100.0 + (repetition * 37 % 100);
  });
  // Every entry gets floor_repetitions before the budget may end it; the p25 interval needs 11,
  // the interval of a speedup over it 13.
  EXPECT_EQ(minimum_repetitions(settings), floor_repetitions);
  EXPECT_EQ(precise_minimum(), 13);
  EXPECT_EQ(planner.samples(0).size(), 13u);
  EXPECT_EQ(planner.state(0), round_planner::entry_state::precise);
  EXPECT_EQ(planner.state(1), round_planner::entry_state::active);
  EXPECT_EQ(planner.rounds(), default_max_rounds);
  EXPECT_EQ(planner.why_stopped(), round_planner::stop_reason::max_rounds);
  EXPECT_EQ(planner.reached(), 1);
  EXPECT_EQ(orders.back(), (std::vector<std::size_t>{1}));
}

TEST(round_planner, fewer_samples_than_a_speedup_interval_needs_are_never_precise) {
  std::vector<double> twelve(12, 5.0);
  // Twelve give the lead its interval, but not a speedup over it.
  ASSERT_TRUE(lead_of(twelve)->interval);
  EXPECT_FALSE(reaches_precision(twelve, 50));
  twelve.push_back(5.0);
  EXPECT_TRUE(reaches_precision(twelve, 0.001));
  const auto figure = lead_of(twelve);
  ASSERT_TRUE(figure && figure->interval);
  EXPECT_EQ(figure->half_width_pct().value(), 0);
}

TEST(round_planner, every_entry_precise_ends_the_rounds) {
  round_settings settings;
  settings.precision_pct = 5;
  settings.budget_seconds = 1000;
  round_planner planner(planned(3), settings);
  drive(planner, [](std::size_t, int) -> std::optional<double> { return 10.0; });
  EXPECT_EQ(planner.rounds(), 13);
  EXPECT_EQ(planner.why_stopped(), round_planner::stop_reason::every_entry_done);
  EXPECT_EQ(planner.reached(), 3);
}

TEST(round_planner, the_rounds_stop_when_the_budget_cannot_carry_any_entry_further) {
  round_settings settings;
  settings.precision_pct = 0.001;  // never reached: only the budget ends the rounds
  settings.budget_seconds = 1.4;
  // Two entries of 0.1 s a repetition: the floor's six rounds take 1.2 s (their minimum, 0.5 s
  // each as planned, fits the three quarters of the budget it may take); the 0.2 s left cannot
  // take either to the 13 repetitions a precise entry needs, so both leave and the rounds end.
  round_planner planner({{0, 0.1, 0.1, 0.5}, {0, 0.1, 0.1, 0.5}}, settings);
  drive(
      planner, [](std::size_t, int repetition) -> std::optional<double> { return 1.0 + repetition; }, 0.1);
  EXPECT_EQ(planner.rounds(), floor_repetitions);
  EXPECT_EQ(planner.why_stopped(), round_planner::stop_reason::budget);
  EXPECT_EQ(planner.state(0), round_planner::entry_state::out_of_budget);
  EXPECT_EQ(planner.state(1), round_planner::entry_state::out_of_budget);
}

// A 0.5 s entry (0) and a 0.05 s one (1), every repetition 1.0 and a target that any interval
// meets: each is precise at 13 repetitions. Six rounds of both (the floor) take 3.3 s; the
// planner is driven to its end within `budget_seconds`, of which the run spent
// `spent_before_seconds` before the rounds. Its rounds' time goes to *elapsed.
round_planner dear_and_cheap(double budget_seconds, double spent_before_seconds, double* elapsed) {
  round_settings settings;
  settings.precision_pct = 0.001;
  settings.budget_seconds = budget_seconds;
  settings.spent_before_seconds = spent_before_seconds;
  round_planner planner({{0, 0.5, 0.5, 1.0}, {0, 0.05, 0.05, 0.1}}, settings);
  // The cut before the first round plans on nominal costs alone, as --list does.
  EXPECT_TRUE(planner.not_run().empty());
  drive(
      planner, [](std::size_t, int) -> std::optional<double> { return 1.0; }, std::vector<double>{0.5, 0.05}, elapsed);
  return planner;
}

TEST(round_planner, after_the_floor_the_budget_goes_to_the_entries_it_can_carry_to_an_interval) {
  // The 0.4 s left after the floor cannot carry the dear entry to the 13 repetitions a precise
  // entry needs (3.5 s more) but can carry the cheap one (0.35 s more): the dear one sits out,
  // the cheap one runs on; once it is precise the dear one still does not fit, and leaves with
  // its six.
  double elapsed = 0;
  const auto planner = dear_and_cheap(3.7, 0, &elapsed);
  EXPECT_EQ(planner.samples(0).size(), static_cast<std::size_t>(floor_repetitions));
  EXPECT_EQ(planner.state(0), round_planner::entry_state::out_of_budget);
  // Steady samples: its first interval is within the target, so it stops there, precise.
  EXPECT_EQ(planner.samples(1).size(), 13u);
  EXPECT_EQ(planner.state(1), round_planner::entry_state::precise);
  EXPECT_EQ(planner.why_stopped(), round_planner::stop_reason::budget);
  EXPECT_LE(elapsed, 3.7 + 1e-9);
}

TEST(round_planner, an_entry_the_budget_cannot_carry_to_an_interval_leaves_at_its_floor) {
  // 0.2 s left after the floor: not enough for either to reach 13.
  double elapsed = 0;
  const auto planner = dear_and_cheap(3.5, 0, &elapsed);
  EXPECT_EQ(planner.samples(0).size(), static_cast<std::size_t>(floor_repetitions));
  EXPECT_EQ(planner.samples(1).size(), static_cast<std::size_t>(floor_repetitions));
  EXPECT_EQ(planner.why_stopped(), round_planner::stop_reason::budget);
}

TEST(round_planner, what_the_run_took_before_the_rounds_comes_out_of_the_budget) {
  // The budget that carries the cheap entry to 13 above, but calibration took 0.1 s of it: the
  // 0.3 s left after the floor cannot (0.35 s), so both stay at their floor.
  double elapsed = 0;
  const auto planner = dear_and_cheap(3.7, 0.1, &elapsed);
  EXPECT_EQ(planner.samples(0).size(), static_cast<std::size_t>(floor_repetitions));
  EXPECT_EQ(planner.samples(1).size(), static_cast<std::size_t>(floor_repetitions));
  EXPECT_EQ(planner.why_stopped(), round_planner::stop_reason::budget);
}

TEST(round_planner, an_entry_that_sits_out_a_round_runs_again_when_an_entry_finishes_sooner_than_forecast) {
  round_settings settings;
  settings.precision_pct = 5;
  settings.budget_seconds = 7.3;
  // Entry 0 (0.05 s a repetition) spreads at its floor, so the forecast asks 28 repetitions
  // (1.1 s more); entry 1 (0.5 s, steady) asks 13 (3.5 s more). The 4 s left after the floor
  // carry entry 0 but not both, so entry 1 sits out. Entry 0's later repetitions all land on
  // its floor: it is precise sooner than forecast, and the time it did not use carries entry 1
  // to 13 too.
  const std::vector<double> spread{1.3, 1.0, 1.5, 1.04, 1.2, 1.1};
  round_planner planner({{0, 0.05, 0.05, 0.3}, {0, 0.5, 0.5, 3.0}}, settings);
  double elapsed = 0;
  const auto orders = drive(
      planner,
      [&](std::size_t entry, int repetition) -> std::optional<double> {
        if (entry == 0 && repetition < floor_repetitions) return spread[static_cast<std::size_t>(repetition)];
        return 1.0;
      },
      std::vector<double>{0.05, 0.5}, &elapsed);
  ASSERT_GT(orders.size(), static_cast<std::size_t>(floor_repetitions));
  EXPECT_EQ(orders[floor_repetitions], (std::vector<std::size_t>{0}));
  EXPECT_EQ(planner.state(0), round_planner::entry_state::precise);
  EXPECT_EQ(planner.state(1), round_planner::entry_state::precise);
  EXPECT_EQ(planner.samples(1).size(), 13u);
  EXPECT_EQ(planner.why_stopped(), round_planner::stop_reason::every_entry_done);
  EXPECT_LE(elapsed, 7.3 + 1e-9);
}

TEST(precision_forecast, reads_the_spread_near_the_lead_quantile) {
  const precision_forecast forecast(200);
  // Steady samples: the first count a precise entry may stop at is within any target.
  EXPECT_EQ(forecast.repetitions_needed(std::vector<double>(6, 1.0), 1), 13);
  EXPECT_EQ(forecast.repetitions_needed(std::vector<double>(30, 1.0), 1), 31);
  // A floor near 1.0 and slow repetitions above it: the tighter the target, the more
  // repetitions, and beyond some target none up to the cap.
  const std::vector<double> floor_then_slow{1.3, 1.0, 1.5, 1.04, 1.2, 1.1};
  EXPECT_EQ(forecast.repetitions_needed(floor_then_slow, 8), 16);
  EXPECT_EQ(forecast.repetitions_needed(floor_then_slow, 5), 28);
  EXPECT_EQ(forecast.repetitions_needed(floor_then_slow, 3), 66);
  EXPECT_EQ(forecast.repetitions_needed(floor_then_slow, 2), 139);
  EXPECT_EQ(forecast.repetitions_needed(floor_then_slow, 1), std::nullopt);
  // The slowest repetition does not move the forecast (the 1/sqrt(n) rule read it: the
  // median's interval of six samples is their fastest and slowest).
  std::vector<double> one_far_slower = floor_then_slow;
  one_far_slower[2] = 10.0;
  EXPECT_EQ(forecast.repetitions_needed(one_far_slower, 5), 28);
  // Evenly spread samples need many; the cap bounds the answer.
  const std::vector<double> even{1.0, 1.2, 1.4, 1.6, 1.8, 2.0};
  EXPECT_EQ(forecast.repetitions_needed(even, 5), 193);
  EXPECT_EQ(precision_forecast(150).repetitions_needed(even, 5), std::nullopt);
  EXPECT_EQ(forecast.repetitions_needed({}, 5), std::nullopt);
}

TEST(round_planner, every_entry_kept_gets_its_floor_even_when_the_machine_is_slower_than_planned) {
  round_settings settings;
  settings.precision_pct = 0.001;
  settings.budget_seconds = 1.0;
  // Planned at 0.1 s a repetition (the minimum fits), each repetition takes 0.3 s: the budget
  // is spent after the second round, yet both entries get floor_repetitions, then stop.
  round_planner planner({{0, 0.1, 0.1, 0.5 * 0.75}, {0, 0.1, 0.1, 0.5 * 0.75}}, settings);
  drive(
      planner, [](std::size_t, int repetition) -> std::optional<double> { return 1.0 + repetition; }, 0.3);
  EXPECT_EQ(planner.samples(0).size(), static_cast<std::size_t>(floor_repetitions));
  EXPECT_EQ(planner.samples(1).size(), static_cast<std::size_t>(floor_repetitions));
  EXPECT_EQ(planner.why_stopped(), round_planner::stop_reason::budget);
}

TEST(round_planner, a_fixed_count_runs_exactly_that_many_rounds_without_a_precision_stop) {
  round_settings settings;
  settings.fixed_rounds = 3;
  settings.max_rounds = 3;
  round_planner planner(planned(2), settings);
  drive(planner, [](std::size_t, int) -> std::optional<double> { return 10.0; });
  EXPECT_EQ(planner.rounds(), 3);
  EXPECT_EQ(minimum_repetitions(settings), 3);
  EXPECT_EQ(planner.why_stopped(), round_planner::stop_reason::fixed_rounds);
  EXPECT_EQ(planner.state(0), round_planner::entry_state::active);
  EXPECT_EQ(planner.reached(), 0);
}

TEST(round_planner, a_failed_entry_is_not_repeated_in_later_rounds) {
  round_settings settings;
  settings.fixed_rounds = 4;
  round_planner planner(planned(2), settings);
  const auto orders = drive(planner, [](std::size_t entry, int repetition) -> std::optional<double> {
    if (entry == 1 && repetition == 1) return std::nullopt;
    return 10.0;
  });
  ASSERT_EQ(orders.size(), 4u);
  EXPECT_EQ(orders[1].size(), 2u);
  EXPECT_EQ(orders[2], (std::vector<std::size_t>{0}));
  EXPECT_EQ(planner.state(1), round_planner::entry_state::failed);
  EXPECT_EQ(planner.samples(1).size(), 1u);
}

TEST(budget_cut, the_lowest_priority_entries_go_first_until_the_minimum_fits) {
  // Registration order: an http entry, two cpu entries, an empty entry; cpu first by priority.
  const std::vector<int> priorities{1, 0, 0, 1};
  const std::vector<double> seconds{10, 20, 20, 5};
  EXPECT_EQ(entries_within_budget(priorities, seconds, 100), (std::vector<bool>{true, true, true, true}));
  EXPECT_EQ(entries_within_budget(priorities, seconds, 50), (std::vector<bool>{true, true, true, false}));
  // The http entry (10 s) no longer fits after the cpu entries: it and everything after it go.
  EXPECT_EQ(entries_within_budget(priorities, seconds, 45), (std::vector<bool>{false, true, true, false}));
  EXPECT_EQ(entries_within_budget(priorities, seconds, 10), (std::vector<bool>{false, false, false, false}));
  EXPECT_EQ(entries_within_budget(priorities, seconds, std::nullopt), (std::vector<bool>{true, true, true, true}));
  round_settings settings;
  settings.precision_pct = 2;
  // A precision target leaves a quarter of the budget to the rounds after the minimum: the
  // minimum may take 45 s of 60 s.
  settings.budget_seconds = 60;
  round_planner planner({{1, 1, 1, 10}, {0, 1, 1, 20}, {0, 1, 1, 20}, {1, 1, 1, 5}}, settings);
  EXPECT_EQ(planner.not_run(), (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(planner.entries_run(), 2u);
  EXPECT_EQ(planner.next_round(0).value().size(), 2u);
}

TEST(suites, the_tutorials_cpu_and_sleep_entries_come_first_and_each_suite_has_its_targets) {
  // Within each group the sequential entry (every speedup's baseline) goes first.
  EXPECT_EQ(run_priority("cpu", "sequential", 0.04), 0);
  EXPECT_EQ(run_priority("cpu", "threads", 0.02), 1);
  EXPECT_EQ(run_priority("sleep", "sequential", 1.1), 2);
  EXPECT_EQ(run_priority("sleep-shapes", "threads", 0.4), 3);
  EXPECT_EQ(run_priority("http", "threads", 0.1), 5);
  EXPECT_EQ(run_priority("startup", "processes-fork", 0.01), 5);
  EXPECT_EQ(run_priority("messaging", "sequential", 0.2), 4);
  // cpu at scale 100: seconds a repetition, after everything else, its baseline first.
  EXPECT_EQ(run_priority("cpu", "sequential", 3.7), 6);
  EXPECT_EQ(run_priority("cpu", "processes-fork", 2.9), 7);
  EXPECT_EQ(suite_targets("default").precision_pct, 2);
  EXPECT_EQ(suite_targets("default").budget_seconds, 300);
  EXPECT_EQ(suite_targets("quick").precision_pct, 5);
  EXPECT_EQ(suite_targets("quick").budget_seconds, 60);
}

TEST(cli, precision_budget_and_seed_are_read_and_bad_values_named) {
  EXPECT_EQ(parse_duration("--budget", "90s", 86400), 90);
  EXPECT_EQ(parse_duration("--budget", "5m", 86400), 300);
  EXPECT_EQ(parse_duration("--budget", "1h", 86400), 3600);
  EXPECT_EQ(parse_duration("--budget", "300", 86400), 300);
  EXPECT_EQ(parse_duration("--budget", "1.5m", 86400), 90);
  for (const char* bad : {"", "5x", "-5m", "0s", "m", "1e3", "inf", "2d", "25h"}) {
    EXPECT_THROW(parse_duration("--budget", bad, 86400), cli_error) << bad;
  }
  EXPECT_EQ(parse_percentage("--precision", "2%", 100), 2);
  EXPECT_EQ(parse_percentage("--precision", "0.5", 100), 0.5);
  for (const char* bad : {"", "%", "0%", "-1", "101", "two", "2%%"}) {
    EXPECT_THROW(parse_percentage("--precision", bad, 100), cli_error) << bad;
  }
  const auto options = parse_cli({"--precision=2%", "--budget=5m", "--seed=12"});
  EXPECT_EQ(options.precision_pct, 2);
  EXPECT_EQ(options.budget_seconds, 300);
  EXPECT_EQ(options.seed, 12u);
  EXPECT_THROW(parse_cli({"--seed=-1"}), cli_error);
  EXPECT_THROW(parse_cli({"--seed=9007199254740992"}), cli_error);
  EXPECT_THROW(parse_cli({"--seed=x"}), cli_error);
  EXPECT_THROW(parse_cli({"--precision=2", "--benchmark_repetitions=5"}), cli_error);
  EXPECT_NO_THROW(parse_cli({"--budget=1m", "--benchmark_repetitions=5"}));
}

}  // namespace
}  // namespace concbench
