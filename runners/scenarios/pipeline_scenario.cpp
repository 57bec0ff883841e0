#include "runners/scenarios/pipeline_scenario.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <tuple>

#include "runners/batch/batch_recorder.hpp"
#include "runners/process/shared_memory.hpp"
#include "runners/scenarios/scenario_jobs.hpp"
#include "runners/scenarios/scenario_processes.hpp"
#include "runners/threads/gated_threads.hpp"

namespace concbench {
namespace {

// One item on the queue: its id and a check word, so a torn or corrupt record is caught.
struct item_record {
  std::uint64_t id = 0;
  std::uint64_t check = 0;
};
static_assert(sizeof(item_record) == 16);

// The coroutines' close signal (one per consumer, behind every item).
constexpr std::uint64_t end_marker = std::numeric_limits<std::uint64_t>::max();

std::uint64_t check_of(std::uint64_t id) { return (id * 0x9E3779B97F4A7C15ull) ^ 0x5EEDC0FFEEull; }
item_record make_item(std::uint64_t id) { return {id, check_of(id)}; }

// Producer p's ids: [first, last).
std::pair<std::uint64_t, std::uint64_t> ids_of(std::uint64_t items, int producers, int p) {
  const auto share = [&](int k) {
    return items * static_cast<std::uint64_t>(k) / static_cast<std::uint64_t>(producers);
  };
  return {share(p), share(p + 1)};
}

// The ids producer p sends, in order: its share, unless a test fault duplicates or drops one.
class producer_cursor {
 public:
  producer_cursor(std::uint64_t items, int producers, int p, pipeline_fault fault, std::uint64_t fault_item)
      : fault_(fault), fault_item_(fault_item) {
    std::tie(next_, last_) = ids_of(items, producers, p);
  }

  std::optional<std::uint64_t> next() {
    if (repeat_) {
      repeat_ = false;
      return fault_item_;
    }
    while (next_ < last_) {
      const auto id = next_++;
      if (id != fault_item_) return id;
      if (fault_ == pipeline_fault::producer_drops) continue;
      repeat_ = fault_ == pipeline_fault::producer_duplicates;
      return id;
    }
    return std::nullopt;
  }

 private:
  pipeline_fault fault_;
  std::uint64_t fault_item_;
  std::uint64_t next_ = 0;
  std::uint64_t last_ = 0;
  bool repeat_ = false;
};

producer_cursor cursor_of(const pipeline_params& params, int p) {
  return producer_cursor(params.items, params.producers, p, params.fault, params.fault_item);
}

// What a consumer does with each item it receives, before recording it.
void accept_item(const item_record& item, std::uint64_t items, const pipeline_params& params, bool in_process) {
  if (item.id >= items || item.check != check_of(item.id)) {
    throw std::runtime_error("received a corrupt item (id " + std::to_string(item.id) + ", check " +
                             std::to_string(item.check) + ")");
  }
  const bool consumer_fault =
      params.fault == pipeline_fault::consumer_throws || params.fault == pipeline_fault::consumer_dies;
  if (consumer_fault && item.id == params.fault_item) {
    if (params.fault == pipeline_fault::consumer_dies && !in_process) ::raise(SIGKILL);
    throw std::runtime_error("failed on item " + std::to_string(item.id) + " (test fault)");
  }
}

// The multiset check: every id in [0, items) exactly once. Empty when right.
std::string delivery_error(const std::vector<std::uint32_t>& counts, const std::string& who) {
  std::size_t wrong = 0;
  std::string first;
  for (std::size_t id = 0; id < counts.size(); ++id) {
    if (counts[id] == 1) continue;
    if (wrong++ == 0) {
      first = counts[id] == 0
                  ? "item " + std::to_string(id) + " was never delivered"
                  : "item " + std::to_string(id) + " was delivered " + std::to_string(counts[id]) + " times";
    }
  }
  if (wrong == 0) return "";
  std::string message = who + ": " + first;
  if (wrong > 1) message += " (and " + std::to_string(wrong - 1) + " more items not delivered exactly once)";
  return message;
}

std::vector<std::uint32_t> count_deliveries(const std::vector<std::vector<std::uint64_t>>& received,
                                            std::uint64_t items) {
  std::vector<std::uint32_t> counts(items, 0);
  for (const auto& consumer : received) {
    for (const auto id : consumer) ++counts[id];  // accept_item checked the range
  }
  return counts;
}

// What each consumer's record reserves before the interval (at most 8 MB: a huge batch that is
// stopped early must not have taken its whole memory first).
std::size_t reserve_for(const pipeline_params& params) {
  return static_cast<std::size_t>(
      std::min<std::uint64_t>(params.items / static_cast<std::uint64_t>(params.consumers) + 1, 1u << 20));
}

struct raw_result {
  std::chrono::nanoseconds interval{0};
  std::optional<std::chrono::nanoseconds> workers_cpu;  // processes-fork: what wait4 says
  std::vector<std::uint32_t> counts;
  std::uint64_t capacity_items = 0;
  std::string error;
};

// ---------------------------------------------------------------------------------------------
// sequential

raw_result run_sequential(const pipeline_params& params, std::stop_token stop, const std::string& who) {
  raw_result raw;
  raw.capacity_items = params.capacity;
  std::vector<std::vector<std::uint64_t>> received(static_cast<std::size_t>(params.consumers));
  std::vector<producer_cursor> cursors;
  for (int p = 0; p < params.producers; ++p) cursors.push_back(cursor_of(params, p));
  std::vector<bool> finished(cursors.size(), false);
  std::size_t active = cursors.size();
  std::deque<item_record> queue;
  std::size_t producer = 0, consumer = 0;
  const auto start = std::chrono::steady_clock::now();
  try {
    while (active > 0 || !queue.empty()) {
      if (stop.stop_requested()) {
        raw.error = stopped_error;
        return raw;
      }
      // Producers in turn until the queue is full, then consumers in turn until it is empty.
      while (queue.size() < params.capacity && active > 0) {
        if (!finished[producer]) {
          if (const auto id = cursors[producer].next()) {
            queue.push_back(make_item(*id));
          } else {
            finished[producer] = true;
            --active;
          }
        }
        producer = (producer + 1) % cursors.size();
      }
      while (!queue.empty()) {
        const item_record item = queue.front();
        queue.pop_front();
        try {
          accept_item(item, params.items, params, true);
        } catch (const std::exception& e) {
          throw std::runtime_error("consumer " + std::to_string(consumer) + ": " + e.what());
        }
        received[consumer].push_back(item.id);
        consumer = (consumer + 1) % received.size();
      }
    }
  } catch (const std::exception& e) {
    raw.error = who + ": " + e.what();
    return raw;
  }
  raw.interval = std::chrono::steady_clock::now() - start;
  raw.counts = count_deliveries(received, params.items);
  return raw;
}

// ---------------------------------------------------------------------------------------------
// threads

class bounded_queue {
 public:
  explicit bounded_queue(std::size_t capacity) : capacity_(capacity) {}

  // False once the queue is abandoned.
  bool push(const item_record& item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_ || abandoned_; });
    if (abandoned_) return false;
    items_.push_back(item);
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  // nullopt once the queue is closed and drained, or abandoned.
  std::optional<item_record> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_ || abandoned_; });
    if (abandoned_ || items_.empty()) return std::nullopt;
    const item_record item = items_.front();
    items_.pop_front();
    lock.unlock();
    not_full_.notify_one();
    return item;
  }

  // The close signal: consumers drain what is left, then stop.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    not_empty_.notify_all();
  }

  // A failure or a stop request: everyone stops now.
  void abandon() {
    {
      std::lock_guard lock(mutex_);
      abandoned_ = true;
    }
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<item_record> items_;
  std::size_t capacity_;
  bool closed_ = false;
  bool abandoned_ = false;
};

raw_result run_threads(const pipeline_params& params, std::stop_token stop, const std::string& who) {
  raw_result raw;
  raw.capacity_items = params.capacity;
  bounded_queue queue(params.capacity);
  std::atomic<int> producers_left{params.producers};
  std::vector<std::vector<std::uint64_t>> received(static_cast<std::size_t>(params.consumers));
  for (auto& r : received) r.reserve(reserve_for(params));
  std::stop_callback on_stop(stop, [&queue] { queue.abandon(); });
  const auto body = [&](int i) {
    if (i < params.producers) {
      auto cursor = cursor_of(params, i);
      while (const auto id = cursor.next()) {
        if (!queue.push(make_item(*id))) return;
      }
      if (producers_left.fetch_sub(1) == 1) queue.close();
      return;
    }
    const int c = i - params.producers;
    auto& mine = received[static_cast<std::size_t>(c)];
    try {
      while (const auto item = queue.pop()) {
        accept_item(*item, params.items, params, true);
        mine.push_back(item->id);
      }
    } catch (const std::exception& e) {
      throw std::runtime_error("consumer " + std::to_string(c) + ": " + e.what());
    }
  };
  const auto run = run_gated_threads(
      params.producers + params.consumers, body, [&queue] { queue.abandon(); }, who);
  if (stop.stop_requested()) {
    raw.error = stopped_error;
    return raw;
  }
  raw.error = run.error;
  raw.interval = run.interval;
  if (raw.error.empty()) raw.counts = count_deliveries(received, params.items);
  return raw;
}

// ---------------------------------------------------------------------------------------------
// coroutines

using item_channel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code, item_record)>;

struct coroutine_batch {
  coroutine_batch(const pipeline_params& p, std::stop_token s, boost::asio::io_context& l, item_channel& c)
      : params(p),
        stop(std::move(s)),
        loop(l),
        channel(c),
        producers_left(p.producers),
        live(p.producers + p.consumers),
        received(static_cast<std::size_t>(p.consumers)) {}

  const pipeline_params& params;
  std::stop_token stop;
  boost::asio::io_context& loop;
  item_channel& channel;
  std::atomic<int> producers_left;
  std::atomic<int> live;
  std::atomic<bool> aborted{false};
  std::vector<std::vector<std::uint64_t>> received;
  std::mutex error_mutex;
  std::string error;

  // Every coroutine ends soon: each looks at `aborted` before its next operation, and one that
  // started an operation just before it was set is cancelled by a later round (a cancel only
  // reaches operations already waiting), until no coroutine is left.
  void abort() {
    aborted = true;
    channel.cancel();
    if (live.load() > 0) boost::asio::post(loop, [this] { abort(); });
  }
};

boost::asio::awaitable<void> producer(coroutine_batch& batch, int p) {
  using boost::asio::use_awaitable;
  auto cursor = cursor_of(batch.params, p);
  while (const auto id = cursor.next()) {
    if (batch.aborted.load(std::memory_order_relaxed)) co_return;
    co_await batch.channel.async_send(boost::system::error_code{}, make_item(*id), use_awaitable);
  }
  if (batch.producers_left.fetch_sub(1) == 1) {
    // The close signal, behind every item: close() would discard what is still buffered.
    for (int c = 0; c < batch.params.consumers; ++c) {
      if (batch.aborted.load(std::memory_order_relaxed)) co_return;
      co_await batch.channel.async_send(boost::system::error_code{}, item_record{end_marker, 0}, use_awaitable);
    }
  }
}

boost::asio::awaitable<void> consumer(coroutine_batch& batch, int c) {
  auto& mine = batch.received[static_cast<std::size_t>(c)];
  for (;;) {
    if (batch.aborted.load(std::memory_order_relaxed)) co_return;
    const item_record item = co_await batch.channel.async_receive(boost::asio::use_awaitable);
    if (item.id == end_marker) co_return;
    try {
      accept_item(item, batch.params.items, batch.params, true);
    } catch (const std::exception& e) {
      throw std::runtime_error("consumer " + std::to_string(c) + ": " + e.what());
    }
    mine.push_back(item.id);
  }
}

raw_result run_coroutines(const pipeline_params& params, int loop_threads, std::stop_token stop,
                          const std::string& who) {
  raw_result raw;
  raw.capacity_items = params.capacity;
  boost::asio::io_context loop(loop_threads);
  item_channel channel(loop, params.capacity);
  const int coroutines = params.producers + params.consumers;
  coroutine_batch batch(params, stop, loop, channel);
  for (auto& r : batch.received) r.reserve(reserve_for(params));
  for (int i = 0; i < coroutines; ++i) {
    auto coroutine = i < params.producers ? producer(batch, i) : consumer(batch, i - params.producers);
    // Never detached: the completion handler keeps whatever escaped the coroutine.
    boost::asio::co_spawn(loop, std::move(coroutine), [&batch, &who](std::exception_ptr error) {
      batch.live.fetch_sub(1);
      if (!error) return;
      {
        std::lock_guard lock(batch.error_mutex);
        if (batch.error.empty() && !batch.aborted.load()) batch.error = who + ": " + describe_exception(error);
      }
      batch.abort();
    });
  }
  // Declared after the loop and channel, so it is gone before they are.
  std::stop_callback on_stop(stop, [&] { boost::asio::post(loop, [&batch] { batch.abort(); }); });
  const auto run = run_gated_threads(
      loop_threads, [&](int) { loop.run(); }, [] {}, who);
  if (stop.stop_requested()) {
    raw.error = stopped_error;
    return raw;
  }
  raw.error = !batch.error.empty() ? batch.error : run.error;
  raw.interval = run.interval;
  if (raw.error.empty()) raw.counts = count_deliveries(batch.received, params.items);
  return raw;
}

// ---------------------------------------------------------------------------------------------
// processes-fork

raw_result run_processes(const pipeline_params& params, std::stop_token stop, const std::string& who) {
  raw_result raw;
  auto data = make_pipe();
  // The pipe's capacity in whole pages: the smallest that holds C records (the kernel rounds
  // up; at least one page). Left as it is when the kernel refuses (above pipe-max-size).
  const auto wanted = static_cast<long>(std::min<std::uint64_t>(params.capacity * sizeof(item_record), 1u << 30));
  ::fcntl(data.write_end.get(), F_SETPIPE_SZ, static_cast<int>(wanted));
  const int pipe_bytes = ::fcntl(data.write_end.get(), F_GETPIPE_SZ);
  raw.capacity_items = pipe_bytes > 0 ? static_cast<std::uint64_t>(pipe_bytes) / sizeof(item_record) : 0;
  auto memory = shared_memory::create("concbench-pipeline", params.items * sizeof(std::uint32_t));
  std::vector<scenario_worker_spec> specs;
  // Consumers first: when one dies, its end of file is read before a producer's EPIPE.
  for (int c = 0; c < params.consumers; ++c) {
    scenario_worker_spec spec;
    spec.job = encode_job(pipeline_consumer_job{params.items, params.fault, params.fault_item});
    spec.own_fds = {data.read_end.get(), memory.fd()};
    spec.label = "consumer " + std::to_string(c);
    specs.push_back(std::move(spec));
  }
  for (int p = 0; p < params.producers; ++p) {
    scenario_worker_spec spec;
    spec.job = encode_job(pipeline_producer_job{params.items, params.producers, p, params.fault, params.fault_item});
    spec.own_fds = {data.write_end.get()};
    spec.label = "producer " + std::to_string(p);
    specs.push_back(std::move(spec));
  }
  std::vector<unique_fd> close_after_fork;
  close_after_fork.push_back(std::move(data.read_end));
  close_after_fork.push_back(std::move(data.write_end));
  const auto run = run_scenario_processes(specs, std::move(close_after_fork), stop, who);
  if (stop.stop_requested()) {
    raw.error = stopped_error;
    return raw;
  }
  raw.error = run.error;
  raw.interval = run.interval;
  raw.workers_cpu = run.workers_cpu;
  if (!raw.error.empty()) return raw;
  std::uint64_t consumed = 0;
  for (int c = 0; c < params.consumers; ++c) consumed += run.workers[static_cast<std::size_t>(c)].count;
  const auto* counts = static_cast<const std::uint32_t*>(memory.data());
  raw.counts.assign(counts, counts + params.items);
  if (consumed != params.items && delivery_error(raw.counts, who).empty()) {
    raw.error =
        who + ": the consumers received " + std::to_string(consumed) + " items of " + std::to_string(params.items);
  }
  return raw;
}

void write_record(int fd, const item_record& item) {
  for (;;) {
    const ssize_t n = ::write(fd, &item, sizeof item);
    if (n == static_cast<ssize_t>(sizeof item)) return;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) throw std::runtime_error("every consumer has gone (EPIPE)");
    if (n < 0) throw std::system_error(errno, std::generic_category(), "write to the pipe");
    throw std::runtime_error("a record was written in part");  // cannot happen below PIPE_BUF
  }
}

}  // namespace

// The worker-process sides (scenario_jobs.hpp).
std::uint64_t run_pipeline_producer_job(const pipeline_producer_job& job, std::span<const int> own_fds) {
  if (own_fds.size() != 1) throw std::runtime_error("a producer needs the pipe's write end");
  producer_cursor cursor(job.items, job.producers, job.producer, job.fault, job.fault_item);
  // What it throws is reported under its label ("producer 1 (pid ...) failed: ...").
  std::uint64_t sent = 0;
  while (const auto id = cursor.next()) {
    write_record(own_fds[0], make_item(*id));
    ++sent;
  }
  return sent;
}

std::uint64_t run_pipeline_consumer_job(const pipeline_consumer_job& job, std::span<const int> own_fds) {
  if (own_fds.size() != 2) throw std::runtime_error("a consumer needs the pipe's read end and the shared memory");
  const auto items = job.items;
  pipeline_params params;
  params.fault = job.fault;
  params.fault_item = job.fault_item;
  auto memory = shared_memory::map(unique_fd(own_fds[1]), items * sizeof(std::uint32_t));
  auto* counts = static_cast<std::uint32_t*>(memory.data());
  std::uint64_t received = 0;
  for (;;) {
    item_record item;
    const ssize_t n = ::read(own_fds[0], &item, sizeof item);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "read from the pipe");
    if (n == 0) break;  // the close signal: every producer's write end is closed
    // Every write and every read is one whole record, so a short read means a broken pipe.
    if (n != static_cast<ssize_t>(sizeof item)) throw std::runtime_error("read a torn record");
    accept_item(item, items, params, false);
    std::atomic_ref<std::uint32_t>(counts[item.id]).fetch_add(1, std::memory_order_relaxed);
    ++received;
  }
  return received;
}

pipeline_scenario::pipeline_scenario(pipeline_params params) : params_(params) {
  if (params_.producers < 1) throw std::invalid_argument("pipeline: producers must be at least 1");
  if (params_.consumers < 1) throw std::invalid_argument("pipeline: consumers must be at least 1");
  if (params_.items < 1) throw std::invalid_argument("pipeline: items must be at least 1");
  if (params_.capacity < 1) throw std::invalid_argument("pipeline: capacity must be at least 1");
}

nlohmann::json pipeline_scenario::params() const {
  return {{"producers", params_.producers},
          {"consumers", params_.consumers},
          {"capacity", params_.capacity},
          {"items", params_.items}};
}

std::vector<std::pair<std::string, std::string>> pipeline_scenario::name_keys() const {
  return {{"producers", std::to_string(params_.producers)},
          {"consumers", std::to_string(params_.consumers)},
          {"capacity", std::to_string(params_.capacity)},
          {"items", std::to_string(params_.items)}};
}

int pipeline_scenario::workers(const run_settings& settings) const {
  switch (settings.model) {
    case model_kind::sequential:
      return 1;
    case model_kind::coroutines:
      return settings.loop_threads;
    default:
      return params_.producers + params_.consumers;
  }
}

double pipeline_scenario::nominal_sequential_ns() const {
  return 20.0 * static_cast<double>(params_.items);  // a deque push and pop and a record, nominally
}

scenario_outcome pipeline_scenario::run(const run_settings& settings, std::stop_token stop) const {
  const std::string who = "pipeline under " + std::string(to_string(settings.model));
  scenario_outcome outcome;
  if (!supports(settings.model)) {
    outcome.error = who + ": this model is not supported";
    return outcome;
  }
  if (settings.loop_threads < 1) {
    outcome.error = who + ": needs at least one loop thread";
    return outcome;
  }
  raw_result raw;
  outcome.error = settle_batch(who, stop, [&] {
    switch (settings.model) {
      case model_kind::sequential:
        raw = run_sequential(params_, stop, who);
        break;
      case model_kind::threads:
        raw = run_threads(params_, stop, who);
        break;
      case model_kind::coroutines:
        raw = run_coroutines(params_, settings.loop_threads, stop, who);
        break;
      case model_kind::processes_fork:
        raw = run_processes(params_, stop, who);
        break;
      default:
        break;
    }
    return raw.error.empty() ? delivery_error(raw.counts, who) : raw.error;
  });
  if (!outcome.ok()) return outcome;
  outcome.interval = raw.interval;
  const double seconds = std::chrono::duration<double>(raw.interval).count();
  outcome.figures = {
      {"items", static_cast<double>(params_.items)},
      {"items_per_second", seconds > 0 ? static_cast<double>(params_.items) / seconds : 0.0},
      {"queue_capacity_items", static_cast<double>(raw.capacity_items)},
  };
  if (raw.workers_cpu) outcome.figures["workers_cpu_ns"] = static_cast<double>(raw.workers_cpu->count());
  return outcome;
}

}  // namespace concbench
