#include "runners/scenarios/messaging_scenario.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>

#include "runners/batch/name_table.hpp"
#include "runners/scenarios/scenario_jobs.hpp"
#include "runners/scenarios/scenario_processes.hpp"
#include "runners/threads/gated_threads.hpp"
#include "workloads/system/steady_now.hpp"

namespace concbench {
namespace {

constexpr std::pair<messaging_mode, std::string_view> mode_names[] = {
    {messaging_mode::round_trip, "round_trip"},
    {messaging_mode::stream, "stream"},
};
constexpr std::pair<party_pinning, std::string_view> pinning_names[] = {
    {party_pinning::none, "none"},
    {party_pinning::same_cpu, "same-cpu"},
    {party_pinning::cross_cpu, "cross-cpu"},
};

constexpr std::size_t max_message_bytes = 64 * 1024 * 1024;

// Where each party runs: a CPU number, or -1 for wherever the scheduler puts it.
struct placement {
  int client_cpu = -1;
  int echo_cpu = -1;
};

placement place(party_pinning pinning, const std::string& who) {
  if (pinning == party_pinning::none) return {};
  const auto cpus = allowed_cpus();
  if (cpus.empty()) throw std::runtime_error(who + ": sched_getaffinity named no CPU");
  if (pinning == party_pinning::same_cpu) return {cpus[0], cpus[0]};
  if (cpus.size() < 2)
    throw std::runtime_error(who + ": cross-cpu pinning needs two CPUs, and this process may run on only CPU " +
                             std::to_string(cpus[0]) + " (taskset?)");
  return {cpus[0], cpus[1]};
}

void pin_calling_thread(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (const int error = ::pthread_setaffinity_np(::pthread_self(), sizeof set, &set); error != 0)
    throw std::system_error(error, std::generic_category(), "pinning to CPU " + std::to_string(cpu));
}

void put_sequence(std::span<std::byte> message, std::uint64_t sequence) {
  std::memcpy(message.data(), &sequence, sizeof sequence);
}

std::uint64_t sequence_of(std::span<const std::byte> message) {
  std::uint64_t sequence;
  std::memcpy(&sequence, message.data(), sizeof sequence);
  return sequence;
}

std::vector<std::byte> make_message(std::size_t bytes) {
  std::vector<std::byte> message(bytes);
  for (std::size_t i = 0; i < bytes; ++i) message[i] = static_cast<std::byte>(i * 131 + 7);
  return message;
}

// What the client measured: round-trip percentiles (round_trip mode) and the messages it got
// through.
struct client_result {
  std::uint64_t messages = 0;
  double p50_ns = 0, p99_ns = 0, mean_ns = 0;
  int cpu = -1;  // the CPU it ran on at the end (sched_getcpu): where pinning put it
};

struct echo_result {
  std::uint64_t messages = 0;
  int cpu = -1;
};

double percentile(std::vector<std::int64_t>& values, double fraction) {
  const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(values.size())));
  const auto index = std::min(values.size() - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return static_cast<double>(values[index]);
}

// The client: M messages, each numbered. Returns early (with what it got through) on a stop
// request; throws when the echo ends or answers out of order.
client_result run_client(message_end& end, const messaging_params& params, int cpu, std::stop_token stop) {
  pin_calling_thread(cpu);
  auto message = make_message(params.message_bytes);
  std::vector<std::byte> reply(params.message_bytes);
  client_result result;
  if (params.mode == messaging_mode::round_trip) {
    std::vector<std::int64_t> round_trips(params.messages);
    for (std::uint64_t i = 0; i < params.messages; ++i) {
      if (stop.stop_requested()) return result;
      put_sequence(message, i);
      const std::int64_t sent = steady_now_ns();
      end.send(message);
      if (!end.receive(reply))
        throw std::runtime_error("client: the echo ended the channel after " + std::to_string(i) + " of " +
                                 std::to_string(params.messages) + " round trips");
      round_trips[i] = steady_now_ns() - sent;
      if (sequence_of(reply) != i)
        throw std::runtime_error("client: message " + std::to_string(i) + " came back as message " +
                                 std::to_string(sequence_of(reply)));
      ++result.messages;
    }
    double sum = 0;
    for (const auto t : round_trips) sum += static_cast<double>(t);
    result.mean_ns = sum / static_cast<double>(round_trips.size());
    result.p50_ns = percentile(round_trips, 0.50);
    result.p99_ns = percentile(round_trips, 0.99);
    result.cpu = ::sched_getcpu();
    return result;
  }
  for (std::uint64_t i = 0; i < params.messages; ++i) {
    if ((i & 255) == 0 && stop.stop_requested()) return result;
    put_sequence(message, i);
    end.send(message);
  }
  if (!end.receive(reply))
    throw std::runtime_error("client: the echo ended the channel before acknowledging the " +
                             std::to_string(params.messages) + " messages");
  if (sequence_of(reply) != params.messages)
    throw std::runtime_error("client: the echo acknowledged " + std::to_string(sequence_of(reply)) + " of " +
                             std::to_string(params.messages) + " messages");
  result.messages = params.messages;
  result.cpu = ::sched_getcpu();
  return result;
}

// The echo: answers each message (round_trip) or checks each one's place and answers once at
// the end (stream). `in_process` decides what echo_dies does (a thread cannot die alone).
echo_result run_echo(message_end& end, const messaging_params& params, int cpu, bool in_process) {
  pin_calling_thread(cpu);
  std::vector<std::byte> message(params.message_bytes);
  bool misnumbered = false;
  for (std::uint64_t i = 0; i < params.messages; ++i) {
    if (!end.receive(message)) return {i, ::sched_getcpu()};  // the client stopped early
    if (sequence_of(message) != i)
      throw std::runtime_error("echo: expected message " + std::to_string(i) + ", got message " +
                               std::to_string(sequence_of(message)));
    if (params.fault != messaging_fault::none && i == params.fault_message) {
      if (params.fault == messaging_fault::echo_dies && !in_process) std::raise(SIGKILL);
      if (params.fault == messaging_fault::echo_throws || params.fault == messaging_fault::echo_dies)
        throw std::runtime_error("echo: failed on message " + std::to_string(i) + " (injected fault)");
      // echo_misnumbers: this echo (round_trip) or the acknowledgement (stream).
      misnumbered = true;
      put_sequence(message, i + 1);
    }
    if (params.mode == messaging_mode::round_trip) end.send(message);
  }
  if (params.mode == messaging_mode::stream) {
    put_sequence(message, misnumbered ? params.messages - 1 : params.messages);
    end.send(message);
  }
  return {params.messages, ::sched_getcpu()};
}

// A worker process's job: the parameters and the CPU the party pins itself to.
template <typename Job>
forked_job job_of(const messaging_params& params, int cpu) {
  Job job;
  job.params = params;
  job.cpu = cpu;
  return encode_job(job);
}

message_end_fds adopt(std::span<const int> own_fds) {
  message_end_fds fds;
  for (const int fd : own_fds) fds.fds.emplace_back(fd);
  return fds;
}

struct raw_result {
  std::chrono::nanoseconds interval{0};
  std::optional<std::chrono::nanoseconds> workers_cpu;
  client_result client;
  echo_result echo;
  std::string error;
};

raw_result run_threads(const messaging_params& params, const placement& where, std::stop_token stop,
                       const std::string& who) {
  auto channel = make_message_channel(params.transport, params.message_bytes);
  std::unique_ptr<message_end> ends[2] = {
      open_message_end(params.transport, true, std::move(channel.first), params.message_bytes),
      open_message_end(params.transport, false, std::move(channel.second), params.message_bytes)};
  // Each party's failure, stamped before its end is closed: the other party's failure that
  // follows (the channel ended under it) comes later, and the two are named in that order.
  struct party_failure {
    std::int64_t at_ns = 0;
    std::string text;
  };
  party_failure failures[2];
  raw_result raw;
  const auto run = run_gated_threads(
      2,
      [&](int party) {
        const sigpipe_blocker no_sigpipe;
        // The party's end closes when the body leaves, normally or after a failure: the other
        // party then sees the channel end instead of waiting for ever.
        const auto end = std::move(ends[party]);
        try {
          if (party == 0) {
            raw.client = run_client(*end, params, where.client_cpu, stop);
          } else {
            raw.echo = run_echo(*end, params, where.echo_cpu, true);
          }
        } catch (const std::exception& e) {
          failures[party] = {steady_now_ns(), e.what()};
        }
      },
      [] {}, who);
  raw.interval = run.interval;
  raw.error = run.error;
  if (raw.error.empty() && (!failures[0].text.empty() || !failures[1].text.empty())) {
    const bool echo_first =
        failures[0].text.empty() || (!failures[1].text.empty() && failures[1].at_ns < failures[0].at_ns);
    const auto& first = failures[echo_first ? 1 : 0];
    const auto& second = failures[echo_first ? 0 : 1];
    raw.error = who + ": " + first.text + (second.text.empty() ? "" : "; then " + second.text);
  }
  return raw;
}

raw_result run_processes(const messaging_params& params, const placement& where, std::stop_token stop,
                         const std::string& who) {
  auto channel = make_message_channel(params.transport, params.message_bytes);
  std::vector<scenario_worker_spec> specs(2);
  specs[0].job = job_of<messaging_client_job>(params, where.client_cpu);
  specs[0].own_fds = channel.first.borrowed();
  specs[0].label = "client";
  specs[1].job = job_of<messaging_echo_job>(params, where.echo_cpu);
  specs[1].own_fds = channel.second.borrowed();
  specs[1].label = "echo";
  // Only the workers may hold the channel once they run: an end left open here would hide a
  // dead party's end of file from the other.
  std::vector<unique_fd> ours;
  for (auto* end : {&channel.first, &channel.second}) {
    for (auto& fd : end->fds) ours.push_back(std::move(fd));
  }
  const auto run = run_scenario_processes(specs, std::move(ours), stop, who);
  raw_result raw;
  raw.interval = run.interval;
  raw.workers_cpu = run.workers_cpu;
  raw.error = run.error;
  if (run.error.empty()) {
    const auto& client = run.workers[0];
    raw.client.messages = client.count;
    raw.client.p50_ns = client.figures.values[0];
    raw.client.p99_ns = client.figures.values[1];
    raw.client.mean_ns = client.figures.values[2];
    raw.client.cpu = static_cast<int>(client.figures.values[3]);
    raw.echo = {run.workers[1].count, static_cast<int>(run.workers[1].figures.values[0])};
  }
  return raw;
}

}  // namespace

std::string_view to_string(messaging_mode mode) { return name_in(mode_names, mode); }
std::string_view to_string(party_pinning pinning) { return name_in(pinning_names, pinning); }

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

// The worker-process sides (scenario_jobs.hpp). No stop token: a worker is stopped by killing it.
std::uint64_t run_messaging_client_job(const messaging_client_job& job, std::span<const int> own_fds,
                                       job_figures& figures) {
  const auto& params = job.params;
  const auto end = open_message_end(params.transport, true, adopt(own_fds), params.message_bytes);
  const auto result = run_client(*end, params, job.cpu, std::stop_token{});
  figures.values[0] = result.p50_ns;
  figures.values[1] = result.p99_ns;
  figures.values[2] = result.mean_ns;
  figures.values[3] = result.cpu;
  return result.messages;
}

std::uint64_t run_messaging_echo_job(const messaging_echo_job& job, std::span<const int> own_fds,
                                     job_figures& figures) {
  const auto& params = job.params;
  const auto end = open_message_end(params.transport, false, adopt(own_fds), params.message_bytes);
  const auto result = run_echo(*end, params, job.cpu, false);
  figures.values[0] = result.cpu;
  return result.messages;
}

messaging_scenario::messaging_scenario(messaging_params params) : params_(params) {
  if (params_.message_bytes < sizeof(std::uint64_t))
    throw std::invalid_argument("messaging: a message needs at least 8 bytes (its sequence number)");
  if (params_.message_bytes > max_message_bytes)
    throw std::invalid_argument("messaging: messages of more than 64 MiB are not supported");
  if (params_.messages < 1) throw std::invalid_argument("messaging: messages must be at least 1");
}

nlohmann::json messaging_scenario::params() const {
  return {{"transport", std::string(to_string(params_.transport))},
          {"mode", std::string(to_string(params_.mode))},
          {"message_bytes", params_.message_bytes},
          {"messages", params_.messages},
          {"pinning", std::string(to_string(params_.pinning))},
          {"parties", 2}};
}

std::vector<std::pair<std::string, std::string>> messaging_scenario::name_keys() const {
  return {{"transport", std::string(to_string(params_.transport))},
          {"mode", std::string(to_string(params_.mode))},
          {"bytes", std::to_string(params_.message_bytes)},
          {"messages", std::to_string(params_.messages)},
          {"pinning", std::string(to_string(params_.pinning))}};
}

double messaging_scenario::nominal_sequential_ns() const {
  // Nominal costs, the same on every machine so that every machine runs the same batches, of the
  // order a small (2-vCPU) x86 virtual machine takes: a round trip ~ 40 µs (two cross-CPU
  // wake-ups), a streamed message ~ 2 µs, plus 0.5 ns per byte copied.
  const double per_message = (params_.mode == messaging_mode::round_trip ? 40'000.0 : 2'000.0) +
                             0.5 * static_cast<double>(params_.message_bytes);
  return per_message * static_cast<double>(params_.messages);
}

scenario_outcome messaging_scenario::run(const run_settings& settings, std::stop_token stop) const {
  const std::string who = "messaging (" + std::string(to_string(params_.transport)) + ", " +
                          std::string(to_string(params_.mode)) + ") under " + std::string(to_string(settings.model));
  scenario_outcome outcome;
  if (!supports(settings.model)) {
    outcome.error = who + ": this model is not supported (threads and processes-fork are)";
    return outcome;
  }
  raw_result raw;
  placement where;
  outcome.error = settle_batch(who, stop, [&] {
    where = place(params_.pinning, who);
    raw = settings.model == model_kind::threads ? run_threads(params_, where, stop, who)
                                                : run_processes(params_, where, stop, who);
    return raw.error;
  });
  if (!outcome.ok()) return outcome;
  if (raw.client.messages != params_.messages || raw.echo.messages != params_.messages) {
    outcome.error = who + ": the client got " + std::to_string(raw.client.messages) + " and the echo " +
                    std::to_string(raw.echo.messages) + " of " + std::to_string(params_.messages) + " messages through";
    return outcome;
  }
  // Pinning is verified, not assumed: each party says where it ran.
  for (const auto& [party, ran_on, pinned_to] :
       {std::tuple{"client", raw.client.cpu, where.client_cpu}, std::tuple{"echo", raw.echo.cpu, where.echo_cpu}}) {
    if (pinned_to >= 0 && ran_on != pinned_to) {
      outcome.error = who + ": the " + party + " ran on CPU " + std::to_string(ran_on) + ", not on CPU " +
                      std::to_string(pinned_to) + " it was pinned to";
      return outcome;
    }
  }
  outcome.interval = raw.interval;
  const double seconds = std::chrono::duration<double>(raw.interval).count();
  const auto messages = static_cast<double>(params_.messages);
  if (seconds > 0) {
    outcome.figures["messages_per_second"] = messages / seconds;
    outcome.figures["bytes_per_second"] = messages * static_cast<double>(params_.message_bytes) / seconds;
  }
  if (params_.mode == messaging_mode::round_trip) {
    outcome.figures["round_trip_p50_ns"] = raw.client.p50_ns;
    outcome.figures["round_trip_p99_ns"] = raw.client.p99_ns;
    outcome.figures["round_trip_mean_ns"] = raw.client.mean_ns;
  }
  if (raw.workers_cpu) outcome.figures["workers_cpu_ns"] = static_cast<double>(raw.workers_cpu->count());
  if (params_.pinning != party_pinning::none) {
    outcome.figures["client_cpu"] = raw.client.cpu;
    outcome.figures["echo_cpu"] = raw.echo.cpu;
  }
  return outcome;
}

}  // namespace concbench
