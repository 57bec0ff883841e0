#include "runners/process/process_pool.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "runners/batch/resource_limits.hpp"
#include "workloads/system/proc_files.hpp"

namespace concbench {
namespace {

using clock_type = std::chrono::steady_clock;

// A worker asked to exit (its pipe closed) gets this long before it is killed.
constexpr std::chrono::seconds exit_grace{5};
// epoll data of the stop request's eventfd; slots use their index.
constexpr std::uint64_t stop_marker = ~std::uint64_t{0};

std::optional<process_usage> read_proc_usage(int pid) {
  const std::string base = "/proc/" + std::to_string(pid);
  return parse_proc_usage(read_text(base + "/stat"), read_text(base + "/status"), ::sysconf(_SC_CLK_TCK));
}

}  // namespace

std::optional<std::int64_t> parse_pss_bytes(std::string_view smaps_rollup) {
  return kib_line_bytes(smaps_rollup, "Pss:");
}

std::optional<process_usage> parse_proc_usage(std::string_view stat, std::string_view status, long ticks_per_second) {
  // The command name (field 2) is in parentheses and may hold spaces: count from its end.
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  std::istringstream fields{std::string(stat.substr(close + 1))};
  std::string field;
  std::int64_t utime = -1, stime = -1;
  for (int number = 3; fields >> field && number <= 15; ++number) {
    if (number == 14) utime = std::stoll(field);
    if (number == 15) stime = std::stoll(field);
  }
  const auto voluntary = number_after(status, "voluntary_ctxt_switches:");
  const auto involuntary = number_after(status, "nonvoluntary_ctxt_switches:");
  if (utime < 0 || stime < 0 || !voluntary || !involuntary) return std::nullopt;
  const std::int64_t ns_per_tick = 1'000'000'000 / ticks_per_second;
  return process_usage{utime * ns_per_tick, stime * ns_per_tick, *voluntary, *involuntary};
}

struct process_pool::slot {
  std::unique_ptr<worker_process> process;  // released once reaped
  int pid = 0;
  line_reader reader;
  state current = state::starting;
  std::size_t index = 0;     // in slots_
  int number = 0;            // the timeline's worker column
  std::size_t task = 0;      // while busy: position in the batch
  std::uint64_t id = 0;      // while busy: the protocol id of that task
  std::string workload_key;  // the workload this worker was last set up with
  clock_type::time_point hello_deadline;
  std::optional<process_usage> usage_at_start;  // a sampled batch's start, if alive then
};

struct process_pool::batch {
  batch_recorder& recorder;
  const workload& work;
  batch_options options;
  std::string workload_key;
  std::size_t next = 0;                // the next task to hand out
  std::size_t finished = 0;            // tasks with a result or a failure recorded
  std::optional<std::string> failure;  // why the batch ends early
};

process_pool::process_pool(worker_launcher& launcher, std::string model_name)
    : launcher_(launcher), model_name_(std::move(model_name)), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (!epoll_) throw std::system_error(errno, std::generic_category(), "epoll_create1");
}

process_pool::~process_pool() {
  for (auto& worker : slots_) {
    if (worker->current != state::ended && worker->current != state::retiring) retire(*worker);
  }
  reap_retired(std::chrono::seconds(1));
  // Whatever did not exit in time is killed and reaped by its worker_process's destructor.
}

std::string process_pool::describe(const slot& worker) const {
  return "worker process #" + std::to_string(worker.number) + " (pid " + std::to_string(worker.pid) + ")";
}

void process_pool::launch(int count) {
  if (count <= 0) return;
  std::vector<std::unique_ptr<worker_process>> processes;
  try {
    for (int i = 0; i < count; ++i) check_injected_refusal(os_resource::process);
    processes = launcher_.launch(count);
  } catch (const std::system_error& e) {
    throw std::runtime_error(explain_refusal(e, os_resource::process));
  }
  const auto deadline = clock_type::now() + hello_timeout;
  for (auto& process : processes) {
    auto worker = std::make_unique<slot>();
    set_nonblocking(process->from_worker());
    epoll_event watch{};
    watch.events = EPOLLIN;
    watch.data.u64 = slots_.size();
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, process->from_worker(), &watch) != 0) {
      throw std::system_error(errno, std::generic_category(), "epoll_ctl");
    }
    worker->pid = process->pid();
    worker->process = std::move(process);
    worker->index = slots_.size();
    starting_order_.push_back(worker->index);
    worker->number = static_cast<int>(slots_.size());
    worker->hello_deadline = deadline;
    slots_.push_back(std::move(worker));
    ++starting_;
    ++active_;
  }
}

void process_pool::await_ready() {
  while (starting_ > 0) wait_for_events(-1);
  if (!lost_.empty()) {
    std::string message = std::move(lost_.front());
    for (std::size_t i = 1; i < lost_.size(); ++i) message += "; " + lost_[i];
    lost_.clear();
    broken_ = true;
    throw std::runtime_error(message);
  }
}

std::vector<int> process_pool::idle_pids() const {
  std::vector<int> pids;
  for (const auto& worker : slots_) {
    if (worker->current == state::idle) pids.push_back(worker->pid);
  }
  return pids;
}

void process_pool::ended(slot& worker) {
  worker.current = state::ended;
  worker.process.reset();  // reaped already: a per-task batch of many tasks keeps no handles
  worker.reader = line_reader{};
}

void process_pool::unwatch(slot& worker) {
  if (worker.process && worker.process->from_worker() >= 0) {
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, worker.process->from_worker(), nullptr);
  }
}

void process_pool::wait_for_events(int timeout_ms) {
  // The nearest hello deadline bounds the wait, so a worker that never speaks is noticed.
  while (!starting_order_.empty() && slots_[starting_order_.front()]->current != state::starting) {
    starting_order_.pop_front();
  }
  if (!starting_order_.empty()) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(slots_[starting_order_.front()]->hello_deadline -
                                                                   clock_type::now());
    const int wait = static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 60'000));
    timeout_ms = timeout_ms < 0 ? wait : std::min(timeout_ms, wait);
  }
  epoll_event events[64];
  int ready;
  while ((ready = ::epoll_wait(epoll_.get(), events, 64, timeout_ms)) < 0 && errno == EINTR) {
  }
  if (ready < 0) throw std::system_error(errno, std::generic_category(), "epoll_wait");
  for (int i = 0; i < ready; ++i) {
    if (events[i].data.u64 == stop_marker) {
      if (batch_ && !batch_->failure) batch_->failure = "interrupted: a stop was requested";
      continue;
    }
    slot& worker = *slots_[events[i].data.u64];
    if (worker.current == state::retiring || worker.current == state::ended) continue;  // stale event
    handle_readable(worker);
    if (batch_ && batch_->failure) return;
  }
  const auto later = clock_type::now();
  while (!starting_order_.empty()) {
    slot& worker = *slots_[starting_order_.front()];
    if (worker.current == state::starting) {
      if (later < worker.hello_deadline) break;
      worker_lost(worker,
                  "sent no hello within " + std::to_string(hello_timeout.count()) +
                      " s (is the worker binary a concbench build?)",
                  true);
    }
    starting_order_.pop_front();
  }
}

void process_pool::handle_readable(slot& worker) {
  try {
    const long got = worker.reader.fill(worker.process->from_worker());
    if (got < 0) return;
    if (got == 0) {
      worker_lost(worker, "", false);
      return;
    }
    while (worker.current == state::starting || worker.current == state::idle || worker.current == state::busy) {
      const auto line = worker.reader.next_line();
      if (!line) break;
      handle_line(worker, *line);
    }
  } catch (const protocol_error& e) {
    worker_lost(worker, std::string("broke the protocol: ") + e.what(), true);
  } catch (const std::system_error& e) {
    worker_lost(worker, std::string("could not be read from: ") + e.what(), true);
  }
}

void process_pool::handle_line(slot& worker, const std::string& line) {
  const worker_message message = parse_worker_message(line);
  if (const auto* fatal = std::get_if<fatal_message>(&message)) {
    worker_lost(worker, "gave up: " + fatal->reason, true);
    return;
  }
  const auto* reply = std::get_if<reply_message>(&message);
  switch (worker.current) {
    case state::starting: {
      const auto* hello = std::get_if<hello_message>(&message);
      if (!hello) throw protocol_error("expected the worker's hello first, got: " + quote_line(line));
      if (hello->pid != worker.pid) {
        throw protocol_error("hello from pid " + std::to_string(hello->pid) + ", but the worker is pid " +
                             std::to_string(worker.pid));
      }
      --starting_;
      worker.current = state::idle;
      if (batch_) dispatch(worker);
      return;
    }
    case state::busy: {
      if (!reply)
        throw protocol_error("expected the reply to task id " + std::to_string(worker.id) +
                             ", got: " + quote_line(line));
      check_reply_id(reply->id, worker.id);
      const clock_type::time_point start{std::chrono::nanoseconds(reply->start_ns)};
      const clock_type::time_point end{std::chrono::nanoseconds(reply->end_ns)};
      if (reply->result) {
        batch_->recorder.task_succeeded(worker.task, *reply->result, start, end);
      } else {
        batch_->recorder.task_failed(worker.task, reply->error, start, end);
      }
      ++batch_->finished;
      worker.current = state::idle;
      if (batch_->options.one_task_per_worker) {
        retire(worker);
      } else {
        dispatch(worker);
      }
      return;
    }
    default:
      if (reply) check_reply_id(reply->id, std::nullopt);
      throw protocol_error("unexpected message from a worker that holds no task: " + quote_line(line));
  }
}

void process_pool::dispatch(slot& worker) {
  batch& current = *batch_;
  if (current.failure || current.next >= current.recorder.size()) {
    if (current.options.keep_workers) return;
    retire(worker);  // a cold worker with nothing left to do exits now, beside the busy ones
    return;
  }
  const std::size_t index = current.next++;
  worker.task = index;
  worker.id = next_id_++;
  worker.current = state::busy;
  current.recorder.task_started(index, worker.number);
  try {
    if (worker.workload_key != current.workload_key) {
      write_line(worker.process->to_worker(),
                 encode(setup_message{protocol_version, current.work.name(), current.work.params()}));
      worker.workload_key = current.workload_key;
    }
    write_line(worker.process->to_worker(), encode(task_message{worker.id, current.recorder.task(index)}));
  } catch (const protocol_error& e) {
    worker_lost(worker, std::string("could not be sent the task: ") + e.what(), true);
  } catch (const std::system_error&) {
    worker_lost(worker, "", false);  // EPIPE: it is gone; its exit says why
  }
}

void process_pool::sample_pss(const slot& worker) {
  if (!sample_) return;
  if (const auto pss = parse_pss_bytes(read_text("/proc/" + std::to_string(worker.pid) + "/smaps_rollup"))) {
    sample_->pss_bytes += *pss;
    ++sample_->workers_sampled;
  }
}

void process_pool::retire(slot& worker) {
  // Still alive and not yet asked to exit: the last moment its memory can be read.
  if (batch_ && batch_->options.sample_resources) sample_pss(worker);
  if (worker.current == state::starting) --starting_;
  unwatch(worker);
  worker.process->close_pipes();  // end of file: the worker leaves its loop and exits
  worker.reader = line_reader{};
  worker.current = state::retiring;
  --active_;
  retiring_.push_back(worker.index);
}

std::optional<process_exit> process_pool::reap(slot& worker, std::chrono::milliseconds grace) {
  auto exit = worker.process->wait(grace);
  if (!exit) {
    worker.process->kill();
    exit = worker.process->wait(exit_grace);
  }
  if (exit) exits_.push_back(*exit);
  return exit;
}

void process_pool::reap_retired(std::chrono::milliseconds grace) {
  std::erase_if(retiring_, [&](std::size_t index) {
    slot& worker = *slots_[index];
    std::optional<process_exit> exit;
    if (grace.count() == 0) {
      exit = worker.process->wait(grace);
      if (!exit) return false;
      exits_.push_back(*exit);
    } else {
      exit = reap(worker, grace);
    }
    ended(worker);
    // A worker that ran its tasks and then ended badly still hides nothing.
    if (batch_ && (!exit || (exit->known() && !exit->clean()))) {
      batch_->recorder.batch_failed(describe(worker) + " " + (exit ? exit->describe() : "could not be reaped") +
                                    " after its last task");
    }
    return true;
  });
}

void process_pool::worker_lost(slot& worker, const std::string& what, bool kill_it) {
  if (worker.current == state::retiring || worker.current == state::ended) return;
  const bool was_busy = worker.current == state::busy;
  const bool was_starting = worker.current == state::starting;
  if (was_starting) --starting_;
  --active_;
  unwatch(worker);
  if (kill_it) worker.process->kill();
  worker.process->close_pipes();
  const auto exit = reap(worker, exit_grace);
  ended(worker);
  std::string cause = describe(worker) + " ";
  if (what.empty()) {
    cause += exit ? exit->describe() : "closed its pipe and could not be reaped";
    // Ending before the hello is what a binary that is no concbench worker does.
    if (was_starting) cause += " before its hello (is the worker binary a concbench build?)";
  } else {
    cause += what + (kill_it ? "; it was killed" : "");
  }
  if (!batch_) {
    lost_.push_back(model_name_ + ": " + cause);
    broken_ = true;
    return;
  }
  if (was_busy) {
    batch_->recorder.task_failed(worker.task, "its " + cause);
    ++batch_->finished;
    if (!batch_->failure) {
      batch_->failure = "the batch ended when task " + std::to_string(batch_->recorder.task(worker.task).index) +
                        "'s worker process failed";
    }
  } else {
    batch_->recorder.batch_failed(cause);
    if (!batch_->failure) batch_->failure = "the batch ended when " + describe(worker) + " failed";
  }
}

void process_pool::top_up() {
  batch& current = *batch_;
  const std::size_t unclaimed = current.recorder.size() - current.next;
  const auto wanted = std::min<std::size_t>(
      static_cast<std::size_t>(std::max(current.options.max_workers - active_, 0)),
      unclaimed > static_cast<std::size_t>(starting_) ? unclaimed - static_cast<std::size_t>(starting_) : 0);
  if (wanted > 0) {
    try {
      launch(static_cast<int>(wanted));
    } catch (const std::exception& e) {
      current.recorder.batch_failed(e.what());
      current.failure = std::string("the batch ended when no worker process could be started: ") + e.what();
    }
  }
  reap_retired(std::chrono::milliseconds(0));
}

void process_pool::abort_batch() {
  batch& current = *batch_;
  broken_ = true;
  for (auto& worker : slots_) {
    if (worker->current == state::ended || worker->current == state::retiring) continue;
    const bool was_busy = worker->current == state::busy;
    if (worker->current == state::starting) --starting_;
    --active_;
    unwatch(*worker);
    worker->process->kill();
    worker->process->close_pipes();
    reap(*worker, exit_grace);
    ended(*worker);
    if (was_busy) current.recorder.task_abandoned(worker->task, "stopped before it finished: " + *current.failure);
  }
  for (std::size_t i = current.next; i < current.recorder.size(); ++i) {
    current.recorder.task_abandoned(i, "never ran: " + *current.failure);
  }
  current.next = current.recorder.size();
  reap_retired(exit_grace);
}

void process_pool::run(batch_recorder& recorder, const workload& work, std::stop_token stop,
                       const batch_options& options) {
  if (broken_) throw std::logic_error("a broken process pool was asked to run a batch");
  batch current{recorder, work, options, work.name() + work.params().dump(), 0, 0, std::nullopt};
  batch_ = &current;
  struct clear_on_exit {
    batch*& pointer;
    ~clear_on_exit() { pointer = nullptr; }
  } clear{batch_};

  // A stop request wakes epoll_wait through an eventfd: writing one is safe from any thread.
  unique_fd stop_event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop_event) throw std::system_error(errno, std::generic_category(), "eventfd");
  epoll_event watch{};
  watch.events = EPOLLIN;
  watch.data.u64 = stop_marker;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, stop_event.get(), &watch);
  struct unwatch_on_exit {
    int epoll, fd;
    ~unwatch_on_exit() { ::epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr); }
  } unwatch_stop{epoll_.get(), stop_event.get()};
  std::stop_callback on_stop(stop, [fd = stop_event.get()] {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto ignored = ::write(fd, &one, sizeof one);
  });

  sample_.reset();
  int most_alive = active_;
  if (options.sample_resources) {
    sample_.emplace();
    // Workers alive now (a warm pool's) may outlive the batch: their CPU use is the growth of
    // their /proc figures; workers reaped by the batch have wait4's instead (take_exits()).
    for (auto& worker : slots_) {
      worker->usage_at_start.reset();
      if (options.keep_workers && (worker->current == state::idle || worker->current == state::starting)) {
        worker->usage_at_start = read_proc_usage(worker->pid);
      }
    }
  }

  try {
    if (stop.stop_requested()) current.failure = "interrupted: a stop was requested";
    for (auto& worker : slots_) {
      if (!current.failure && worker->current == state::idle) dispatch(*worker);
    }
    while (!current.failure && current.finished < recorder.size()) {
      if (options.one_task_per_worker) top_up();
      most_alive = std::max(most_alive, active_);
      if (current.failure) break;
      wait_for_events(-1);
    }
  } catch (const std::exception& e) {
    if (!current.failure) current.failure = std::string("the runner failed: ") + e.what();
    recorder.batch_failed(*current.failure);
  }
  if (current.failure) {
    abort_batch();
    sample_.reset();  // a failed batch's figures are not reported
    return;
  }
  if (options.sample_resources) {
    for (auto& worker : slots_) {
      // Workers that are not kept are sampled as they retire, and reaped: wait4 has their usage.
      if (worker->current != state::idle || !options.keep_workers) continue;
      sample_pss(*worker);
      if (worker->usage_at_start) {
        if (const auto now = read_proc_usage(worker->pid))
          sample_->kept_workers_usage += *now - *worker->usage_at_start;
      }
    }
  }
  if (!options.keep_workers) {
    for (auto& worker : slots_) {
      if (worker->current == state::idle || worker->current == state::starting) retire(*worker);
    }
    reap_retired(exit_grace);
  }
  // One process per task: the batch's workers were never all alive together; the memory of
  // those alive at once is their mean times the most that were.
  if (sample_ && options.one_task_per_worker && sample_->workers_sampled > 0) {
    sample_->pss_bytes = sample_->pss_bytes / sample_->workers_sampled * std::max(most_alive, 1);
  }
}

}  // namespace concbench
