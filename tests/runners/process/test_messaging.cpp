// The messaging scenario under both of its models and all three transports: every numbered
// message goes through and comes back in order, the figures are consistent, pinning is applied
// or refused with a reason, a failing or dying echo is named and nothing hangs, a stop request
// ends a batch, and nothing is left behind. The shared-memory ring on its own too. No test
// asserts a speed.

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <chrono>
#include <cstring>
#include <future>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "benchmarks/suites/scenario_suite.hpp"
#include "runners/process/shared_memory.hpp"
#include "runners/scenarios/message_channel.hpp"
#include "runners/scenarios/messaging_scenario.hpp"
#include "runners/scenarios/shared_ring.hpp"
#include "tests/runners/process/process_census.hpp"

namespace concbench {
namespace {

run_settings under(model_kind model) {
  run_settings settings;
  settings.model = model;
  settings.workers = 2;
  return settings;
}

messaging_params messaging(message_transport transport, messaging_mode mode, std::uint64_t messages = 300) {
  messaging_params params;
  params.transport = transport;
  params.mode = mode;
  params.messages = messages;
  params.message_bytes = 100;  // not a power of two: whole messages, whatever the buffers
  return params;
}

double figure(const scenario_outcome& outcome, const std::string& name) {
  const auto it = outcome.figures.find(name);
  EXPECT_NE(it, outcome.figures.end()) << "no figure " << name;
  return it == outcome.figures.end() ? -1 : it->second;
}

using transport_and_model = std::tuple<message_transport, model_kind>;

class messaging_models : public testing::TestWithParam<transport_and_model> {
 protected:
  message_transport transport() const { return std::get<0>(GetParam()); }
  model_kind model() const { return std::get<1>(GetParam()); }
};

TEST_P(messaging_models, round_trips_come_back_in_order_with_consistent_figures) {
  const auto before = test::take_census();
  const auto outcome = messaging_scenario(messaging(transport(), messaging_mode::round_trip)).run(under(model()), {});
  ASSERT_TRUE(outcome.ok()) << outcome.error;
  const double p50 = figure(outcome, "round_trip_p50_ns");
  const double p99 = figure(outcome, "round_trip_p99_ns");
  const double mean = figure(outcome, "round_trip_mean_ns");
  EXPECT_GT(p50, 0);
  EXPECT_LE(p50, p99);
  EXPECT_GT(mean, 0);
  // The client's own round trips fit in the batch's interval.
  EXPECT_LE(mean * 300, static_cast<double>(outcome.interval.count()) * 1.0001);
  const double rate = figure(outcome, "messages_per_second");
  EXPECT_NEAR(rate, 300 / std::chrono::duration<double>(outcome.interval).count(), rate * 1e-9);
  EXPECT_DOUBLE_EQ(figure(outcome, "bytes_per_second"), rate * 100);
  EXPECT_EQ(outcome.figures.count("workers_cpu_ns"), model() == model_kind::processes_fork ? 1u : 0u);
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

TEST_P(messaging_models, a_stream_arrives_whole_and_in_order) {
  const auto before = test::take_census();
  // More than the 64 KiB every transport buffers: the sender must wait for the receiver.
  auto params = messaging(transport(), messaging_mode::stream, 5000);
  params.message_bytes = 1000;
  const auto outcome = messaging_scenario(params).run(under(model()), {});
  ASSERT_TRUE(outcome.ok()) << outcome.error;
  EXPECT_GT(figure(outcome, "messages_per_second"), 0);
  EXPECT_EQ(outcome.figures.count("round_trip_p50_ns"), 0u);
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

TEST_P(messaging_models, an_echo_that_fails_is_named_and_nothing_hangs) {
  const auto before = test::take_census();
  for (const auto mode : {messaging_mode::round_trip, messaging_mode::stream}) {
    auto params = messaging(transport(), mode, 2000);
    params.fault = messaging_fault::echo_throws;
    params.fault_message = 50;
    const auto outcome = messaging_scenario(params).run(under(model()), {});
    ASSERT_FALSE(outcome.ok());
    EXPECT_NE(outcome.error.find("echo: failed on message 50 (injected fault)"), std::string::npos) << outcome.error;
  }
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

TEST_P(messaging_models, a_misnumbered_echo_is_named) {
  auto params = messaging(transport(), messaging_mode::round_trip);
  params.fault = messaging_fault::echo_misnumbers;
  params.fault_message = 7;
  auto outcome = messaging_scenario(params).run(under(model()), {});
  EXPECT_NE(outcome.error.find("message 7 came back as message 8"), std::string::npos) << outcome.error;
  params.mode = messaging_mode::stream;
  outcome = messaging_scenario(params).run(under(model()), {});
  EXPECT_NE(outcome.error.find("the echo acknowledged 299 of 300 messages"), std::string::npos) << outcome.error;
}

TEST_P(messaging_models, a_stop_request_ends_a_running_batch) {
  const auto before = test::take_census();
  for (const auto mode : {messaging_mode::round_trip, messaging_mode::stream}) {
    // Round trips record a time each: a million is 8 MB, and far more than 200 ms.
    const std::uint64_t messages = mode == messaging_mode::round_trip ? 1'000'000 : 1'000'000'000;
    std::stop_source stop;
    auto running = std::async(std::launch::async, [&] {
      return messaging_scenario(messaging(transport(), mode, messages)).run(under(model()), stop.get_token());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop.request_stop();
    ASSERT_EQ(running.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_EQ(running.get().error, "stopped");
  }
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

INSTANTIATE_TEST_SUITE_P(all, messaging_models,
                         testing::Combine(testing::Values(message_transport::pipe, message_transport::socket,
                                                          message_transport::shared_memory),
                                          testing::Values(model_kind::threads, model_kind::processes_fork)),
                         [](const testing::TestParamInfo<transport_and_model>& info) {
                           std::string name = std::string(to_string(std::get<0>(info.param))) + "_" +
                                              std::string(to_string(std::get<1>(info.param)));
                           for (auto& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(messaging, an_echo_process_killed_mid_run_is_named_on_every_transport) {
  const auto before = test::take_census();
  for (const auto transport : {message_transport::pipe, message_transport::socket, message_transport::shared_memory}) {
    auto params = messaging(transport, messaging_mode::round_trip, 2000);
    params.fault = messaging_fault::echo_dies;
    params.fault_message = 100;
    const auto outcome = messaging_scenario(params).run(under(model_kind::processes_fork), {});
    ASSERT_FALSE(outcome.ok()) << to_string(transport);
    EXPECT_NE(outcome.error.find("under processes-fork: echo (pid "), std::string::npos) << outcome.error;
    EXPECT_NE(outcome.error.find(") ended without finishing: it was killed by signal SIGKILL (9)"), std::string::npos)
        << outcome.error;
  }
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

TEST(messaging, pinned_parties_run_on_one_cpu_and_on_two) {
  const auto cpus = allowed_cpus();
  for (const auto model : {model_kind::threads, model_kind::processes_fork}) {
    auto params = messaging(message_transport::pipe, messaging_mode::round_trip);
    auto outcome = messaging_scenario(params).run(under(model), {});
    ASSERT_TRUE(outcome.ok()) << outcome.error;
    EXPECT_EQ(outcome.figures.count("client_cpu"), 0u);  // unpinned: where it ran means nothing
    params.pinning = party_pinning::same_cpu;
    outcome = messaging_scenario(params).run(under(model), {});
    ASSERT_TRUE(outcome.ok()) << outcome.error;
    EXPECT_EQ(figure(outcome, "client_cpu"), cpus[0]);
    EXPECT_EQ(figure(outcome, "echo_cpu"), cpus[0]);
    if (cpus.size() < 2) continue;
    params.pinning = party_pinning::cross_cpu;
    params.mode = messaging_mode::stream;
    outcome = messaging_scenario(params).run(under(model), {});
    ASSERT_TRUE(outcome.ok()) << outcome.error;
    EXPECT_EQ(figure(outcome, "client_cpu"), cpus[0]);
    EXPECT_EQ(figure(outcome, "echo_cpu"), cpus[1]);
  }
}

// sched_getaffinity reads the calling thread's mask: restricting this thread is what
// `taskset -c 0` does to a whole run.
TEST(messaging, cross_cpu_pinning_on_one_cpu_is_refused_with_the_reason) {
  cpu_set_t old_set;
  ASSERT_EQ(::pthread_getaffinity_np(::pthread_self(), sizeof old_set, &old_set), 0);
  const int only = allowed_cpus().front();
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(only, &one);
  ASSERT_EQ(::pthread_setaffinity_np(::pthread_self(), sizeof one, &one), 0);
  auto params = messaging(message_transport::socket, messaging_mode::round_trip);
  params.pinning = party_pinning::cross_cpu;
  const auto outcome = messaging_scenario(params).run(under(model_kind::threads), {});
  cli_options options;
  options.workloads = std::vector<std::string>{"messaging"};
  options.suite = "quick";
  const auto plans = plan_scenarios(options);
  ASSERT_EQ(::pthread_setaffinity_np(::pthread_self(), sizeof old_set, &old_set), 0);

  EXPECT_NE(outcome.error.find("cross-cpu pinning needs two CPUs, and this process may run on only CPU " +
                               std::to_string(only)),
            std::string::npos)
      << outcome.error;
  ASSERT_FALSE(plans.empty());
  for (const auto& plan : plans) EXPECT_EQ(entry_name(plan).find("cross-cpu"), std::string::npos) << entry_name(plan);
}

TEST(messaging, names_params_and_the_quick_suite) {
  auto params = messaging(message_transport::shared_memory, messaging_mode::stream, 20'000);
  params.message_bytes = 64;
  params.pinning = party_pinning::cross_cpu;
  const messaging_scenario scenario(params);
  EXPECT_EQ(scenario.params()["transport"], "shared-memory");
  EXPECT_EQ(scenario.params()["pinning"], "cross-cpu");
  EXPECT_FALSE(scenario.supports(model_kind::sequential));
  EXPECT_FALSE(scenario.supports(model_kind::coroutines));
  EXPECT_FALSE(messaging_scenario(params).run(under(model_kind::sequential), {}).ok());
  EXPECT_THROW(messaging_scenario(messaging(message_transport::pipe, messaging_mode::stream, 0)),
               std::invalid_argument);
  params.message_bytes = 7;
  EXPECT_THROW(messaging_scenario{params}, std::invalid_argument);

  cli_options options;
  options.workloads = std::vector<std::string>{"messaging"};
  options.suite = "quick";
  const auto plans = plan_scenarios(options);
  const std::size_t pinnings = allowed_cpus().size() >= 2 ? 3 : 2;
  EXPECT_EQ(plans.size(), 3 * 2 * pinnings * 2);  // transports × modes × pinnings × models
  std::set<std::string> names;
  for (const auto& plan : plans) names.insert(entry_name(plan));
  EXPECT_EQ(names.size(), plans.size());
  EXPECT_TRUE(
      names.count("messaging/processes-fork/W:2/transport:socket/mode:round_trip/bytes:64/messages:2000/"
                  "pinning:same-cpu"));
}

TEST(shared_ring, keeps_order_across_threads_and_ends_when_closed) {
  const std::size_t bytes = 24;
  auto memory = shared_memory::create("concbench-test-ring", shared_ring::bytes_needed(4, bytes));
  auto* ring = shared_ring::create_in(memory.data(), 4, bytes);
  EXPECT_THROW(shared_ring::attach(memory.data(), memory.size(), 32), std::runtime_error);
  EXPECT_THROW(shared_ring::create_in(memory.data(), 3, bytes), std::invalid_argument);
  constexpr std::uint64_t count = 20'000;
  std::thread producer([&] {
    std::vector<std::byte> message(bytes);
    for (std::uint64_t i = 0; i < count; ++i) {
      std::memcpy(message.data(), &i, sizeof i);
      ASSERT_TRUE(ring->push(message));
    }
    ring->close();
  });
  std::vector<std::byte> message(bytes);
  std::uint64_t expected = 0;
  while (ring->pop(message)) {
    std::uint64_t got;
    std::memcpy(&got, message.data(), sizeof got);
    ASSERT_EQ(got, expected);
    ++expected;
  }
  producer.join();
  EXPECT_EQ(expected, count);  // every message drained before pop reported the end
  EXPECT_FALSE(ring->push(message));
}

TEST(shared_ring, close_wakes_a_sleeping_consumer) {
  auto memory = shared_memory::create("concbench-test-ring", shared_ring::bytes_needed(2, 8));
  auto* ring = shared_ring::create_in(memory.data(), 2, 8);
  auto waiting = std::async(std::launch::async, [&] {
    std::vector<std::byte> message(8);
    return ring->pop(message);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ring->close();
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_FALSE(waiting.get());
}

}  // namespace
}  // namespace concbench
