#include "runners/process/process_pool_runner.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "runners/batch/batch_recorder.hpp"

namespace concbench {

process_pool_runner::process_pool_runner(const run_settings& settings)
    : model_(settings.model), workers_(settings.workers), pool_(settings.pool) {
  if (model_ == model_kind::processes_fork) {
    launcher_ = make_fork_launcher();
  } else if (model_ == model_kind::processes_spawn) {
    launcher_ = make_spawn_launcher(settings.worker_executable);
  } else {
    throw std::invalid_argument("process_pool_runner runs only the process models, not " +
                                std::string(to_string(model_)));
  }
  if (pool_ == pool_mode::warm) warm_pool_ = start_warm_pool();
}

process_pool_runner::~process_pool_runner() = default;

std::unique_ptr<process_pool> process_pool_runner::start_warm_pool() {
  auto pool = std::make_unique<process_pool>(*launcher_, std::string(to_string(model_)));
  pool->launch(workers_);
  pool->await_ready();
  pool->take_exits();
  return pool;
}

batch_outcome process_pool_runner::run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) {
  const std::string model_name(to_string(model_));
  last_exits_.clear();
  const bool sample = std::exchange(sample_next_, false);
  // A warm pool broken by the last batch is rebuilt before this batch's interval starts.
  std::optional<std::string> warm_error;
  if (pool_ == pool_mode::warm && (!warm_pool_ || warm_pool_->broken())) {
    warm_pool_.reset();
    try {
      warm_pool_ = start_warm_pool();
    } catch (const std::exception& e) {
      warm_error = e.what();
    }
  }

  batch_recorder recorder(batch, work.name(), model_name, stop, watchdog());
  const auto fail_all = [&](const std::string& why) {
    recorder.batch_failed(why);
    for (std::size_t i = 0; i < batch.size(); ++i) recorder.task_failed(i, "never ran: no worker process for it");
  };
  if (warm_error) {
    fail_all("could not start a warm pool of " + std::to_string(workers_) + " worker processes: " + *warm_error);
    return recorder.finish();
  }

  process_pool::batch_options options;
  options.max_workers = workers_;
  options.sample_resources = sample;
  std::unique_ptr<process_pool> cold_pool;
  process_pool* pool = warm_pool_.get();
  if (pool_ != pool_mode::warm) {
    options.keep_workers = false;
    options.one_task_per_worker = pool_ == pool_mode::per_task;
    // Per-task pools start no more processes than there are tasks; a cold pool is a pool of
    // W whatever the batch, like the threads model's.
    const int first = options.one_task_per_worker
                          ? static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(workers_), batch.size()))
                          : workers_;
    try {
      cold_pool = std::make_unique<process_pool>(*launcher_, model_name);
      cold_pool->launch(first);
    } catch (const std::exception& e) {
      cold_pool.reset();  // kills and reaps any worker it did start
      fail_all("could not start " + std::to_string(first) + " worker processes: " + e.what());
      return recorder.finish();
    }
    pool = cold_pool.get();
  }

  pool->run(recorder, work, recorder.stop_token(), options);
  last_exits_ = pool->take_exits();
  const auto resources = pool->take_resource_sample();
  cold_pool.reset();
  if (warm_pool_ && warm_pool_->broken()) warm_pool_.reset();  // its workers are already reaped
  auto outcome = recorder.finish();
  if (resources) {
    // Every worker process of the batch: wait4's usage of those it reaped (not
    // RUSAGE_CHILDREN: processes-fork workers are the fork server's children, and its maxrss
    // is a maximum), and the /proc growth of the warm ones it kept.
    process_usage usage = resources->kept_workers_usage;
    for (const auto& exit : last_exits_) usage += usage_of(exit.usage);
    outcome.workers_usage = usage;
    if (resources->workers_sampled > 0) outcome.workers_pss_bytes = resources->pss_bytes;
  }
  return outcome;
}

}  // namespace concbench
