#include "workloads/workload_factory.hpp"

#include <stdexcept>

#include "workloads/cpu_workload.hpp"
#include "workloads/empty_workload.hpp"
#include "workloads/fault_workload.hpp"
#include "workloads/http/http_workload.hpp"
#include "workloads/sleep_shape_workload.hpp"
#include "workloads/sleep_workload.hpp"

namespace concbench {

std::unique_ptr<workload> make_workload(const std::string& name, const nlohmann::json& params) {
  try {
    if (name == "cpu") {
      return std::make_unique<cpu_workload>(params.at("scale").get<double>(),
                                            params.at("nums").get<std::vector<int>>());
    }
    if (name == "sleep" && params.contains("shape")) {
      return std::make_unique<sleep_shape_workload>(params.at("shape").get<std::string>(),
                                                    params.at("time_scale").get<double>(),
                                                    params.value("seed", std::uint64_t{1}));
    }
    if (name == "sleep") {
      return std::make_unique<sleep_workload>(params.at("tasks").get<int>(), params.at("sleep_ms").get<double>(),
                                              params.at("time_scale").get<double>());
    }
    if (name == "empty") return std::make_unique<empty_workload>(params.at("tasks").get<int>());
    if (name == "http") {
      return std::make_unique<http_workload>(
          params.at("url").get<std::string>(), params.at("tasks").get<int>(), params.at("delay_ms").get<double>(),
          params.at("body_bytes").get<std::int64_t>(), params.at("timeout_ms").get<double>(),
          params.at("keep_alive").get<bool>());
    }
    if (name == "fault") {
      return std::make_unique<fault_workload>(
          params.at("tasks").get<int>(), params.at("faulty_index").get<int>(),
          parse_fault_mode(params.at("mode").get<std::string>()), params.at("increments").get<std::int64_t>(),
          params.value("fail_from_run", 1), std::chrono::milliseconds(params.value("ignore_ms", 1000)));
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("bad params for workload '" + name + "': " + e.what());
  }
  throw std::invalid_argument("unknown workload '" + name + "' (cpu, sleep, http, empty)");
}

}  // namespace concbench
