#include "workloads/workload_factory.hpp"

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "workloads/cpu_workload.hpp"
#include "workloads/empty_workload.hpp"
#include "workloads/fault_workload.hpp"
#include "workloads/http/http_workload.hpp"
#include "workloads/sleep_shape_workload.hpp"
#include "workloads/sleep_workload.hpp"
#include "workloads/workload_registry.hpp"

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

// The factory of each task workload of the registry (a test checks that every task row has one
// and no other name does). Apart from the registry so that what only needs the names (the
// command line, and its fuzz target) does not link every workload.
struct workload_factory_row {
  std::string_view name;
  std::unique_ptr<workload> (*build)(const nlohmann::json& params);
};
const workload_factory_row factories[] = {
    {names::cpu, build_cpu},   {names::sleep, build_sleep}, {names::sleep_shapes, build_sleep_shape},
    {names::http, build_http}, {names::empty, build_empty}, {names::fault, build_fault},
};

}  // namespace

bool has_workload_factory(std::string_view name) {
  for (const auto& row : factories) {
    if (row.name == name) return true;
  }
  return false;
}

std::unique_ptr<workload> make_workload(const std::string& name, const nlohmann::json& params) {
  const auto* registered = find_workload(name);
  const workload_factory_row* factory = nullptr;
  for (const auto& row : factories) {
    if (row.name == name) factory = &row;
  }
  if (!registered || registered->kind != workload_kind::task || !factory) {
    std::string known;
    for (const auto& task : workloads_of_kind(workload_kind::task)) known += (known.empty() ? "" : ", ") + task;
    throw std::invalid_argument("unknown workload '" + name + "' (" + known + ")");
  }
  try {
    return factory->build(params);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("bad params for workload '" + name + "': " + e.what());
  }
}

}  // namespace concbench
