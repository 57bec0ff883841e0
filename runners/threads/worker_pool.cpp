#include "runners/threads/worker_pool.hpp"

#include "runners/batch/thread_start.hpp"

namespace concbench {

worker_pool::worker_pool(int workers) {
  threads_.reserve(static_cast<std::size_t>(workers));
  try {
    for (int w = 0; w < workers; ++w) threads_.push_back(start_thread(&worker_pool::worker_loop, this, w));
  } catch (...) {
    stop_all();
    throw;
  }
}

worker_pool::~worker_pool() { stop_all(); }

void worker_pool::stop_all() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  job_ready_.notify_all();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

void worker_pool::run(const job& work) {
  std::unique_lock lock(mutex_);
  current_ = &work;
  unfinished_ = size();
  ++generation_;
  lock.unlock();
  job_ready_.notify_all();
  lock.lock();
  job_done_.wait(lock, [this] { return unfinished_ == 0; });
  current_ = nullptr;
}

void worker_pool::worker_loop(int worker) {
  std::uint64_t seen = 0;
  for (;;) {
    const job* work = nullptr;
    {
      std::unique_lock lock(mutex_);
      job_ready_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      work = current_;
    }
    (*work)(worker);
    bool last = false;
    {
      std::lock_guard lock(mutex_);
      last = --unfinished_ == 0;
    }
    if (last) job_done_.notify_one();
  }
}

}  // namespace concbench
