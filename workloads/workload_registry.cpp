#include "workloads/workload_registry.hpp"

#include <chrono>
#include <cstdint>

#include "workloads/cpu_workload.hpp"
#include "workloads/empty_workload.hpp"
#include "workloads/fault_workload.hpp"
#include "workloads/http/http_workload.hpp"
#include "workloads/sleep_shape_workload.hpp"
#include "workloads/sleep_workload.hpp"

namespace concbench {
namespace {

std::unique_ptr<workload> build_cpu(const nlohmann::json& params) {
  return std::make_unique<cpu_workload>(params.at("scale").get<double>(), params.at("nums").get<std::vector<int>>());
}

std::unique_ptr<workload> build_sleep_shape(const nlohmann::json& params) {
  return std::make_unique<sleep_shape_workload>(params.at("shape").get<std::string>(),
                                                params.at("time_scale").get<double>(),
                                                params.value("seed", std::uint64_t{1}));
}

// A sleep-shapes workload calls itself `sleep`: its params tell the two apart.
std::unique_ptr<workload> build_sleep(const nlohmann::json& params) {
  if (params.contains("shape")) return build_sleep_shape(params);
  return std::make_unique<sleep_workload>(params.at("tasks").get<int>(), params.at("sleep_ms").get<double>(),
                                          params.at("time_scale").get<double>());
}

std::unique_ptr<workload> build_http(const nlohmann::json& params) {
  return std::make_unique<http_workload>(params.at("url").get<std::string>(), params.at("tasks").get<int>(),
                                         params.at("delay_ms").get<double>(),
                                         params.at("body_bytes").get<std::int64_t>(),
                                         params.at("timeout_ms").get<double>(), params.at("keep_alive").get<bool>());
}

std::unique_ptr<workload> build_empty(const nlohmann::json& params) {
  return std::make_unique<empty_workload>(params.at("tasks").get<int>());
}

std::unique_ptr<workload> build_fault(const nlohmann::json& params) {
  return std::make_unique<fault_workload>(params.at("tasks").get<int>(), params.at("faulty_index").get<int>(),
                                          parse_fault_mode(params.at("mode").get<std::string>()),
                                          params.at("increments").get<std::int64_t>(), params.value("fail_from_run", 1),
                                          std::chrono::milliseconds(params.value("ignore_ms", 1000)));
}

namespace names = workload_names;

const registered_workload registry[] = {
    {names::cpu, workload_kind::task, build_cpu},
    {names::sleep, workload_kind::task, build_sleep},
    {names::sleep_shapes, workload_kind::task, build_sleep_shape},
    {names::http, workload_kind::task, build_http},
    {names::startup, workload_kind::startup},
    {names::empty, workload_kind::task, build_empty},
    {names::shared, workload_kind::scenario},
    {names::pipeline, workload_kind::scenario},
    {names::messaging, workload_kind::scenario},
    {names::fork_cost, workload_kind::scenario},
    {names::fault, workload_kind::task, build_fault, false},
};

}  // namespace

std::span<const registered_workload> registered_workloads() { return registry; }

const registered_workload* find_workload(std::string_view name) {
  for (const auto& row : registry) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

std::vector<std::string> selectable_workloads() {
  std::vector<std::string> names;
  for (const auto& row : registry) {
    if (row.selectable) names.emplace_back(row.name);
  }
  return names;
}

std::vector<std::string> workloads_of_kind(workload_kind kind) {
  std::vector<std::string> names;
  for (const auto& row : registry) {
    if (row.selectable && row.kind == kind) names.emplace_back(row.name);
  }
  return names;
}

}  // namespace concbench
