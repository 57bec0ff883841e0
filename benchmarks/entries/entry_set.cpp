#include "benchmarks/entries/entry_set.hpp"

#include <chrono>

#include "benchmarks/entries/scenario_entry.hpp"
#include "benchmarks/entries/startup_entry.hpp"
#include "benchmarks/entries/task_entry.hpp"

namespace concbench {

run_plans plan_run(const cli_options& options) {
  return {plan_suite(options), plan_startup(options), plan_scenarios(options)};
}

std::vector<entry_registration> registrations_of(const run_plans& plans, std::optional<int> repetitions) {
  std::vector<entry_registration> registrations;
  for (const auto& plan : plans.tasks) {
    registrations.push_back({entry_name(plan), iterations_per_sample(*plan.work), repetitions});
  }
  for (const auto& plan : plans.startups) {
    registrations.push_back({entry_name(plan), iterations_per_sample(plan), repetitions});
  }
  for (const auto& plan : plans.scenarios) {
    registrations.push_back({entry_name(plan), iterations_per_sample(plan), repetitions});
  }
  return registrations;
}

std::set<std::string> selected_entries(const std::string& filter, const run_plans& plans,
                                       std::optional<int> repetitions) {
  const auto registrations = registrations_of(plans, repetitions);
  const auto selected = entries_selected_by(filter, registrations);
  std::set<std::string> names;
  for (std::size_t i = 0; i < registrations.size(); ++i) {
    if (selected[i]) names.insert(registrations[i].name);
  }
  return names;
}

entry_list build_entries(const run_plans& plans, const std::set<std::string>& selected,
                         const machine_constants& constants, entry_registry& registry, const entry_options& options) {
  entry_list entries;
  for (const auto& plan : plans.tasks) {
    if (!selected.contains(entry_name(plan))) continue;
    auto batch = plan.work->make_batch();
    auto metadata = registry.add(describe_entry(plan, batch, constants));
    entries.push_back(std::make_unique<task_entry>(plan, std::move(batch), std::move(metadata), constants, options));
  }
  for (const auto& plan : plans.startups) {
    if (!selected.contains(entry_name(plan))) continue;
    entries.push_back(std::make_unique<startup_entry>(plan, registry.add(describe_entry(plan)), options));
  }
  for (const auto& plan : plans.scenarios) {
    if (!selected.contains(entry_name(plan))) continue;
    entries.push_back(std::make_unique<scenario_entry>(plan, registry.add(describe_entry(plan)), options));
  }
  return entries;
}

double estimated_seconds(const entry_list& entries, int repetitions) {
  double total = 0;
  for (const auto& measured : entries) total += measured->estimated_seconds(repetitions);
  return total;
}

void register_round(entry_list& entries, const std::vector<std::size_t>& order, std::stop_token stop,
                    std::function<void(std::size_t index, double wall_seconds)> done) {
  benchmark::ClearRegisteredBenchmarks();
  for (const auto index : order) {
    entry* const registered_entry = entries.at(index).get();
    auto* registered = benchmark::RegisterBenchmark(
        registered_entry->name().c_str(), [registered_entry, index, done, stop](benchmark::State& state) {
          const auto began = std::chrono::steady_clock::now();
          measure_repetition(state, *registered_entry, stop);
          done(index, std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
        });
    // No Repetitions(): the run names stay those --benchmark_filter was matched against.
    configure_registration(registered, {registered_entry->name(), registered_entry->iterations(), std::nullopt});
  }
}

}  // namespace concbench
