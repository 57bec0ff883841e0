#pragma once
// Ctrl-C and SIGTERM during a run (README "What happens when things go wrong"). SIGINT and
// SIGTERM are blocked in every thread and taken by one thread with sigwait, so no handler runs
// in the middle of a measurement. The first signal requests the run's stop: the running batch
// stops (tasks honour their stop token, worker processes are killed and reaped), the entries
// left are reported as interrupted, the report on disk stays valid with "complete": false and
// concbench exits 128 + the signal (130, 143). A second signal quits at once: the rows measured
// until then are in the partial report (report_collector.hpp), at most a second old.

#include <atomic>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace concbench {

class interruption {
 public:
  // Blocks the signals and starts the waiting thread. Construct it before any other thread
  // (the mask is inherited by the threads started later). Throws std::system_error when its
  // thread cannot be started.
  interruption();
  ~interruption();
  interruption(const interruption&) = delete;
  interruption& operator=(const interruption&) = delete;

  std::stop_token token() const { return stop_.get_token(); }
  // Stops the run as the first signal would, for a reason of concbench's own (a report that
  // can no longer be written): signal() stays 0.
  void request_stop() { stop_.request_stop(); }
  // Where the rows measured so far are, said when a second signal quits at once: the partial
  // report during the run, the report once it is written. Any thread may set it.
  void set_quit_note(std::string note) {
    std::lock_guard lock(quit_note_mutex_);
    quit_note_ = std::move(note);
  }
  // The first signal taken (SIGINT, SIGTERM), 0 while none came.
  int signal() const { return signal_.load(); }
  // "SIGINT", or empty while no signal came.
  std::string signal_name() const;
  // What concbench exits with after the signal: 128 + its number.
  int exit_status() const { return 128 + signal(); }

 private:
  void wait_for_signals();

  std::stop_source stop_;
  std::mutex quit_note_mutex_;
  std::string quit_note_;
  std::atomic<int> signal_{0};
  std::atomic<bool> closing_{false};
  std::thread waiter_;
};

}  // namespace concbench
