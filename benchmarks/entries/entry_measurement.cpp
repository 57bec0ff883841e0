#include "benchmarks/entries/entry_measurement.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>

#include "benchmarks/entries/fork_server_dependency.hpp"
#include "benchmarks/entries/timeline_figures.hpp"
#include "runners/batch/resource_limits.hpp"
#include "runners/batch/runner.hpp"
#include "runners/process/process_pool_runner.hpp"

namespace concbench {

entry_metadata describe_entry(const entry_plan& plan, const std::vector<task_spec>& batch,
                              const machine_constants& constants) {
  const auto& s = plan.settings;
  const bool event_loop = uses_event_loop(s.model);
  const auto estimate = plan.work->estimate(batch, shape_of(s, batch.size()), constants);
  const int workers = effective_workers(s, batch.size());
  entry_metadata entry;
  entry.name = entry_name(plan);
  entry.fields = {
      {"workload", plan.work->name()},
      {"model", std::string(to_string(s.model))},
      {"workers", workers},
      {"workers_label", plan.workers_label.empty() ? std::to_string(workers) : plan.workers_label},
      {"loop_threads", event_loop ? nlohmann::json(s.loop_threads) : nlohmann::json(nullptr)},
      {"inflight", event_loop ? nlohmann::json(s.inflight == 0 ? batch.size() : s.inflight) : nlohmann::json(nullptr)},
      {"pool", uses_pool(s.model) ? nlohmann::json(std::string(to_string(s.pool))) : nlohmann::json(nullptr)},
      {"task_form", std::string(to_string(event_loop ? s.form : task_form::blocking))},
      {"tasks", batch.size()},
      {"params", plan.work->params()},
      {"warm_up", warm_up_none},  // until it ran (measure_entry)
  };
  entry.ideal_ns = estimate.ideal_ns;
  entry.bound_ns = estimate.bound_ns;
  entry.comparison_key = plan.work->name() + " " + plan.work->params().dump();
  entry.is_sequential = s.model == model_kind::sequential;
  return entry;
}

std::optional<std::string> first_batch_error(const workload& work, std::span<const task_spec> batch,
                                             const batch_outcome& outcome, std::string_view model) {
  const auto errors = outcome.errors();
  if (!errors.empty()) {
    // The cause leads (the worker killed by a signal), not a task the batch abandoned because of
    // it, whatever their numbers.
    std::string message = *outcome.first_cause();
    if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more errors)";
    return message;
  }
  if (outcome.tasks.size() != batch.size()) {
    return work.name() + " under " + std::string(model) + ": " + std::to_string(outcome.tasks.size()) +
           " results for " + std::to_string(batch.size()) + " tasks";
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!outcome.tasks[i].result) {
      return "task " + std::to_string(batch[i].index) + " of " + work.name() + " under " + std::string(model) +
             ": no result";
    }
    if (auto wrong = work.verify(batch[i], *outcome.tasks[i].result)) {
      return "task " + std::to_string(batch[i].index) + " of " + work.name() + " under " + std::string(model) +
             ": wrong result: " + *wrong;
    }
  }
  return std::nullopt;
}

nlohmann::json timeline_columns(const std::vector<timeline_entry>& timeline, std::chrono::nanoseconds interval,
                                std::span<const task_spec> batch, int workers) {
  nlohmann::json task = nlohmann::json::array(), worker = nlohmann::json::array();
  nlohmann::json start = nlohmann::json::array(), end = nlohmann::json::array();
  for (std::size_t i = 0; i < timeline.size(); ++i) {
    task.push_back(batch[i].index);
    worker.push_back(timeline[i].worker);
    start.push_back(timeline[i].start_ns);
    end.push_back(timeline[i].end_ns);
  }
  return {{"tasks", batch.size()},        {"workers", workers},      {"interval_ns", interval.count()},
          {"downsampled", false},         {"task", std::move(task)}, {"worker", std::move(worker)},
          {"start_ns", std::move(start)}, {"end_ns", std::move(end)}};
}

std::optional<std::int64_t> status_bytes(std::string_view status, std::string_view key) {
  for (std::size_t at = 0; at < status.size();) {
    const auto end = std::min(status.find('\n', at), status.size());
    auto line = status.substr(at, end - at);
    at = end + 1;
    if (line.substr(0, key.size()) != key || line.size() <= key.size() || line[key.size()] != ':') continue;
    line.remove_prefix(key.size() + 1);
    line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
    std::int64_t kib = 0;
    if (std::from_chars(line.data(), line.data() + line.size(), kib).ec != std::errc{}) return std::nullopt;
    return kib * 1024;
  }
  return std::nullopt;
}

namespace {

std::optional<std::int64_t> own_status_bytes(std::string_view key) {
  std::ifstream in("/proc/self/status");
  std::ostringstream text;
  text << in.rdbuf();
  return status_bytes(text.str(), key);
}

// Sets VmHWM back to the current VmRSS (Linux 4.0 and later); false when refused.
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

process_usage own_usage() {
  ::rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage_of(usage);
}

}  // namespace

std::optional<resource_probe> probe_resources(runner& batch_runner, const workload& work,
                                              std::span<const task_spec> batch, std::stop_token stop,
                                              std::string* error, std::string_view model) {
  auto* pool_runner = dynamic_cast<process_pool_runner*>(&batch_runner);
  if (pool_runner) pool_runner->sample_next_batch();
  ::malloc_trim(0);  // memory the timed batches freed goes back, so this batch's shows as growth
  const bool peak_reset = reset_peak_rss();
  const auto rss_before = own_status_bytes("VmRSS");
  const auto usage_before = own_usage();
  const auto outcome = batch_runner.run(work, batch, stop);
  const auto usage_after = own_usage();
  const auto peak = own_status_bytes("VmHWM");
  if (auto failure = first_batch_error(work, batch, outcome, model)) {
    if (error) *error = std::move(*failure);
    return std::nullopt;
  }

  resource_probe probe;
  if (peak_reset && peak && rss_before) {
    probe.peak_rss_bytes = *peak;
    probe.rss_growth_bytes = std::max<std::int64_t>(*peak - *rss_before, 0);
    if (!batch.empty())
      probe.bytes_per_task = static_cast<double>(*probe.rss_growth_bytes) / static_cast<double>(batch.size());
  }
  probe.workers_pss_bytes = outcome.workers_pss_bytes;
  probe.usage = usage_after - usage_before;
  if (outcome.workers_usage) probe.usage += *outcome.workers_usage;
  return probe;
}

nlohmann::json probe_fields(const resource_probe& probe) {
  nlohmann::json fields = nlohmann::json::object();
  if (probe.peak_rss_bytes) fields["peak_rss_bytes"] = *probe.peak_rss_bytes;
  if (probe.rss_growth_bytes) fields["rss_growth_bytes"] = *probe.rss_growth_bytes;
  if (probe.bytes_per_task) fields["bytes_per_task"] = *probe.bytes_per_task;
  if (probe.workers_pss_bytes) fields["workers_pss_bytes"] = *probe.workers_pss_bytes;
  fields["cpu_user_ns"] = probe.usage.user_ns;
  fields["cpu_system_ns"] = probe.usage.system_ns;
  fields["voluntary_switches"] = probe.usage.voluntary_switches;
  fields["involuntary_switches"] = probe.usage.involuntary_switches;
  return fields;
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

bool warms_up(const measured_entry& entry) {
  const bool warm_pool = entry.plan.settings.pool == pool_mode::warm && uses_pool(entry.plan.settings.model);
  return entry.warm_up && !warm_pool && entry.metadata->ideal_ns < max_untimed_batch_ns;
}

std::chrono::milliseconds default_timeout_for_batch(double nominal_batch_ns) {
  const auto ten_batches = std::chrono::milliseconds(static_cast<std::int64_t>(10 * nominal_batch_ns / 1e6));
  return std::max<std::chrono::milliseconds>(ten_batches, std::chrono::minutes(1));
}

std::chrono::milliseconds default_task_timeout(const workload& work) {
  return default_timeout_for_batch(work.nominal_sequential_ns());
}

void measure_entry(benchmark::State& state, measured_entry& entry, std::stop_token stop) {
  const auto& plan = entry.plan;
  const auto& work = *plan.work;
  const auto model = to_string(plan.settings.model);
  ++entry.repetitions_run;
  if (stop.stop_requested()) {
    entry.failed = true;
    skip_repetition(state, interrupted_before(work.name(), model, entry.repetitions_run));
    return;
  }
  if (const auto skipped = skipped_for_lost_fork_server(needs_fork_server(plan))) {
    entry.failed = true;
    skip_repetition(state, *skipped);
    return;
  }
  std::unique_ptr<runner> batch_runner;
  try {
    batch_runner = make_runner(plan.settings);  // a warm pool starts here, outside the samples
  } catch (const std::system_error& e) {
    entry.failed = true;
    skip_repetition(state, work.name() + " under " + std::string(model) +
                               ": could not start: " + explain_refusal(e, os_resource::thread));
    return;
  } catch (const std::exception& e) {
    entry.failed = true;
    skip_repetition(state, (work.name() + " under " + std::string(model) + ": could not start: " + e.what()));
    return;
  }
  // The warm-up (entry_measurement.hpp): a warm pool's untimed batch before every repetition
  // (threads, caches and allocator are warm before each sample), else one before the first.
  const bool warm_pool = plan.settings.pool == pool_mode::warm && uses_pool(plan.settings.model);
  if (warm_pool || (warms_up(entry) && entry.repetitions_run == 1)) {
    const auto warm_up = batch_runner->run(work, entry.batch, stop);
    if (auto error = first_batch_error(work, entry.batch, warm_up, model)) {
      entry.failed = true;
      skip_repetition(state, ("warm-up batch failed: " + *error));
      return;
    }
    entry.metadata->fields["warm_up"] = warm_pool ? warm_up_every_repetition : warm_up_first_repetition;
  }

  std::optional<batch_outcome> last;
  for (auto _ : state) {
    auto outcome = batch_runner->run(work, entry.batch, stop);
    state.PauseTiming();  // verification is not part of the measured process CPU time
    const auto error = first_batch_error(work, entry.batch, outcome, model);
    state.ResumeTiming();
    if (error) {
      entry.failed = true;
      state.SkipWithError(error->c_str());
      break;
    }
    state.SetIterationTime(std::chrono::duration<double>(outcome.interval).count());
    last = std::move(outcome);
  }
  if (!last) return;

  std::vector<double> durations;
  for (const auto& t : last->timeline) durations.push_back(static_cast<double>(t.end_ns - t.start_ns));
  state.counters["peak_concurrency"] = peak_concurrency(last->timeline);
  for (const auto& [name, value] : work.work_rate_counters(entry.batch, durations, entry.constants)) {
    state.counters[name] = value;
  }
  for (const auto& [name, value] : timeline_counters(figures_of(last->timeline, last->interval))) {
    state.counters[name] = value;
  }
  entry.recorded_batches.add({entry.repetitions_run, last->interval, std::move(last->timeline)});
  const auto& shown = entry.recorded_batches.shown();
  if (shown.repetition != entry.shown_repetition) {  // its columns are built once, not every repetition
    entry.shown_repetition = shown.repetition;
    entry.metadata->timeline = timeline_columns(shown.timeline, shown.interval, entry.batch,
                                                effective_workers(plan.settings, entry.batch.size()));
    entry.metadata->timeline["repetition"] = shown.repetition;
    entry.metadata->timeline["repetition_ns"] = shown.interval.count();
  }
  entry.metadata->timeline["median_ns"] = entry.recorded_batches.median_ns();
  entry.metadata->timeline["recorded_repetitions"] = entry.recorded_batches.recorded();

  // The probe batch: once, after the last timed repetition (the loop above has ended, so
  // nothing here is timed), and never for an entry that failed.
  // Batches of half a second or more are left unprobed: one more of them costs the suite's
  // time budget more than their figures tell (cpu at scale 100 holds nothing in memory; the
  // long sleep and http batches are probed at their parallel, shorter entries).
  const bool last_repetition = entry.repetitions <= 0 || entry.repetitions_run >= entry.repetitions;
  const bool affordable = entry.metadata->ideal_ns < max_untimed_batch_ns;
  if (last_repetition && affordable && !entry.failed && !stop.stop_requested()) {
    std::string probe_error;
    if (const auto probe = probe_resources(*batch_runner, work, entry.batch, stop, &probe_error, model)) {
      entry.metadata->entry_figures = probe_fields(*probe);
    } else if (!stop.stop_requested()) {
      // A failure never vanishes: the probe's batch is the entry's too (after Ctrl-C the
      // measured repetitions stand; the probe only loses its figures).
      entry.failed = true;
      state.SkipWithError(("probe batch (untimed, after the last repetition) failed: " + probe_error).c_str());
    }
  }
}

}  // namespace concbench
