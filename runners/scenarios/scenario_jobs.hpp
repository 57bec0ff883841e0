#pragma once
// The jobs a scenario worker runs under processes-fork (scenario_worker.hpp), one struct per
// kind, with the body each scenario defines for it. The measuring process fills one in and
// sends encode_job(job) through the fork server; the worker decodes it by its kind and runs the
// body between the gate and its done report, with the job's own descriptors. A body returns the
// count to report (a body with figures of its own fills them in too) and throws on failure.

#include <cstdint>
#include <span>

#include "runners/scenarios/fork_cost_scenario.hpp"
#include "runners/scenarios/messaging_scenario.hpp"
#include "runners/scenarios/pipeline_scenario.hpp"
#include "runners/scenarios/scenario_worker.hpp"
#include "runners/scenarios/shared_counter_scenario.hpp"

namespace concbench {

// One of the processes updating the counter. Descriptor: the memfd holding the counter page.
// Count: the updates it made.
struct shared_counter_job {
  static constexpr scenario_job_kind kind = scenario_job_kind::shared_counter;
  shared_counter_params params;
};
std::uint64_t run_shared_counter_job(const shared_counter_job& job, std::span<const int> own_fds);

// Producer `producer` of `producers`, which sends its share of the ids below `items`.
// Descriptor: the pipe's write end. Count: the items it sent.
struct pipeline_producer_job {
  static constexpr scenario_job_kind kind = scenario_job_kind::pipeline_producer;
  std::uint64_t items = 0;
  std::int32_t producers = 1;
  std::int32_t producer = 0;
  pipeline_fault fault = pipeline_fault::none;
  std::uint64_t fault_item = 0;
};
std::uint64_t run_pipeline_producer_job(const pipeline_producer_job& job, std::span<const int> own_fds);

// A consumer, which counts every id it receives in the shared per-id counts. Descriptors: the
// pipe's read end, the memfd of the counts. Count: the items it received.
struct pipeline_consumer_job {
  static constexpr scenario_job_kind kind = scenario_job_kind::pipeline_consumer;
  std::uint64_t items = 0;
  pipeline_fault fault = pipeline_fault::none;
  std::uint64_t fault_item = 0;
};
std::uint64_t run_pipeline_consumer_job(const pipeline_consumer_job& job, std::span<const int> own_fds);

// Either party of the messaging scenario. Descriptors: its end of the channel
// (message_end_fds). Count: the messages it handled.
struct messaging_party {
  messaging_params params;
  std::int32_t cpu = -1;  // the CPU it pins itself to; -1: not pinned
};
struct messaging_client_job : messaging_party {
  static constexpr scenario_job_kind kind = scenario_job_kind::messaging_client;
};
struct messaging_echo_job : messaging_party {
  static constexpr scenario_job_kind kind = scenario_job_kind::messaging_echo;
};
// Figures: round-trip p50, p99 and mean in ns (zero in stream mode), the CPU it ran on.
std::uint64_t run_messaging_client_job(const messaging_client_job& job, std::span<const int> own_fds,
                                       job_figures& figures);
// Figures: the CPU it ran on.
std::uint64_t run_messaging_echo_job(const messaging_echo_job& job, std::span<const int> own_fds, job_figures& figures);

// The fork-cost parent: grows to `parent_bytes` resident before the gate, then makes `starts`
// starts of `program` (fork-exec, posix_spawn) or of itself (fork). No descriptors of its own.
// Count: the starts made.
struct fork_cost_parent_job {
  static constexpr scenario_job_kind kind = scenario_job_kind::fork_cost_parent;
  process_start start = process_start::fork;
  std::int32_t starts = 0;
  std::uint64_t parent_bytes = 0;
  char program[max_program_length + 1] = {};  // NUL-terminated
};
// What it does before it reports ready, outside the interval: it grows its resident memory.
void prepare_fork_cost_parent_job(const fork_cost_parent_job& job);
// Figures: the fastest, median and slowest start in ns, its resident bytes.
std::uint64_t run_fork_cost_parent_job(const fork_cost_parent_job& job, std::span<const int> own_fds,
                                       job_figures& figures);

}  // namespace concbench
