#include "benchmarks/entries/fork_server_dependency.hpp"

#include "runners/process/fork_server.hpp"

namespace concbench {

bool needs_fork_server(const entry_plan& plan) { return plan.settings.model == model_kind::processes_fork; }

bool needs_fork_server(const startup_plan& plan) {
  return plan.subject == startup_subject::processes_fork || plan.subject == startup_subject::floor_fork_server;
}

bool needs_fork_server(const scenario_plan& plan) { return plan.work->needs_fork_server(plan.settings.model); }

std::optional<std::string> skipped_for_lost_fork_server(bool needs_server) {
  if (!needs_server) return std::nullopt;
  const auto lost = fork_server_lost();
  if (!lost) return std::nullopt;
  return "skipped: " + *lost + " during the run, and this entry needs it (the entries of other models go on)";
}

}  // namespace concbench
