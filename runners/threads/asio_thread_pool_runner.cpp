#include "runners/threads/asio_thread_pool_runner.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "runners/batch/batch_recorder.hpp"
#include "runners/batch/thread_start.hpp"

namespace concbench {
namespace {

// The index of the pool thread running the calling code (its timeline worker), set once by
// each pool thread before it attaches; -1 outside a pool.
thread_local int pool_worker = -1;

}  // namespace

// boost::asio::thread_pool with W attached threads of ours. The destructor stops the pool and
// joins the threads (a batch has waited for its own tasks before).
class asio_pool {
 public:
  // Throws std::system_error (after stopping the threads it started) when one is refused.
  explicit asio_pool(int workers) : pool_(0) {
    threads_.reserve(static_cast<std::size_t>(workers));
    try {
      for (int w = 0; w < workers; ++w) {
        threads_.push_back(start_thread([this, w] {
          pool_worker = w;
          pool_.attach();  // runs posted tasks until the pool is stopped
        }));
      }
    } catch (...) {
      stop_and_join();
      throw;
    }
  }
  ~asio_pool() { stop_and_join(); }
  asio_pool(const asio_pool&) = delete;
  asio_pool& operator=(const asio_pool&) = delete;

  boost::asio::thread_pool& pool() { return pool_; }

 private:
  void stop_and_join() {
    pool_.stop();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
  }

  boost::asio::thread_pool pool_;
  std::vector<std::thread> threads_;
};

namespace {

// Counts the batch's tasks down; the caller waits until every one has ended. The last task
// signals while holding the mutex, so the waiter cannot return (and destroy this) before the
// signal is sent.
class tasks_left {
 public:
  explicit tasks_left(std::size_t count) : left_(count) {}
  void one_ended() {
    std::lock_guard lock(mutex_);
    if (--left_ == 0) all_ended_.notify_one();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    all_ended_.wait(lock, [this] { return left_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable all_ended_;
  std::size_t left_;
};

// One post per task; returns when every task has ended (or never ran, named).
void run_batch(asio_pool& pool, const workload& work, batch_recorder& recorder) {
  tasks_left left(recorder.size());
  std::size_t posted = 0;
  try {
    for (; posted < recorder.size(); ++posted) {
      boost::asio::post(pool.pool(), [&work, &recorder, &left, i = posted] {
        recorder.run_blocking(work, i, pool_worker);
        left.one_ended();
      });
    }
  } catch (const std::exception& e) {
    recorder.batch_failed(std::string("could not post a task to the pool: ") + e.what());
    for (std::size_t i = posted; i < recorder.size(); ++i) {
      recorder.task_failed(i, "never ran: it could not be posted");
      left.one_ended();
    }
  }
  left.wait();
}

}  // namespace

asio_thread_pool_runner::asio_thread_pool_runner(int workers, pool_mode pool) : workers_(workers) {
  if (pool == pool_mode::warm) warm_pool_ = std::make_unique<asio_pool>(workers);
}

asio_thread_pool_runner::~asio_thread_pool_runner() = default;

batch_outcome asio_thread_pool_runner::run(const workload& work, std::span<const task_spec> batch,
                                           std::stop_token stop) {
  const auto model = to_string(model_kind::threads_asio);
  batch_recorder recorder(batch, work.name(), model, stop, watchdog());
  if (warm_pool_) {
    run_batch(*warm_pool_, work, recorder);
  } else {
    std::unique_ptr<asio_pool> cold_pool;
    try {
      cold_pool = std::make_unique<asio_pool>(workers_);
    } catch (const std::system_error& e) {
      recorder.batch_failed("could not start a pool of " + std::to_string(workers_) +
                            " threads: " + explain_refusal(e, os_resource::thread));
      for (std::size_t i = 0; i < batch.size(); ++i) recorder.task_failed(i, "never ran: the pool did not start");
    }
    if (cold_pool) {
      run_batch(*cold_pool, work, recorder);
      cold_pool.reset();  // stopped and joined inside the interval
    }
  }
  return recorder.finish();
}

}  // namespace concbench
