#pragma once
// The `fork-cost` scenario: how long it takes to start a child process, against the
// resident memory of the parent that starts it. fork() copies the parent's page tables, so its
// cost grows with the parent's resident memory; posix_spawn (glibc: clone with CLONE_VM |
// CLONE_VFORK, then exec) copies none. This is why concbench forks its workers from a small
// fork server rather than from the measuring process.
//
// The parent is never the measuring process: that one is threaded (a fork of a threaded
// process is what the fork server exists to avoid) and its own resident memory is not the
// variable. The fork server forks ONE single-threaded scenario worker (fork_cost_parent); before
// it reports ready it maps parent_rss_mb MiB of anonymous memory and writes one byte to every
// page, so all of it is resident, and reads its own VmRSS. After the gate it starts `starts`
// children one after the other, each started, then reaped (waitpid) before the next, and times
// each start → reaped interval with steady_clock. The ways of starting (`start`):
//   fork         fork(); the child _exits at once;
//   fork-exec    fork(), then the child execve()s `program` (/bin/true);
//   posix_spawn  posix_spawn() of `program`.
//
// Models: the model says what the child is, as the process models' workers are: a copy of its
// parent that runs on without exec (processes-fork: start fork), or a new program (processes-
// spawn, whose workers are this binary re-executed: start fork-exec and posix_spawn). So each
// fork_cost_scenario supports exactly one model, the one its start belongs to.
//
// Figures (of the starts within one batch): ns_per_start_min, ns_per_start_median,
// ns_per_start_max (with ~20 starts a 99th percentile would just be the maximum, so the
// maximum is reported as what it is), ns_per_start_mean (the interval over the starts),
// parent_rss_bytes (the parent's VmRSS once grown, the fork server's own pages included) and
// starts. Verified: every start ran and its child exited 0; the parent's resident memory is at
// least what was asked for. A parent larger than the machine's available memory is refused
// before it maps anything. The interval is the parent's: the gate opened → the last child
// reaped; growing the memory (before the gate) and tearing it down are outside it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runners/scenarios/scenario.hpp"

namespace concbench {

enum class process_start { fork, fork_exec, posix_spawn };

std::string_view to_string(process_start start);
std::optional<process_start> parse_process_start(std::string_view text);
// processes-fork for fork, processes-spawn for fork-exec and posix_spawn (header comment).
model_kind model_of(process_start start);

struct fork_cost_params {
  std::uint64_t parent_rss_mb = 100;  // MiB (2^20 bytes) the parent makes resident
  process_start start = process_start::fork;
  int starts = 20;
  // What fork-exec and posix_spawn run. A test seam as much as a setting: a path that does
  // not exist makes every start fail. At most max_program_length bytes (it travels inside the
  // fixed-size job description).
  std::string program = "/bin/true";
};

inline constexpr std::size_t max_program_length = 39;

class fork_cost_scenario final : public scenario {
 public:
  // Throws std::invalid_argument for a size or start count below 1 or a program path that is
  // empty, not absolute or too long.
  explicit fork_cost_scenario(fork_cost_params params);

  std::string name() const override { return "fork-cost"; }
  // parent_rss_mb, start, starts; program for the starts that run one.
  nlohmann::json params() const override;
  // parent_rss_mb, start, starts:
  // fork-cost/processes-fork/W:1/parent_rss_mb:100/start:fork/starts:20
  std::vector<std::pair<std::string, std::string>> name_keys() const override;
  bool supports(model_kind model) const override { return model == model_of(params_.start); }
  // The parent is forked by the fork server whatever the start it measures.
  bool needs_fork_server(model_kind) const override { return true; }
  // One parent process.
  int workers(const run_settings&) const override { return 1; }
  // The interval: `starts` starts at nominal costs (the same on every machine).
  double nominal_sequential_ns() const override;
  // The wall time a batch costs beyond its interval: forking the parent, making its memory
  // resident and tearing it down again, at nominal costs.
  double nominal_setup_ns() const;
  scenario_outcome run(const run_settings& settings, std::stop_token stop) const override;

  const fork_cost_params& settings() const { return params_; }

 private:
  fork_cost_params params_;
};

}  // namespace concbench
