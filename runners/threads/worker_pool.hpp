#pragma once
// W std::threads that run one job per batch: every worker calls the job with its index, and
// run() returns when all have returned. The job claims tasks itself (an atomic index), so a
// batch costs one std::function, not one per task.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace concbench {

class worker_pool {
 public:
  using job = std::function<void(int worker)>;

  // Starts the threads; throws std::system_error (after stopping the ones it started) when
  // the system refuses one.
  explicit worker_pool(int workers);
  ~worker_pool();
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  // Runs `work` on every worker at once and waits for all of them.
  void run(const job& work);

  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void worker_loop(int worker);
  void stop_all();

  std::mutex mutex_;
  std::condition_variable job_ready_;
  std::condition_variable job_done_;
  const job* current_ = nullptr;
  std::uint64_t generation_ = 0;  // bumped per job, so a worker runs each job exactly once
  int unfinished_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace concbench
