#include "benchmarks/entries/resource_probe.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <system_error>

#include "runners/process/process_pool_runner.hpp"
#include "workloads/system/proc_files.hpp"

namespace concbench {

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

std::optional<std::int64_t> status_bytes(std::string_view status, std::string_view key) {
  return kib_line_bytes(status, std::string(key) + ":");
}

namespace {

std::optional<std::int64_t> own_status_bytes(std::string_view key) {
  return status_bytes(read_text("/proc/self/status"), key);
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

}  // namespace concbench
