#pragma once
// The `messaging` scenario (docs/tutorials.md section 5, the tutorials' Pipe vs Queue): two
// parties, a client and an echo, exchange M messages of B bytes over a transport
// (message_channel.hpp: pipe, socket, shared-memory), in one of two modes:
//   round_trip  the client sends a message and waits for its echo before the next: latency,
//               reported as percentiles of the client's own round-trip times;
//   stream      the client sends all M back to back, the echo receives them (checking their
//               order) and answers once at the end: throughput.
// Every message carries its sequence number, checked by the receiver: a lost, repeated or
// reordered message is an error naming it.
//
// Models: threads (two threads of the measuring process) and processes-fork (two worker
// processes of the fork server, the channel's descriptors sent with the fork requests). The
// same transport in both shows what the process boundary itself costs.
//
// Pinning (docs/pitfalls.md "The machine": on a VM, waking a party on the other, idle vCPU
// can cost more than the copy and the process boundary together, so a round trip across
// CPUs can take several times one on a single CPU): `none` leaves placement to the
// scheduler; `same-cpu` pins both parties to the first CPU this process may run on;
// `cross-cpu` pins them to the first two (an error when it may run on only one). Each party
// pins itself as it passes the start gate and says at the end which CPU it ran on: a pinned
// party found elsewhere is an error.
//
// Figures: messages_per_second (M over the batch's interval), bytes_per_second; round_trip
// adds round_trip_p50_ns, round_trip_p99_ns, round_trip_mean_ns; processes-fork adds
// workers_cpu_ns (both workers, from wait4); a pinned batch adds client_cpu and echo_cpu.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "runners/scenarios/message_channel.hpp"
#include "runners/scenarios/scenario.hpp"

namespace concbench {

enum class messaging_mode { round_trip, stream };
enum class party_pinning { none, same_cpu, cross_cpu };

std::string_view to_string(messaging_mode mode);
std::string_view to_string(party_pinning pinning);

// Test seam: the echo of message `fault_message` fails (throws under threads, dies by SIGKILL
// under processes-fork) or answers with the wrong sequence number.
enum class messaging_fault { none, echo_throws, echo_dies, echo_misnumbers };

struct messaging_params {
  message_transport transport = message_transport::pipe;
  messaging_mode mode = messaging_mode::round_trip;
  std::size_t message_bytes = 64;  // B, at least 8 (the sequence number)
  std::uint64_t messages = 1000;   // M
  party_pinning pinning = party_pinning::none;
  messaging_fault fault = messaging_fault::none;
  std::uint64_t fault_message = 0;
};

// The CPUs this process may run on (sched_getaffinity), ascending.
std::vector<int> allowed_cpus();

class messaging_scenario final : public scenario {
 public:
  // Throws std::invalid_argument for fewer than 8 bytes, no message, or more than 64 MiB.
  explicit messaging_scenario(messaging_params params);

  std::string name() const override { return "messaging"; }
  nlohmann::json params() const override;
  // transport, mode, bytes, messages, pinning:
  //   messaging/processes-fork/W:2/transport:socket/mode:round_trip/bytes:64/messages:2000/pinning:none
  std::vector<std::pair<std::string, std::string>> name_keys() const override;
  bool supports(model_kind model) const override {
    return model == model_kind::threads || model == model_kind::processes_fork;
  }
  int workers(const run_settings&) const override { return 2; }
  double nominal_sequential_ns() const override;
  scenario_outcome run(const run_settings& settings, std::stop_token stop) const override;

  const messaging_params& settings() const { return params_; }

 private:
  messaging_params params_;
};

}  // namespace concbench
