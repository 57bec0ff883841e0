#include "runners/scenarios/scenario_worker.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <string>
#include <utility>

#include "runners/batch/name_table.hpp"
#include "runners/process/child_reset.hpp"
#include "runners/scenarios/scenario_jobs.hpp"
#include "runners/threads/gated_threads.hpp"
#include "workloads/system/steady_now.hpp"

namespace concbench {
namespace {

constexpr std::pair<scenario_job_kind, std::string_view> job_kind_names[] = {
    {scenario_job_kind::shared_counter, "shared-counter"},
    {scenario_job_kind::pipeline_producer, "pipeline-producer"},
    {scenario_job_kind::pipeline_consumer, "pipeline-consumer"},
    {scenario_job_kind::messaging_client, "messaging-client"},
    {scenario_job_kind::messaging_echo, "messaging-echo"},
    {scenario_job_kind::fork_cost_parent, "fork-cost-parent"},
};

// False when the measuring process has gone (EPIPE): nobody is left to tell.
bool send_report(int fd, const scenario_report& report) {
  const char* bytes = reinterpret_cast<const char*>(&report);
  std::size_t left = sizeof report;
  while (left > 0) {
    const ssize_t n = ::write(fd, bytes, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

// Blocks until the gate opens (end of file: the measuring process closed its end).
bool wait_at_gate(int fd) {
  char byte;
  for (;;) {
    const ssize_t n = ::read(fd, &byte, 1);
    if (n == 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

// Before the ready report: what must not count in the interval yet shapes what it measures.
void prepare_job(const forked_job& job) {
  if (job.kind == static_cast<std::uint32_t>(scenario_job_kind::fork_cost_parent)) {
    prepare_fork_cost_parent_job(decode_job<fork_cost_parent_job>(job));
  }
}

std::uint64_t run_job(const forked_job& job, std::span<const int> own_fds, job_figures& figures) {
  switch (static_cast<scenario_job_kind>(job.kind)) {
    case scenario_job_kind::shared_counter:
      return run_shared_counter_job(decode_job<shared_counter_job>(job), own_fds);
    case scenario_job_kind::pipeline_producer:
      return run_pipeline_producer_job(decode_job<pipeline_producer_job>(job), own_fds);
    case scenario_job_kind::pipeline_consumer:
      return run_pipeline_consumer_job(decode_job<pipeline_consumer_job>(job), own_fds);
    case scenario_job_kind::messaging_client:
      return run_messaging_client_job(decode_job<messaging_client_job>(job), own_fds, figures);
    case scenario_job_kind::messaging_echo:
      return run_messaging_echo_job(decode_job<messaging_echo_job>(job), own_fds, figures);
    case scenario_job_kind::fork_cost_parent:
      return run_fork_cost_parent_job(decode_job<fork_cost_parent_job>(job), own_fds, figures);
  }
  throw std::runtime_error("unknown scenario job kind " + std::to_string(job.kind));
}

// Fills in a failed report with what escaped a job.
void record_failure(scenario_report& report, std::exception_ptr escaped) {
  report.what = scenario_report::kind::failed;
  try {
    std::rethrow_exception(escaped);
  } catch (const std::exception& e) {
    const std::size_t length = std::min(std::strlen(e.what()), sizeof report.message - 1);
    std::memcpy(report.message, e.what(), length);
  } catch (...) {
    std::strcpy(report.message, "an exception that is not a std::exception");
  }
}

}  // namespace

std::string_view to_string(scenario_job_kind kind) { return name_in(job_kind_names, kind); }

void refuse_job_kind(std::uint32_t found, scenario_job_kind wanted) {
  throw scenario_job_mismatch("a forked job of kind " + std::to_string(found) + " (" +
                              std::string(to_string(static_cast<scenario_job_kind>(found))) + ") is not a " +
                              std::string(to_string(wanted)) + " job");
}

void run_scenario_worker_and_exit(const forked_job& job, std::span<const int> fds) {
  reset_child_process(fds, "concbench-scn");
  if (fds.size() < scenario_first_own_fd) ::_exit(2);
  const int report_fd = fds[scenario_report_fd];
  try {
    prepare_job(job);
  } catch (...) {
    scenario_report report;
    record_failure(report, std::current_exception());
    send_report(report_fd, report);
    ::_exit(0);
  }
  if (!send_report(report_fd, {})) ::_exit(0);  // ready
  if (!wait_at_gate(fds[scenario_gate_fd])) ::_exit(1);
  scenario_report report;
  report.start_ns = steady_now_ns();
  try {
    report.count = run_job(job, fds.subspan(scenario_first_own_fd), report.figures);
    report.what = scenario_report::kind::done;
  } catch (...) {
    record_failure(report, std::current_exception());
  }
  report.end_ns = steady_now_ns();
  send_report(report_fd, report);
  ::_exit(0);
}

}  // namespace concbench
