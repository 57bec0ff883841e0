#pragma once
// Rebuilds a task workload from its name and params (a worker process receives them as JSON),
// with the factory workload_registry.hpp lists under that name.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "workloads/workload.hpp"

namespace concbench {

// Throws std::invalid_argument naming what is wrong (unknown name, missing or bad field).
std::unique_ptr<workload> make_workload(const std::string& name, const nlohmann::json& params);

}  // namespace concbench
