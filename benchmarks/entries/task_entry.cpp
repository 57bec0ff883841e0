#include "benchmarks/entries/task_entry.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <system_error>

#include "benchmarks/entries/fork_server_dependency.hpp"
#include "benchmarks/entries/resource_probe.hpp"
#include "benchmarks/entries/timeline_figures.hpp"
#include "runners/batch/resource_limits.hpp"

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
      {"warm_up", warm_up_none},  // until it ran (start_repetition)
  };
  entry.ideal_ns = estimate.ideal_ns;
  entry.bound_ns = estimate.bound_ns;
  entry.comparison_key = plan.work->name() + " " + plan.work->params().dump();
  entry.is_sequential = s.model == model_kind::sequential;
  return entry;
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

std::chrono::milliseconds default_task_timeout(const workload& work) {
  return default_timeout_for_batch(work.nominal_sequential_ns());
}

task_entry::task_entry(entry_plan plan, std::vector<task_spec> batch, std::shared_ptr<entry_metadata> metadata,
                       machine_constants constants, const entry_options& options)
    : entry(std::move(metadata), options.timeout_or(default_task_timeout(*plan.work)), options.warm_up),
      plan_(std::move(plan)),
      batch_(std::move(batch)),
      constants_(std::move(constants)) {
  plan_.settings.task_timeout = timeout();
}

int task_entry::iterations() const { return iterations_per_sample(*plan_.work); }

bool task_entry::warm_pool() const { return plan_.settings.pool == pool_mode::warm && uses_pool(plan_.settings.model); }

std::span<const task_spec> task_entry::warming_tasks() const {
  const auto workers = static_cast<std::size_t>(std::max(plan_.settings.workers, 1));
  return std::span<const task_spec>(batch_).first(std::min(batch_.size(), 2 * workers));
}

bool task_entry::warms_up() const {
  return warm_up_asked() && !warm_pool() && metadata().ideal_ns < max_untimed_batch_ns;
}

bool task_entry::needs_fork_server() const { return concbench::needs_fork_server(plan_); }

// The harness's nominal time per repetition of a task entry, outside the timed batches, that of
// a small virtual machine (BENCHMARKS.md "Report writer"): an estimate, never a result.
constexpr double harness_seconds_per_repetition = 0.3e-3;
constexpr double harness_seconds_per_task = 0.12e-6;

double task_entry::estimated_run_seconds(int repetitions) const {
  const double batch_ns = std::max(metadata().ideal_ns, 1e5);
  // Untimed batches take wall time too: the warm-up, a warm pool's warming tasks before every
  // repetition (as a share of the batch, a nominal one: the tasks may differ in size), and the
  // probe batch after the first one.
  const double warming_share =
      batch_.empty() ? 0.0 : static_cast<double>(warming_tasks().size()) / static_cast<double>(batch_.size());
  const double untimed_batches = (warms_up() ? 1 : 0) + (warm_pool() ? repetitions * warming_share : 0) +
                                 (metadata().ideal_ns < max_untimed_batch_ns ? 1 : 0);
  // concbench's own work around each repetition (a runner made, the batch verified, its
  // timeline summarised: BENCHMARKS.md "Report writer"), which a batch of microseconds does
  // not hide: 10,000 repetitions of 10,000 empty tasks spend more time there than in batches.
  const double harness_seconds =
      repetitions * (harness_seconds_per_repetition + harness_seconds_per_task * static_cast<double>(batch_.size()));
  return (batch_ns * (iterations() * repetitions + untimed_batches)) / 1e9 + harness_seconds;
}

namespace {

// A repetition of a task entry: the runner it made (a warm pool started before the samples)
// and the last batch it measured.
class task_repetition final : public repetition {
 public:
  task_repetition(task_entry& measured, std::unique_ptr<runner> batch_runner)
      : entry_(measured), runner_(std::move(batch_runner)) {}

  std::optional<std::string> iterate(benchmark::State& state, std::stop_token stop) override {
    const auto& work = *entry_.plan().work;
    auto outcome = runner_->run(work, entry_.batch(), stop);
    state.PauseTiming();  // verification is not part of the measured process CPU time
    auto error = first_batch_error(work, entry_.batch(), outcome, model());
    state.ResumeTiming();
    if (error) return error;
    state.SetIterationTime(std::chrono::duration<double>(outcome.interval).count());
    last_ = std::move(outcome);
    return std::nullopt;
  }

  std::optional<std::string> finish(benchmark::State& state, std::stop_token stop) override {
    record_last_batch(state);
    return probe(stop);
  }

 private:
  std::string_view model() const { return to_string(entry_.plan().settings.model); }

  // The figures of the repetition's last batch as its counters, and its timeline when it is
  // the one the timeline file shows (representative_batch.hpp).
  void record_last_batch(benchmark::State& state) {
    const auto& work = *entry_.plan().work;
    auto& metadata = entry_.metadata();
    std::vector<double> durations;
    for (const auto& t : last_->timeline) durations.push_back(static_cast<double>(t.end_ns - t.start_ns));
    state.counters["peak_concurrency"] = peak_concurrency(last_->timeline);
    for (const auto& [name, value] : work.work_rate_counters(entry_.batch(), durations, entry_.constants())) {
      state.counters[name] = value;
    }
    for (const auto& [name, value] : timeline_counters(figures_of(last_->timeline, last_->interval))) {
      state.counters[name] = value;
    }
    auto& recorded = entry_.recorded_batches;
    recorded.add({entry_.repetitions_run, last_->interval, std::move(last_->timeline)});
    const auto& shown = recorded.shown();
    if (shown.repetition != entry_.shown_repetition) {  // its columns are built once, not every repetition
      entry_.shown_repetition = shown.repetition;
      metadata.timeline = timeline_columns(shown.timeline, shown.interval, entry_.batch(),
                                           effective_workers(entry_.plan().settings, entry_.batch().size()));
      metadata.timeline["repetition"] = shown.repetition;
      metadata.timeline["repetition_ns"] = shown.interval.count();
    }
    metadata.timeline["median_ns"] = recorded.median_ns();
    metadata.timeline["recorded_repetitions"] = recorded.recorded();
  }

  // The probe batch: once, after the first measured repetition's timed loop (task_entry.hpp;
  // the loop has ended, so nothing here is timed), and never for an entry that failed. Batches
  // of half a second or more are left unprobed: one more of them costs the suite's time budget
  // more than their figures tell (cpu at scale 100 holds nothing in memory; the long sleep and
  // http batches are probed at their parallel, shorter entries).
  std::optional<std::string> probe(std::stop_token stop) {
    const bool affordable = entry_.metadata().ideal_ns < max_untimed_batch_ns;
    if (entry_.probed || !affordable || entry_.failed || stop.stop_requested()) return std::nullopt;
    entry_.probed = true;
    std::string probe_error;
    if (const auto probe =
            probe_resources(*runner_, *entry_.plan().work, entry_.batch(), stop, &probe_error, model())) {
      entry_.metadata().entry_figures = probe_fields(*probe);
      return std::nullopt;
    }
    // A failure never vanishes: the probe's batch is the entry's too (after Ctrl-C the
    // measured repetitions stand; the probe only loses its figures).
    if (stop.stop_requested()) return std::nullopt;
    return "probe batch (untimed, after the first repetition) failed: " + probe_error;
  }

  task_entry& entry_;
  std::unique_ptr<runner> runner_;
  std::optional<batch_outcome> last_;
};

}  // namespace

std::unique_ptr<repetition> task_entry::start_repetition(std::stop_token stop) {
  const auto& work = *plan_.work;
  const auto model = to_string(plan_.settings.model);
  const std::string who = work.name() + " under " + std::string(model);
  std::unique_ptr<runner> batch_runner;
  try {
    batch_runner = make_runner(plan_.settings);  // a warm pool starts here, outside the samples
  } catch (const std::system_error& e) {
    throw std::runtime_error(who + ": could not start: " + explain_refusal(e, os_resource::thread));
  } catch (const std::exception& e) {
    throw std::runtime_error(who + ": could not start: " + e.what());
  }
  // The warm-up (task_entry.hpp): a warm pool's warming tasks before every repetition (its
  // workers started and each having run tasks of the workload before each sample), else the
  // whole batch once, before the first.
  if (warm_pool() || (warms_up() && repetitions_run == 1)) {
    const auto untimed = warm_pool() ? warming_tasks() : std::span<const task_spec>(batch_);
    const auto warm_up = batch_runner->run(work, untimed, stop);
    if (auto error = first_batch_error(work, untimed, warm_up, model)) {
      throw std::runtime_error("warm-up batch failed: " + *error);
    }
    metadata().fields["warm_up"] = warm_pool() ? warm_up_every_repetition : warm_up_first_repetition;
  }
  return std::make_unique<task_repetition>(*this, std::move(batch_runner));
}

}  // namespace concbench
