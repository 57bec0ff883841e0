#pragma once
// Rebuilds a task workload from its name and params (a worker process receives them as JSON),
// with the factory this file keeps for each task workload of workload_registry.hpp.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "workloads/workload.hpp"

namespace concbench {

// Throws std::invalid_argument naming what is wrong (unknown name, missing or bad field).
std::unique_ptr<workload> make_workload(const std::string& name, const nlohmann::json& params);

// Whether make_workload has a factory for `name` (every task workload of the registry has one).
bool has_workload_factory(std::string_view name);

}  // namespace concbench
