// processes-fork's launcher: every fork goes through the fork server.

#include "runners/process/fork_server.hpp"
#include "runners/process/worker_process.hpp"

namespace concbench {
namespace {

class forked_process final : public worker_process {
 public:
  explicit forked_process(forked_worker worker)
      : worker_process(worker.pid, std::move(worker.to_worker), std::move(worker.from_worker)) {}

  ~forked_process() override {
    if (exit_) return;
    close_pipes();
    try {
      kill();
      wait(std::chrono::seconds(10));
    } catch (...) {
      // The fork server has gone; it took its children with it.
    }
  }

  void kill() override {
    if (!exit_) kill_forked_worker(pid_);
  }

  std::optional<process_exit> wait(std::chrono::milliseconds timeout) override {
    if (!exit_) exit_ = wait_forked_worker(pid_, timeout);
    return exit_;
  }

 private:
  std::optional<process_exit> exit_;
};

class fork_launcher final : public worker_launcher {
 public:
  std::vector<std::unique_ptr<worker_process>> launch(int count) override {
    std::vector<std::unique_ptr<worker_process>> processes;
    for (auto& worker : fork_workers(count)) processes.push_back(std::make_unique<forked_process>(std::move(worker)));
    return processes;
  }
};

}  // namespace

std::unique_ptr<worker_launcher> make_fork_launcher() {
  if (!fork_server_running()) {
    throw std::logic_error(
        "processes-fork needs the fork server: call concbench::start_fork_server() first thing in "
        "main");
  }
  return std::make_unique<fork_launcher>();
}

}  // namespace concbench
