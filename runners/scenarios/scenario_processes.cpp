#include "runners/scenarios/scenario_processes.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>

#include "runners/process/fork_server.hpp"
#include "runners/scenarios/scenario.hpp"
#include "runners/threads/gated_threads.hpp"
#include "workloads/system/steady_now.hpp"

namespace concbench {
namespace {

// Every scenario worker runs run_scenario_worker_and_exit in its forked child. Registered while
// static objects are initialised, before main can start the fork server (which is a copy of this
// process, entry point included); every binary that runs a scenario under processes-fork links
// this file, since run_scenario_processes is in it.
[[maybe_unused]] const bool scenario_workers_registered = [] {
  register_forked_job_entry(run_scenario_worker_and_exit);
  return true;
}();

// One report, or nullopt on end of file (the worker has gone). A report is written with one
// write of less than PIPE_BUF bytes, so it arrives whole; a torn one is end of file too.
std::optional<scenario_report> read_report(int fd) {
  scenario_report report;
  char* bytes = reinterpret_cast<char*>(&report);
  std::size_t got = 0;
  while (got < sizeof report) {
    const ssize_t n = ::read(fd, bytes + got, sizeof report - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    got += static_cast<std::size_t>(n);
  }
  report.message[sizeof report.message - 1] = '\0';
  return report;
}

class worker_group {
 public:
  worker_group(const std::vector<scenario_worker_spec>& specs, const std::string& who) : specs_(specs), who_(who) {}
  ~worker_group() { reap(true); }

  void start(std::vector<unique_fd> close_after_fork);
  scenario_processes_outcome run(std::stop_token stop);

 private:
  std::string name(std::size_t i) const {
    return who_ + ": " + specs_[i].label + " (pid " + std::to_string(pids_[i]) + ")";
  }
  std::string how_it_ended(std::size_t i);
  std::string label(std::size_t i) const { return specs_[i].label + " (pid " + std::to_string(pids_[i]) + ")"; }
  // A failed worker's report, and when it failed by its own clock.
  struct failure {
    std::int64_t at_ns;
    std::string text;  // "client (pid 7) failed: ..."
  };
  // The first of the other unfinished workers found dead (end of file on its report pipe)
  // within a short grace period, described by its label; nullopt when none is. Other workers that report a
  // failure within that period are added to `failures`.
  std::optional<std::string> find_death(std::size_t failed, const std::vector<bool>& finished,
                                        std::vector<failure>& failures);
  // Reaps every worker, killing first those not yet reaped when `kill_first` (else only those
  // that have not exited within 10 s); the first error is kept.
  void reap(bool kill_first);

  const std::vector<scenario_worker_spec>& specs_;
  std::string who_;
  std::vector<int> pids_;
  std::vector<bool> reaped_;
  std::vector<unique_fd> reports_;  // read ends
  std::chrono::nanoseconds workers_cpu_{0};
  unique_fd gate_;  // write end: closing it opens the gate
  std::string reap_error_;
};

void worker_group::start(std::vector<unique_fd> close_after_fork) {
  auto gate = make_pipe();
  std::vector<pipe_ends> report_pipes;
  std::vector<forked_job_request> requests;
  for (const auto& spec : specs_) {
    report_pipes.push_back(make_pipe());
    forked_job_request request{spec.job, {report_pipes.back().write_end.get(), gate.read_end.get()}};
    request.fds.insert(request.fds.end(), spec.own_fds.begin(), spec.own_fds.end());
    requests.push_back(std::move(request));
  }
  pids_ = fork_jobs(requests);
  reaped_.assign(pids_.size(), false);
  // Only the workers hold these now: end of file on a report pipe means its worker has gone,
  // and the data pipes' readers see end of file once every writer is done.
  close_after_fork.clear();
  for (auto& pipe : report_pipes) reports_.push_back(std::move(pipe.read_end));
  gate_ = std::move(gate.write_end);
}

std::string worker_group::how_it_ended(std::size_t i) {
  try {
    if (const auto exit = wait_forked_worker(pids_[i], std::chrono::seconds(5))) {
      reaped_[i] = true;
      return exit->describe();
    }
  } catch (const std::exception& e) {
    return std::string("cannot tell: ") + e.what();
  }
  return "closed its report pipe";
}

std::optional<std::string> worker_group::find_death(std::size_t failed, const std::vector<bool>& finished,
                                                    std::vector<failure>& failures) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  std::vector<pollfd> polled;
  std::vector<std::size_t> polled_worker;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    if (i == failed || finished[i]) continue;
    polled.push_back({reports_[i].get(), POLLIN, 0});
    polled_worker.push_back(i);
  }
  std::size_t watched = polled.size();
  while (watched > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    const int ready = ::poll(polled.data(), polled.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    for (std::size_t p = 0; p < polled.size(); ++p) {
      if (polled[p].fd < 0 || polled[p].revents == 0) continue;
      const std::size_t i = polled_worker[p];
      if ((polled[p].revents & (POLLHUP | POLLERR)) != 0) {
        // Its writer has gone: read what it left, up to end of file.
        bool finished_its_share = false;
        while (const auto report = read_report(reports_[i].get())) {
          if (report->what != scenario_report::kind::ready) finished_its_share = true;
          if (report->what == scenario_report::kind::failed)
            failures.push_back({report->end_ns, label(i) + " failed: " + report->message});
        }
        if (!finished_its_share) return label(i) + " ended without finishing: it " + how_it_ended(i);
        polled[p].fd = -1;
        --watched;
      } else if (const auto report = read_report(reports_[i].get());
                 !report || report->what != scenario_report::kind::ready) {
        if (report && report->what == scenario_report::kind::failed)
          failures.push_back({report->end_ns, label(i) + " failed: " + report->message});
        polled[p].fd = -1;  // alive and reporting; or done, and it will hang up as it should
        --watched;
      }
    }
  }
  return std::nullopt;
}

scenario_processes_outcome worker_group::run(std::stop_token stop) {
  scenario_processes_outcome outcome;
  outcome.workers.resize(specs_.size());
  unique_fd stop_event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop_event) {
    outcome.error = who_ + ": eventfd: " + std::strerror(errno);
    return outcome;
  }
  std::stop_callback on_stop(stop, [fd = stop_event.get()] {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(fd, &one, sizeof one);
  });
  enum class phase { starting, ready, finished };
  std::vector<phase> phases(specs_.size(), phase::starting);
  std::size_t ready = 0, finished = 0;
  std::int64_t gate_opened_ns = 0;
  if (specs_.empty()) gate_.reset();
  std::vector<pollfd> polled;
  std::vector<std::size_t> polled_worker;
  while (finished < specs_.size()) {
    polled.assign(1, pollfd{stop_event.get(), POLLIN, 0});
    polled_worker.assign(1, 0);
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      if (phases[i] == phase::finished) continue;
      polled.push_back({reports_[i].get(), POLLIN, 0});
      polled_worker.push_back(i);
    }
    if (::poll(polled.data(), polled.size(), -1) < 0) {
      if (errno == EINTR) continue;
      outcome.error = who_ + ": poll: " + std::strerror(errno);
      return outcome;
    }
    if (polled[0].revents != 0 || stop.stop_requested()) {
      outcome.error = stopped_error;
      return outcome;
    }
    for (std::size_t p = 1; p < polled.size(); ++p) {
      if (polled[p].revents == 0) continue;
      const std::size_t i = polled_worker[p];
      const auto report = read_report(reports_[i].get());
      if (!report) {
        outcome.error = name(i) + " ended without finishing: it " + how_it_ended(i);
        return outcome;
      }
      switch (report->what) {
        case scenario_report::kind::ready:
          if (phases[i] != phase::starting) break;
          phases[i] = phase::ready;
          if (++ready == specs_.size()) {
            gate_opened_ns = steady_now_ns();
            gate_.reset();  // every worker sees end of file on the gate at once
          }
          break;
        case scenario_report::kind::done:
          phases[i] = phase::finished;
          ++finished;
          outcome.workers[i] = {report->count, report->start_ns, report->end_ns, report->figures};
          break;
        case scenario_report::kind::failed:
          // A failure is often the echo of another worker's death (a producer's EPIPE when the
          // consumers have died) or of another's failure (a client that sees the channel end
          // because its echo threw, and closed it, before reporting): name a death first, then
          // every failure in the order the workers' own clocks put them.
          std::vector<bool> finished_ones(phases.size());
          for (std::size_t k = 0; k < phases.size(); ++k) finished_ones[k] = phases[k] == phase::finished;
          std::vector<failure> failures{{report->end_ns, label(i) + " failed: " + report->message}};
          const auto death = find_death(i, finished_ones, failures);
          std::stable_sort(failures.begin(), failures.end(),
                           [](const failure& a, const failure& b) { return a.at_ns < b.at_ns; });
          outcome.error = who_ + ": " + (death ? *death + "; then " : std::string());
          for (std::size_t f = 0; f < failures.size(); ++f) outcome.error += (f ? "; then " : "") + failures[f].text;
          return outcome;
      }
    }
  }
  std::int64_t last_end = gate_opened_ns;
  for (const auto& w : outcome.workers) last_end = std::max(last_end, w.end_ns);
  outcome.interval = std::chrono::nanoseconds(last_end - gate_opened_ns);
  reap(false);
  if (!reap_error_.empty()) outcome.error = reap_error_;
  outcome.workers_cpu = workers_cpu_;
  return outcome;
}

void worker_group::reap(bool kill_first) {
  const auto kill = [this](std::size_t i) {
    try {
      kill_forked_worker(pids_[i]);
    } catch (...) {
      // The fork server has gone: it took its children with it.
    }
  };
  if (kill_first) {
    for (std::size_t i = 0; i < pids_.size(); ++i) {
      if (!reaped_[i]) kill(i);
    }
  }
  for (std::size_t i = 0; i < pids_.size(); ++i) {
    if (reaped_[i]) continue;
    try {
      auto exit = wait_forked_worker(pids_[i], std::chrono::seconds(10));
      if (!exit) {
        // A worker that reported done exits at once; one that does not is stuck: kill it.
        if (reap_error_.empty()) reap_error_ = name(i) + " did not exit within 10 s of finishing";
        kill(i);
        exit = wait_forked_worker(pids_[i], std::chrono::seconds(10));
      } else if (!kill_first && !exit->clean() && reap_error_.empty()) {
        reap_error_ = name(i) + " finished, then " + exit->describe();
      }
      if (exit) {
        const auto cpu = [](const timeval& t) {
          return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
        };
        workers_cpu_ += cpu(exit->usage.ru_utime) + cpu(exit->usage.ru_stime);
      }
      reaped_[i] = true;
    } catch (const std::exception& e) {
      reaped_[i] = true;
      if (reap_error_.empty()) reap_error_ = who_ + ": " + e.what();
    }
  }
}

}  // namespace

scenario_processes_outcome run_scenario_processes(const std::vector<scenario_worker_spec>& specs,
                                                  std::vector<unique_fd> close_after_fork, std::stop_token stop,
                                                  const std::string& who) {
  if (stop.stop_requested()) {
    scenario_processes_outcome outcome;
    outcome.error = stopped_error;
    return outcome;
  }
  worker_group group(specs, who);
  try {
    group.start(std::move(close_after_fork));
  } catch (const std::exception& e) {
    scenario_processes_outcome outcome;
    outcome.error = who + ": could not start the workers: " + e.what();
    return outcome;
  }
  return group.run(stop);
}

}  // namespace concbench
