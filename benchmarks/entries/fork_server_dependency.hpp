#pragma once
// The entries that need the fork server (fork_server.hpp): processes-fork's task, start-up and
// scenario entries, the bare-fork floor, and every fork-cost entry (its parent is forked by the
// server). Should the server die during the run (the OOM killer's natural target while a
// fork-cost parent grows beside it), the entry running then fails naming how it died, the
// entries left that need it are skipped with that reason, and every other model goes on.

#include <optional>
#include <string>

#include "benchmarks/suites/scenario_suite.hpp"
#include "benchmarks/suites/suite.hpp"

namespace concbench {

bool needs_fork_server(const entry_plan& plan);
bool needs_fork_server(const startup_plan& plan);
bool needs_fork_server(const scenario_plan& plan);

// The error of a repetition that cannot run because the server has died, or nullopt when it
// can (it does not need the server, or the server runs).
std::optional<std::string> skipped_for_lost_fork_server(bool needs_server);

}  // namespace concbench
