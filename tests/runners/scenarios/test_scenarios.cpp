// The scenarios under the in-process models (sequential, threads, coroutines): lost updates
// counted and verified, every item delivered exactly once, failures and stop requests ending a
// batch with an error. No test asserts a speed. processes-fork: tests/runners/process/test_scenarios_process.cpp.
// Also the typed jobs of processes-fork's workers, through the fork server's opaque job and back.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <future>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "runners/scenarios/pipeline_scenario.hpp"
#include "runners/scenarios/scenario_jobs.hpp"
#include "runners/scenarios/shared_counter_scenario.hpp"
#include "tests/runners/model_cases.hpp"

namespace concbench {
namespace {

std::vector<model_case> in_process_models() {
  return {{"sequential", settings_for(model_kind::sequential)},
          {"threads_W1", settings_for(model_kind::threads, 1)},
          {"threads_W2", settings_for(model_kind::threads, 2)},
          {"threads_W3", settings_for(model_kind::threads, 3)},
          {"coroutines_one_loop_thread", settings_for(model_kind::coroutines, 1, task_form::blocking, 1)},
          {"coroutines_two_loop_threads", settings_for(model_kind::coroutines, 1, task_form::blocking, 2)}};
}

std::string case_name(const testing::TestParamInfo<model_case>& info) { return info.param.label; }

shared_counter_params counter(update_discipline discipline, update_pause pause = update_pause::yield) {
  shared_counter_params params;
  params.tasks = 4;
  params.updates = 2000;
  params.discipline = discipline;
  params.pause = pause;
  params.spin_iterations = 50;
  return params;
}

double figure(const scenario_outcome& outcome, const std::string& name) {
  const auto it = outcome.figures.find(name);
  EXPECT_NE(it, outcome.figures.end()) << "no figure " << name;
  return it == outcome.figures.end() ? -1 : it->second;
}

// ---------------------------------------------------------------------------------------------
// shared

class shared_counter_models : public testing::TestWithParam<model_case> {};

TEST_P(shared_counter_models, mutex_and_atomic_lose_no_update) {
  for (const auto discipline : {update_discipline::mutex, update_discipline::atomic}) {
    for (const auto pause : {update_pause::yield, update_pause::spin, update_pause::none}) {
      const shared_counter_scenario shared(counter(discipline, pause));
      const auto outcome = shared.run(GetParam().settings, {});
      ASSERT_TRUE(outcome.ok()) << to_string(discipline) << "/" << to_string(pause) << ": " << outcome.error;
      EXPECT_EQ(figure(outcome, "lost_updates"), 0) << to_string(discipline) << "/" << to_string(pause);
      EXPECT_EQ(figure(outcome, "final_value"), 4 * 2000);
      EXPECT_EQ(figure(outcome, "expected_updates"), 4 * 2000);
      EXPECT_GT(figure(outcome, "ns_per_update"), 0);
      EXPECT_GT(outcome.interval.count(), 0);
    }
  }
}

TEST_P(shared_counter_models, unsynchronised_counts_its_losses) {
  for (const auto pause : {update_pause::yield, update_pause::spin}) {
    const shared_counter_scenario shared(counter(update_discipline::unsynchronised, pause));
    const auto outcome = shared.run(GetParam().settings, {});
    ASSERT_TRUE(outcome.ok()) << outcome.error;
    // It may or may not lose updates (threads race only when they overlap); the figures add up.
    const double lost = figure(outcome, "lost_updates");
    EXPECT_GE(lost, 0);
    EXPECT_EQ(figure(outcome, "final_value") + lost, figure(outcome, "expected_updates"));
    RecordProperty("lost_updates_" + std::string(to_string(pause)), std::to_string(static_cast<long>(lost)));
  }
}

INSTANTIATE_TEST_SUITE_P(in_process, shared_counter_models, testing::ValuesIn(in_process_models()), case_name);
// One thread per task: only the shared counter has tasks of its own to give a thread each.
INSTANTIATE_TEST_SUITE_P(one_thread_per_task, shared_counter_models,
                         testing::Values(model_case{"thread_per_task", settings_for(model_kind::thread_per_task)}),
                         case_name);

TEST(shared_counter, sequential_unsynchronised_loses_nothing) {
  const shared_counter_scenario shared(counter(update_discipline::unsynchronised));
  const auto outcome = shared.run(settings_for(model_kind::sequential), {});
  ASSERT_TRUE(outcome.ok()) << outcome.error;
  EXPECT_EQ(figure(outcome, "lost_updates"), 0);
}

// On one loop thread the coroutines interleave only at a co_await, which is where the pause is
// (scenario header): the tasks all read, yield, then write back stale values, deterministically.
TEST(shared_counter, one_loop_thread_loses_updates_at_the_co_await) {
  const shared_counter_scenario shared(counter(update_discipline::unsynchronised, update_pause::yield));
  const auto outcome = shared.run(settings_for(model_kind::coroutines, 1, task_form::blocking, 1), {});
  ASSERT_TRUE(outcome.ok()) << outcome.error;
  EXPECT_GT(figure(outcome, "lost_updates"), 0);
}

TEST(shared_counter, one_loop_thread_without_a_pause_cannot_interleave) {
  const shared_counter_scenario shared(counter(update_discipline::unsynchronised, update_pause::none));
  const auto outcome = shared.run(settings_for(model_kind::coroutines, 1, task_form::blocking, 1), {});
  ASSERT_TRUE(outcome.ok()) << outcome.error;
  EXPECT_EQ(figure(outcome, "lost_updates"), 0);
}

TEST(shared_counter, names_and_params) {
  auto params = counter(update_discipline::mutex, update_pause::spin);
  const shared_counter_scenario shared(params);
  EXPECT_EQ(shared.name(), "shared");
  const std::vector<std::pair<std::string, std::string>> keys{
      {"discipline", "mutex"}, {"tasks", "4"}, {"updates", "2000"}, {"pause", "spin-50"}};
  EXPECT_EQ(shared.name_keys(), keys);
  EXPECT_EQ(shared.params()["discipline"], "mutex");
  EXPECT_EQ(shared.workers(settings_for(model_kind::threads, 3)), 3);
  EXPECT_EQ(shared.workers(settings_for(model_kind::coroutines, 1, task_form::blocking, 2)), 2);
  EXPECT_EQ(shared.workers(settings_for(model_kind::sequential, 5)), 1);
  EXPECT_EQ(shared.workers(settings_for(model_kind::thread_per_task, 2)), 4);  // T threads, whatever W
  EXPECT_EQ(parse_update_discipline("unsynchronised"), update_discipline::unsynchronised);
  EXPECT_EQ(parse_update_discipline("racy"), std::nullopt);
  EXPECT_EQ(parse_update_pause("yield"), update_pause::yield);
  EXPECT_THROW(shared_counter_scenario({0, 10}), std::invalid_argument);
}

TEST(shared_counter, an_unsupported_model_is_an_error) {
  const shared_counter_scenario shared(counter(update_discipline::atomic));
  const auto outcome = shared.run(settings_for(model_kind::processes_spawn), {});
  EXPECT_NE(outcome.error.find("not supported"), std::string::npos) << outcome.error;
  EXPECT_FALSE(pipeline_scenario({}).supports(model_kind::thread_per_task));
}

TEST(shared_counter, needs_the_fork_server_under_processes_fork_only) {
  const shared_counter_scenario shared(counter(update_discipline::atomic));
  EXPECT_TRUE(shared.needs_fork_server(model_kind::processes_fork));
  for (const auto model : {model_kind::sequential, model_kind::threads, model_kind::coroutines}) {
    EXPECT_FALSE(shared.needs_fork_server(model)) << to_string(model);
  }
}

// ---------------------------------------------------------------------------------------------
// pipeline

pipeline_params pipeline(int producers, int consumers, std::uint64_t capacity, std::uint64_t items = 5000) {
  pipeline_params params;
  params.producers = producers;
  params.consumers = consumers;
  params.capacity = capacity;
  params.items = items;
  return params;
}

class pipeline_models : public testing::TestWithParam<model_case> {};

TEST_P(pipeline_models, every_item_arrives_exactly_once) {
  struct shape {
    int producers, consumers;
    std::uint64_t capacity;
  };
  for (const auto [producers, consumers, capacity] :
       {shape{1, 1, 16}, shape{2, 2, 16}, shape{3, 1, 16}, shape{1, 3, 16}, shape{2, 2, 1}, shape{1, 1, 1}}) {
    const pipeline_scenario scenario(pipeline(producers, consumers, capacity));
    const auto outcome = scenario.run(GetParam().settings, {});
    const std::string label =
        std::to_string(producers) + "x" + std::to_string(consumers) + " capacity " + std::to_string(capacity);
    ASSERT_TRUE(outcome.ok()) << label << ": " << outcome.error;
    EXPECT_EQ(figure(outcome, "items"), 5000) << label;
    EXPECT_GT(figure(outcome, "items_per_second"), 0) << label;
    EXPECT_EQ(figure(outcome, "queue_capacity_items"), static_cast<double>(capacity)) << label;
  }
}

TEST_P(pipeline_models, fewer_items_than_producers) {
  const pipeline_scenario scenario(pipeline(3, 2, 2, 2));
  const auto outcome = scenario.run(GetParam().settings, {});
  ASSERT_TRUE(outcome.ok()) << outcome.error;
}

TEST_P(pipeline_models, a_consumer_that_throws_is_an_error) {
  auto params = pipeline(2, 2, 4);
  params.fault = pipeline_fault::consumer_throws;
  params.fault_item = 1234;
  const auto outcome = pipeline_scenario(params).run(GetParam().settings, {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.error.find("consumer"), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("failed on item 1234"), std::string::npos) << outcome.error;
}

TEST_P(pipeline_models, a_duplicate_is_an_error_naming_it) {
  auto params = pipeline(2, 2, 4);
  params.fault = pipeline_fault::producer_duplicates;
  params.fault_item = 4321;
  const auto outcome = pipeline_scenario(params).run(GetParam().settings, {});
  EXPECT_NE(outcome.error.find("item 4321 was delivered 2 times"), std::string::npos) << outcome.error;
}

TEST_P(pipeline_models, a_missing_item_is_an_error_naming_it) {
  auto params = pipeline(3, 1, 4);
  params.fault = pipeline_fault::producer_drops;
  params.fault_item = 17;
  const auto outcome = pipeline_scenario(params).run(GetParam().settings, {});
  EXPECT_NE(outcome.error.find("item 17 was never delivered"), std::string::npos) << outcome.error;
}

INSTANTIATE_TEST_SUITE_P(in_process, pipeline_models, testing::ValuesIn(in_process_models()), case_name);

TEST(pipeline, names_and_params) {
  const pipeline_scenario scenario(pipeline(2, 3, 64, 1000));
  const std::vector<std::pair<std::string, std::string>> keys{
      {"producers", "2"}, {"consumers", "3"}, {"capacity", "64"}, {"items", "1000"}};
  EXPECT_EQ(scenario.name_keys(), keys);
  EXPECT_EQ(scenario.workers(settings_for(model_kind::threads, 1)), 5);
  EXPECT_EQ(scenario.workers(settings_for(model_kind::processes_fork, 1)), 5);
  EXPECT_EQ(scenario.workers(settings_for(model_kind::coroutines, 1, task_form::blocking, 2)), 2);
  EXPECT_THROW(pipeline_scenario(pipeline(1, 1, 0)), std::invalid_argument);
  EXPECT_THROW(pipeline_scenario(pipeline(0, 1, 1)), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// stop requests

class stop_models : public testing::TestWithParam<model_case> {};

TEST_P(stop_models, a_stop_requested_before_the_batch_ends_it) {
  std::stop_source stop;
  stop.request_stop();
  const auto shared =
      shared_counter_scenario(counter(update_discipline::mutex)).run(GetParam().settings, stop.get_token());
  EXPECT_EQ(shared.error, "stopped");
  const auto piped = pipeline_scenario(pipeline(2, 2, 4)).run(GetParam().settings, stop.get_token());
  EXPECT_EQ(piped.error, "stopped");
}

// A batch that would take minutes ends soon after the stop request.
TEST_P(stop_models, a_stop_request_ends_a_running_batch) {
  shared_counter_params long_counter = counter(update_discipline::mutex);
  long_counter.updates = 1'000'000'000;
  for (const bool is_pipeline : {false, true}) {
    std::stop_source stop;
    auto running = std::async(std::launch::async, [&] {
      return is_pipeline ? pipeline_scenario(pipeline(2, 2, 4, 50'000'000)).run(GetParam().settings, stop.get_token())
                         : shared_counter_scenario(long_counter).run(GetParam().settings, stop.get_token());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto asked = std::chrono::steady_clock::now();
    stop.request_stop();
    ASSERT_EQ(running.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    const auto outcome = running.get();
    EXPECT_EQ(outcome.error, "stopped") << (is_pipeline ? "pipeline" : "shared");
    EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(10));
  }
}

INSTANTIATE_TEST_SUITE_P(in_process, stop_models, testing::ValuesIn(in_process_models()), case_name);

}  // namespace
}  // namespace concbench

namespace concbench {
namespace {

// ---------------------------------------------------------------------------------------------
// settle_batch: what every scenario's run() settles first

TEST(settle_batch, names_a_throw_puts_a_stop_first_and_passes_the_batch_error_on) {
  std::stop_source running;
  EXPECT_EQ(settle_batch("shared under threads", running.get_token(), [] { return std::string(); }), "");
  EXPECT_EQ(settle_batch("w", running.get_token(), [] { return std::string("lost 3 updates"); }), "lost 3 updates");
  EXPECT_EQ(settle_batch("pipeline under threads", running.get_token(),
                         []() -> std::string { throw std::runtime_error("no memfd"); }),
            "pipeline under threads: no memfd");
  std::stop_source stopped;
  stopped.request_stop();
  // A batch that failed because it was stopped is reported as stopped, not as its failure.
  EXPECT_EQ(settle_batch("w", stopped.get_token(), [] { return std::string("consumer 1 got 3 of 9"); }), stopped_error);
}

// ---------------------------------------------------------------------------------------------
// The typed jobs of scenario_jobs.hpp: each survives the fork server's opaque job whole, and
// one of another kind is refused by name.

TEST(scenario_jobs, a_shared_counter_job_round_trips) {
  shared_counter_job job;
  job.params = {7, 123'456'789'012, update_discipline::mutex, update_pause::spin, 4321};
  const forked_job opaque = encode_job(job);
  EXPECT_EQ(opaque.kind, static_cast<std::uint32_t>(scenario_job_kind::shared_counter));
  const auto back = decode_job<shared_counter_job>(opaque);
  EXPECT_EQ(back.params.tasks, 7);
  EXPECT_EQ(back.params.updates, 123'456'789'012u);
  EXPECT_EQ(back.params.discipline, update_discipline::mutex);
  EXPECT_EQ(back.params.pause, update_pause::spin);
  EXPECT_EQ(back.params.spin_iterations, 4321u);
}

TEST(scenario_jobs, pipeline_jobs_round_trip) {
  const auto producer = decode_job<pipeline_producer_job>(
      encode_job(pipeline_producer_job{10'000, 3, 2, pipeline_fault::producer_drops, 9'999}));
  EXPECT_EQ(producer.items, 10'000u);
  EXPECT_EQ(producer.producers, 3);
  EXPECT_EQ(producer.producer, 2);
  EXPECT_EQ(producer.fault, pipeline_fault::producer_drops);
  EXPECT_EQ(producer.fault_item, 9'999u);
  const auto consumer =
      decode_job<pipeline_consumer_job>(encode_job(pipeline_consumer_job{500, pipeline_fault::consumer_dies, 17}));
  EXPECT_EQ(consumer.items, 500u);
  EXPECT_EQ(consumer.fault, pipeline_fault::consumer_dies);
  EXPECT_EQ(consumer.fault_item, 17u);
}

TEST(scenario_jobs, messaging_jobs_round_trip) {
  messaging_params params;
  params.transport = message_transport::shared_memory;
  params.mode = messaging_mode::stream;
  params.message_bytes = 4096;
  params.messages = 2'000'000;
  params.pinning = party_pinning::cross_cpu;
  params.fault = messaging_fault::echo_misnumbers;
  params.fault_message = 1'999'999;
  const auto check = [&](const messaging_party& back, int cpu) {
    EXPECT_EQ(back.params.transport, message_transport::shared_memory);
    EXPECT_EQ(back.params.mode, messaging_mode::stream);
    EXPECT_EQ(back.params.message_bytes, 4096u);
    EXPECT_EQ(back.params.messages, 2'000'000u);
    EXPECT_EQ(back.params.pinning, party_pinning::cross_cpu);
    EXPECT_EQ(back.params.fault, messaging_fault::echo_misnumbers);
    EXPECT_EQ(back.params.fault_message, 1'999'999u);
    EXPECT_EQ(back.cpu, cpu);
  };
  messaging_client_job client;
  client.params = params;
  client.cpu = 1;
  check(decode_job<messaging_client_job>(encode_job(client)), 1);
  messaging_echo_job echo;
  echo.params = params;  // cpu: not pinned
  check(decode_job<messaging_echo_job>(encode_job(echo)), -1);
}

TEST(scenario_jobs, a_fork_cost_parent_job_round_trips_with_the_longest_program) {
  fork_cost_parent_job job;
  job.start = process_start::posix_spawn;
  job.starts = 20;
  job.parent_bytes = std::uint64_t{100} << 20;
  const std::string program = "/" + std::string(max_program_length - 1, 'p');
  std::memcpy(job.program, program.data(), program.size());
  const auto back = decode_job<fork_cost_parent_job>(encode_job(job));
  EXPECT_EQ(back.start, process_start::posix_spawn);
  EXPECT_EQ(back.starts, 20);
  EXPECT_EQ(back.parent_bytes, std::uint64_t{100} << 20);
  EXPECT_EQ(std::string(back.program), program);
}

TEST(scenario_jobs, a_job_of_another_kind_is_refused_naming_both) {
  const forked_job consumer = encode_job(pipeline_consumer_job{});
  try {
    decode_job<pipeline_producer_job>(consumer);
    FAIL() << "a consumer's job was read as a producer's";
  } catch (const scenario_job_mismatch& e) {
    EXPECT_STREQ(e.what(), "a forked job of kind 3 (pipeline-consumer) is not a pipeline-producer job");
  }
  forked_job unknown;
  unknown.kind = 99;
  EXPECT_THROW(decode_job<shared_counter_job>(unknown), scenario_job_mismatch);
  EXPECT_THROW(decode_job<messaging_echo_job>(encode_job(messaging_client_job{})), std::invalid_argument);
}

}  // namespace
}  // namespace concbench
