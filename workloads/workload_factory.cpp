#include "workloads/workload_factory.hpp"

#include <stdexcept>

#include "workloads/workload_registry.hpp"

namespace concbench {

std::unique_ptr<workload> make_workload(const std::string& name, const nlohmann::json& params) {
  const auto* registered = find_workload(name);
  if (!registered || !registered->build) {
    std::string known;
    for (const auto& task : workloads_of_kind(workload_kind::task)) known += (known.empty() ? "" : ", ") + task;
    throw std::invalid_argument("unknown workload '" + name + "' (" + known + ")");
  }
  try {
    return registered->build(params);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("bad params for workload '" + name + "': " + e.what());
  }
}

}  // namespace concbench
