#include "benchmarks/rounds.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <set>
#include <vector>

#include "reports/report_document.hpp"

namespace concbench {

std::string lead_text(std::span<const double> samples_ns) {
  const auto figure = lead_of(samples_ns);
  if (!figure) return "";
  std::optional<std::pair<double, double>> interval;
  if (figure->interval) interval = {figure->interval->low, figure->interval->high};
  return std::string(lead_name()) + " " + format_estimate_ns(figure->estimate, interval);
}

nlohmann::json precision_context(const round_planner& planner, const entry_list& entries) {
  const auto& settings = planner.settings();
  nlohmann::json not_run = nlohmann::json::array();
  for (const auto index : planner.not_run()) not_run.push_back(entries.at(index)->name());
  const bool adaptive = settings.precision_pct.has_value();
  return {{"target_pct", adaptive ? nlohmann::json(*settings.precision_pct) : nlohmann::json(nullptr)},
          {"budget_s", settings.budget_seconds ? nlohmann::json(*settings.budget_seconds) : nlohmann::json(nullptr)},
          {"before_rounds_s", settings.spent_before_seconds},
          {"seed", settings.seed},
          {"rounds", planner.rounds()},
          // Without a target nothing can be reached: null, not a count of 0 that reads as a failure.
          {"reached", adaptive ? nlohmann::json(planner.reached()) : nlohmann::json(nullptr)},
          {"entries", planner.entries_run()},
          {"not_run", std::move(not_run)}};
}

std::string closing_line(const round_planner& planner, double seconds) {
  const auto& settings = planner.settings();
  const auto rounds = planner.rounds();
  std::string line = "concbench: ";
  if (settings.precision_pct) {
    char target[32];
    std::snprintf(target, sizeof target, "%g %%", *settings.precision_pct);
    line += std::to_string(planner.reached()) + " of " + std::to_string(planner.entries_run()) + " entries reached " +
            target + " (" + lead_name() + ", 95 % interval)";
  } else {
    line += std::to_string(planner.entries_run()) + " entries, no precision target";
  }
  line += " in " + std::to_string(rounds) + (rounds == 1 ? " round" : " rounds");
  // The run's time, as the budget counts it: calibration and servers' start included.
  line += "; " + format_time_left(settings.spent_before_seconds + seconds);
  if (settings.budget_seconds) line += " of the " + format_time_left(*settings.budget_seconds) + " budget";
  if (planner.why_stopped() != round_planner::stop_reason::none)
    line += " (stopped: " + describe(planner.why_stopped()) + ")";
  return line;
}

rounds_outcome run_rounds(entry_list& entries, round_planner& planner, report_collector& collector,
                          progress_display& progress, std::stop_token stop) {
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < entries.size(); ++i) index_of[entries[i]->name()] = i;
  std::vector<double> wall_seconds(entries.size(), 0);
  long long next_position = 0;
  rounds_outcome outcome;
  // The rows an entry's line shows once it stops; each entry gets one line.
  std::set<std::size_t> shown;
  const auto show = [&](std::size_t index) {
    if (!shown.insert(index).second) return;
    progress.entry_done(entries[index]->metadata(), collector.rows_of(entries[index]->name()));
  };
  // Each iteration row, as the collector receives it: the planner's sample and the progress.
  collector.set_repetition_reported([&](const entry_metadata& entry, const nlohmann::json& row) {
    const auto found = index_of.find(entry.name);
    if (found == index_of.end()) return;
    std::optional<double> sample;
    if (!row.value("error_occurred", false) && row.contains("time_unit") && row.at("real_time").is_number()) {
      sample = row.at("real_time").get<double>() * nanoseconds_per(row.at("time_unit"));
    }
    planner.repetition_done(found->second, sample, wall_seconds[found->second]);
    progress.repetition_done(entry.name, lead_text(planner.samples(found->second)));
  });

  const auto began = std::chrono::steady_clock::now();
  const auto elapsed = [&began] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  };
  for (int round = 0; !stop.stop_requested(); ++round) {
    const auto order = planner.next_round(elapsed());
    if (!order) break;
    register_round(entries, *order, stop, [&](std::size_t index, double seconds) {
      wall_seconds[index] = seconds;
      // Where this repetition ran in the whole run: the report's run_position.
      entries[index]->metadata().run_positions.push_back(next_position++);
    });
    collector.set_round(round);
    progress.set_round(round);
    const auto round_began = std::chrono::steady_clock::now();
    outcome.runs += benchmark::RunSpecifiedBenchmarks(&collector);
    const auto stopped =
        planner.round_done(std::chrono::duration<double>(std::chrono::steady_clock::now() - round_began).count());
    for (const auto index : stopped) show(index);
    collector.update_context({{"precision", precision_context(planner, entries)}});
  }
  benchmark::ClearRegisteredBenchmarks();
  outcome.seconds = elapsed();
  // Every entry that ran and has no line yet: the rounds ended before it stopped on its own.
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (planner.state(i) != round_planner::entry_state::not_run && !entries[i]->metadata().run_positions.empty()) {
      show(i);
    }
  }
  collector.set_repetition_reported(nullptr);
  return outcome;
}

}  // namespace concbench
