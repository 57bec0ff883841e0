#pragma once
// `threads-asio`: a peer of our own `threads` pool — boost::asio::thread_pool's scheduler run by
// W threads, one `post` per task, so a free thread takes the next posted task (dynamic dispatch
// by Asio's queue instead of our atomic index). Cold: the pool is built and joined inside the
// measured interval; warm: built once, before any batch.
//
// The W threads are ours (start_thread, each attached to the pool with thread_pool::attach())
// rather than the ones asio::thread_pool(W) would create: Asio's constructor throws
// boost::system::system_error (not a std::system_error) when the OS refuses a thread, and when
// it refuses one after the first, the threads already started never exit (they wait for work the
// half-built pool still counts) and the constructor hangs joining them. Attached threads run the
// same scheduler loop as Asio's own; the one difference is who called pthread_create.

#include <memory>

#include "runners/batch/runner.hpp"

namespace concbench {

class asio_pool;  // the pool and its attached threads (asio_thread_pool_runner.cpp)

class asio_thread_pool_runner final : public runner {
 public:
  // A warm pool starts here; throws std::system_error when the OS refuses one of its threads.
  asio_thread_pool_runner(int workers, pool_mode pool);
  ~asio_thread_pool_runner() override;
  batch_outcome run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) override;

 private:
  int workers_;
  std::unique_ptr<asio_pool> warm_pool_;  // only for pool_mode::warm
};

}  // namespace concbench
