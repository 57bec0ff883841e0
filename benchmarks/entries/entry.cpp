#include "benchmarks/entries/entry.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>

#include "benchmarks/entries/fork_server_dependency.hpp"
#include "reports/report_collector.hpp"

namespace concbench {

std::chrono::milliseconds default_timeout_for_batch(double nominal_batch_ns) {
  const auto ten_batches = std::chrono::milliseconds(static_cast<std::int64_t>(10 * nominal_batch_ns / 1e6));
  return std::max<std::chrono::milliseconds>(ten_batches, std::chrono::minutes(1));
}

entry::entry(std::shared_ptr<entry_metadata> metadata, std::chrono::milliseconds timeout, bool warm_up)
    : metadata_(std::move(metadata)), timeout_(timeout), warm_up_(warm_up) {}

double entry::estimated_seconds(int repetitions) const {
  // An entry's rows: one per repetition and four aggregates (mean, median, stddev, cv).
  const double writer_seconds = 2 * (repetitions + 4) * write_seconds_per_row;
  return estimated_run_seconds(repetitions) + writer_seconds;
}

void measure_repetition(benchmark::State& state, entry& measured, std::stop_token stop) {
  ++measured.repetitions_run;
  const auto refuse = [&](const std::string& message) {
    measured.failed = true;
    skip_repetition(state, message);
  };
  if (stop.stop_requested()) {
    const auto& fields = measured.metadata().fields;
    return refuse(interrupted_before(fields["workload"].get<std::string>(), fields["model"].get<std::string>(),
                                     measured.repetitions_run));
  }
  if (const auto skipped = skipped_for_lost_fork_server(measured.needs_fork_server())) return refuse(*skipped);
  std::unique_ptr<repetition> running;
  try {
    running = measured.start_repetition(stop);
  } catch (const std::exception& e) {
    return refuse(e.what());
  }
  bool measured_one = false;
  for (auto _ : state) {
    if (const auto error = running->iterate(state, stop)) {
      measured.failed = true;
      state.SkipWithError(error->c_str());
      break;
    }
    measured_one = true;
  }
  if (!measured_one) return;
  if (const auto error = running->finish(state, stop)) {
    measured.failed = true;
    state.SkipWithError(error->c_str());
  }
}

std::string interrupted_before(std::string_view workload, std::string_view model, int repetition) {
  const std::string who = std::string(workload) + " under " + std::string(model);
  if (repetition <= 1) return "interrupted: the run was stopped before " + who + " started";
  return "interrupted: the run was stopped before this repetition of " + who +
         " started (the entry's measured repetitions are kept)";
}

void skip_repetition(benchmark::State& state, const std::string& message) {
  for (auto _ : state) {
    state.SkipWithError(message.c_str());
    break;
  }
}

}  // namespace concbench
