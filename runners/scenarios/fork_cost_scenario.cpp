#include "runners/scenarios/fork_cost_scenario.hpp"

#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include "runners/batch/name_table.hpp"
#include "runners/batch/resource_limits.hpp"
#include "runners/process/process_exit.hpp"
#include "runners/scenarios/scenario_jobs.hpp"
#include "runners/scenarios/scenario_processes.hpp"
#include "workloads/system/proc_files.hpp"

extern char** environ;

namespace concbench {
namespace {

constexpr std::pair<process_start, std::string_view> start_names[] = {
    {process_start::fork, "fork"},
    {process_start::fork_exec, "fork-exec"},
    {process_start::posix_spawn, "posix_spawn"},
};

constexpr std::uint64_t mebibyte = std::uint64_t{1} << 20;

// The figures' places in job_figures.
constexpr std::size_t figure_min = 0;
constexpr std::size_t figure_median = 1;
constexpr std::size_t figure_max = 2;
constexpr std::size_t figure_rss = 3;

bool runs_program(process_start start) { return start != process_start::fork; }

std::string program_of(const fork_cost_parent_job& job) {
  return std::string(job.program, strnlen(job.program, sizeof job.program));
}

// VmRSS from /proc/self/status, in bytes; 0 when it cannot be read.
double own_resident_bytes() {
  return static_cast<double>(kib_line_bytes(read_text("/proc/self/status"), "VmRSS:").value_or(0));
}

// MemAvailable from /proc/meminfo, in bytes; nullopt when it cannot be read.
std::optional<double> available_bytes() {
  const auto bytes = kib_line_bytes(read_text("/proc/meminfo"), "MemAvailable:");
  if (!bytes) return std::nullopt;
  return static_cast<double>(*bytes);
}

// The parent's grown memory and what it measured, from prepare to run. A scenario worker runs
// exactly one job and leaves through _exit, which unmaps it: nothing here is ever freed by hand.
struct grown_parent {
  void* memory = nullptr;
  double resident_bytes = 0;
};
grown_parent parent;

std::string describe_errno(const char* call, int error) {
  if (error == EAGAIN)
    return explain_refusal(std::system_error(error, std::generic_category(), call), os_resource::process);
  return std::string(call) + ": " + std::strerror(error);
}

// Starts one child and returns its pid; throws naming the call and errno.
pid_t start_child(process_start start, const char* program) {
  char* const argv[] = {const_cast<char*>(program), nullptr};
  switch (start) {
    case process_start::fork:
    case process_start::fork_exec: {
      const pid_t pid = ::fork();
      if (pid < 0) throw std::runtime_error(describe_errno("fork", errno));
      if (pid == 0) {
        if (start == process_start::fork_exec) ::execve(program, argv, environ);
        // fork: nothing to do. fork-exec: execve failed; 127 is what a shell says then.
        ::_exit(start == process_start::fork ? 0 : 127);
      }
      return pid;
    }
    case process_start::posix_spawn: {
      pid_t pid = -1;
      // glibc reports an exec failure here too (its child reports it before the parent resumes).
      const int error = ::posix_spawn(&pid, program, nullptr, nullptr, argv, environ);
      if (error != 0) throw std::runtime_error(describe_errno("posix_spawn", error) + " (" + program + ")");
      return pid;
    }
  }
  throw std::logic_error("unknown start kind");
}

process_exit reap_child(pid_t pid) {
  int status = 0;
  ::rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
  }
  return {status, usage};
}

}  // namespace

std::string_view to_string(process_start start) { return name_in(start_names, start); }

std::optional<process_start> parse_process_start(std::string_view text) { return kind_in(start_names, text); }

model_kind model_of(process_start start) {
  return start == process_start::fork ? model_kind::processes_fork : model_kind::processes_spawn;
}

// The worker-process side (scenario_jobs.hpp), before the gate: make the memory resident.
void prepare_fork_cost_parent_job(const fork_cost_parent_job& job) {
  const auto start = job.start;
  const std::uint64_t bytes = job.parent_bytes;
  if (runs_program(start)) {
    const auto program = program_of(job);
    // Said once, before the gate, rather than as the first start's failure.
    if (::access(program.c_str(), X_OK) != 0) {
      const int error = errno;  // before the message's allocations
      throw std::runtime_error("cannot run " + program + " (" + std::string(to_string(start)) +
                               "): " + std::strerror(error));
    }
  }
  // Refused up front rather than left to the OOM killer, which might pick another process
  // (mmap alone does not tell: with overcommit it succeeds whatever the size).
  if (const auto available = available_bytes(); available && static_cast<double>(bytes) > *available) {
    throw std::runtime_error("the parent's " + std::to_string(bytes / mebibyte) + " MiB do not fit in the " +
                             std::to_string(static_cast<std::uint64_t>(*available / mebibyte)) +
                             " MiB this machine has available (MemAvailable): choose a smaller parent_rss_mb");
  }
  // Should memory run short anyway, this large parent is the OOM killer's first choice, not the
  // fork server beside it (every later processes-fork entry needs the server) nor the measuring
  // process. Raising one's own score needs no privilege; failing to is harmless.
  std::ofstream("/proc/self/oom_score_adj") << 1000;
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    const int error = errno;
    throw std::runtime_error("could not map " + std::to_string(bytes / mebibyte) +
                             " MiB for the parent's resident memory: " + std::strerror(error));
  }
  // 4 KiB pages, not transparent huge pages: fork copies one page-table entry per page, so
  // the cost measured is that of memory a program allocates in small pieces, the same whether
  // the machine's THP setting is `always` or `madvise`. Best effort (a kernel without THP
  // fails it, and has only small pages anyway).
  ::madvise(memory, bytes, MADV_NOHUGEPAGE);
  // A write, not a read, to every page: a read would map the shared zero page, not memory
  // of its own.
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  auto* bytes_of = static_cast<volatile unsigned char*>(memory);
  for (std::size_t at = 0; at < bytes; at += page) bytes_of[at] = 1;
  parent.memory = memory;
  parent.resident_bytes = own_resident_bytes();
  // No child may hold the report pipe or the gate (a child that outlived the parent would keep
  // the measuring process from seeing the parent's end of file): close-on-exec for every
  // descriptor from 3 up. Best effort; a fork child _exits at once anyway.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
}

// After the gate: `starts` starts, one at a time, each timed from the call to its reaping.
std::uint64_t run_fork_cost_parent_job(const fork_cost_parent_job& job, std::span<const int>, job_figures& figures) {
  const auto start = job.start;
  const auto starts = static_cast<std::uint64_t>(job.starts);
  const auto program = program_of(job);
  // Reserved before the loop, so no start pays for an allocation.
  std::vector<std::int64_t> took;
  took.reserve(starts);
  for (std::uint64_t i = 0; i < starts; ++i) {
    const auto began = std::chrono::steady_clock::now();
    pid_t pid;
    try {
      pid = start_child(start, program.c_str());
    } catch (const std::exception& e) {
      throw std::runtime_error("start " + std::to_string(i + 1) + " of " + std::to_string(starts) + ": " + e.what());
    }
    const auto exit = reap_child(pid);
    const auto ended = std::chrono::steady_clock::now();
    if (!exit.clean()) {
      std::string what = "start " + std::to_string(i + 1) + " of " + std::to_string(starts) + ": the child (" +
                         std::string(to_string(start)) + (runs_program(start) ? " of " + program : "") + ") " +
                         exit.describe();
      if (start == process_start::fork_exec && WIFEXITED(exit.status) && WEXITSTATUS(exit.status) == 127) {
        what += " (its execve failed)";
      }
      throw std::runtime_error(what);
    }
    took.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(ended - began).count());
  }
  std::sort(took.begin(), took.end());
  if (!took.empty()) {
    const std::size_t n = took.size();
    figures.values[figure_min] = static_cast<double>(took.front());
    figures.values[figure_median] =
        n % 2 == 1 ? static_cast<double>(took[n / 2]) : (static_cast<double>(took[n / 2 - 1]) + took[n / 2]) / 2;
    figures.values[figure_max] = static_cast<double>(took.back());
  }
  figures.values[figure_rss] = parent.resident_bytes;
  return took.size();
}

fork_cost_scenario::fork_cost_scenario(fork_cost_params params) : params_(std::move(params)) {
  if (params_.parent_rss_mb < 1) throw std::invalid_argument("fork-cost: parent_rss_mb must be at least 1");
  if (params_.parent_rss_mb > (std::uint64_t{1} << 20)) {
    throw std::invalid_argument("fork-cost: parent_rss_mb " + std::to_string(params_.parent_rss_mb) +
                                " is above 1 TiB");
  }
  if (params_.starts < 1) throw std::invalid_argument("fork-cost: starts must be at least 1");
  if (params_.program.empty() || params_.program.front() != '/' || params_.program.size() > max_program_length) {
    throw std::invalid_argument("fork-cost: the program must be an absolute path of at most " +
                                std::to_string(max_program_length) + " bytes, not '" + params_.program + "'");
  }
}

nlohmann::json fork_cost_scenario::params() const {
  nlohmann::json json = {{"parent_rss_mb", params_.parent_rss_mb},
                         {"start", std::string(to_string(params_.start))},
                         {"starts", params_.starts}};
  if (runs_program(params_.start)) json["program"] = params_.program;
  return json;
}

std::vector<std::pair<std::string, std::string>> fork_cost_scenario::name_keys() const {
  return {{"parent_rss_mb", std::to_string(params_.parent_rss_mb)},
          {"start", std::string(to_string(params_.start))},
          {"starts", std::to_string(params_.starts)}};
}

// Nominal costs, the same on every machine so that every machine runs the same batches, of the
// order a small (2-vCPU) x86 virtual machine under load takes: a fork and reap ~200 µs plus
// ~45 µs per MiB of the parent's resident memory (its page tables copied), an exec and exit of
// /bin/true ~400 µs more, a posix_spawn of it ~500 µs whatever the parent's size.
double fork_cost_scenario::nominal_sequential_ns() const {
  const double mib = static_cast<double>(params_.parent_rss_mb);
  double per_start = 0;
  switch (params_.start) {
    case process_start::fork:
      per_start = 200e3 + 45e3 * mib;
      break;
    case process_start::fork_exec:
      per_start = 600e3 + 45e3 * mib;
      break;
    case process_start::posix_spawn:
      per_start = 500e3;
      break;
  }
  return per_start * params_.starts;
}

// Forking the parent from the fork server ~1 ms; making its memory resident (a page fault and
// a zeroed page per 4 KiB) and freeing it when it exits ~500 µs per MiB.
double fork_cost_scenario::nominal_setup_ns() const { return 1e6 + 500e3 * static_cast<double>(params_.parent_rss_mb); }

scenario_outcome fork_cost_scenario::run(const run_settings& settings, std::stop_token stop) const {
  const std::string who = "fork-cost (start " + std::string(to_string(params_.start)) + ", parent " +
                          std::to_string(params_.parent_rss_mb) + " MiB) under " +
                          std::string(to_string(settings.model));
  scenario_outcome outcome;
  if (!supports(settings.model)) {
    outcome.error = who + ": this start runs under " + std::string(to_string(model_of(params_.start))) + " only";
    return outcome;
  }
  fork_cost_parent_job job;
  job.start = params_.start;
  job.starts = params_.starts;
  job.parent_bytes = params_.parent_rss_mb * mebibyte;
  std::memcpy(job.program, params_.program.data(), params_.program.size());  // at most max_program_length
  scenario_worker_spec spec;
  spec.job = encode_job(job);
  spec.label = "parent";
  scenario_processes_outcome run;
  outcome.error = settle_batch(who, stop, [&] {
    run = run_scenario_processes({spec}, {}, stop, who);
    return run.error;
  });
  if (!outcome.ok()) return outcome;
  const auto& parent_finish = run.workers.at(0);
  const auto expected = static_cast<std::uint64_t>(params_.starts);
  if (parent_finish.count != expected) {
    outcome.error = who + ": " + std::to_string(parent_finish.count) + " starts made of " + std::to_string(expected);
    return outcome;
  }
  const double resident = parent_finish.figures.values[figure_rss];
  const double asked = static_cast<double>(params_.parent_rss_mb * mebibyte);
  if (resident < asked) {
    outcome.error = who + ": the parent's resident memory was " + std::to_string(resident / mebibyte) +
                    " MiB, below the " + std::to_string(params_.parent_rss_mb) +
                    " MiB asked for (swapped out or not read): its fork cost would not be that size's";
    return outcome;
  }
  outcome.interval = run.interval;
  outcome.figures = {
      {"ns_per_start_min", parent_finish.figures.values[figure_min]},
      {"ns_per_start_median", parent_finish.figures.values[figure_median]},
      {"ns_per_start_max", parent_finish.figures.values[figure_max]},
      {"ns_per_start_mean", static_cast<double>(run.interval.count()) / static_cast<double>(expected)},
      {"parent_rss_bytes", resident},
      {"starts", static_cast<double>(expected)},
  };
  return outcome;
}

}  // namespace concbench
