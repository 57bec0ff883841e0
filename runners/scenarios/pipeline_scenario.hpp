#pragma once
// The `pipeline` scenario (docs/tutorials.md section 5): `producers` producers pass M items
// through a bounded queue of capacity C to `consumers` consumers, who stop on a close signal once
// every producer is done. Each item has a unique id (producer p makes ids [p·M/P, (p+1)·M/P))
// and a check word; consumers record what they got, and the measuring side checks the multiset:
// every id exactly once, a duplicate or a missing item an error naming it.
//
// Models:
//   sequential      one thread: producers fill the queue in turn until it is full, consumers
//                   drain it in turn (the queue's own cost, the reference for speedups);
//   threads         one thread per producer and consumer, a std::mutex + condition_variable
//                   queue; the last producer closes it, consumers drain it and stop;
//   coroutines      one coroutine per producer and consumer on an io_context run by
//                   loop_threads threads, an asio::experimental::concurrent_channel of capacity
//                   C. Asio 1.26's close() discards what is still buffered (channel_service.hpp),
//                   so the close signal travels as a message: the last producer sends one end
//                   marker per consumer behind the items;
//   processes-fork  one worker process per producer and consumer; producers write 16-byte
//                   records to one pipe (one write per item: atomic below PIPE_BUF), consumers
//                   read one record per read; close = every producer's write end closed (end of
//                   file). A pipe's capacity is whole pages: it is set to the smallest size that
//                   holds C records (at least one 4 KiB page, 256 records), and the figure
//                   queue_capacity_items says what it was. Consumers count what they got in a
//                   shared memfd (one counter per id).
//
// Figures: items, items_per_second, queue_capacity_items; under processes-fork also
// workers_cpu_ns (the workers' CPU time from wait4).

#include <cstdint>
#include <string_view>

#include "runners/scenarios/scenario.hpp"

namespace concbench {

// Test seams, about the item `fault_item`: the consumer that receives it fails (under
// processes-fork consumer_dies kills that consumer process with SIGKILL; elsewhere it is the same
// as consumer_throws), or the producer that owns it sends it twice or never.
enum class pipeline_fault { none, consumer_throws, consumer_dies, producer_duplicates, producer_drops };

struct pipeline_params {
  int producers = 1;
  int consumers = 1;
  std::uint64_t items = 10'000;  // M
  std::uint64_t capacity = 64;   // C
  pipeline_fault fault = pipeline_fault::none;
  std::uint64_t fault_item = 0;  // the id the fault is about
};

class pipeline_scenario final : public scenario {
 public:
  // Throws std::invalid_argument for a count below 1.
  explicit pipeline_scenario(pipeline_params params);

  std::string name() const override { return "pipeline"; }
  nlohmann::json params() const override;
  // producers, consumers, capacity, items: pipeline/threads/W:4/producers:2/consumers:2/capacity:64/items:10000
  std::vector<std::pair<std::string, std::string>> name_keys() const override;
  // producers + consumers (threads, processes), loop_threads (coroutines), 1 (sequential).
  int workers(const run_settings& settings) const override;
  double nominal_sequential_ns() const override;
  scenario_outcome run(const run_settings& settings, std::stop_token stop) const override;

  const pipeline_params& settings() const { return params_; }

 private:
  pipeline_params params_;
};

}  // namespace concbench
