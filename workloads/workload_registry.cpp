#include "workloads/workload_registry.hpp"

namespace concbench {
namespace {

namespace names = workload_names;

const registered_workload registry[] = {
    {names::cpu, workload_kind::task},           {names::sleep, workload_kind::task},
    {names::sleep_shapes, workload_kind::task},  {names::http, workload_kind::task},
    {names::startup, workload_kind::startup},    {names::empty, workload_kind::task},
    {names::shared, workload_kind::scenario},    {names::pipeline, workload_kind::scenario},
    {names::messaging, workload_kind::scenario}, {names::fork_cost, workload_kind::scenario},
    {names::fault, workload_kind::task, false},
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
