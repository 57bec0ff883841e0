#include "workloads/calibration/machine_constants.hpp"

#include <algorithm>
#include <stdexcept>

namespace concbench {

double machine_constants::increment_ns(int busy_cores) const {
  if (ns_per_increment.empty()) throw std::logic_error("machine constants are not calibrated");
  const auto index = static_cast<std::size_t>(std::clamp(busy_cores, 1, static_cast<int>(ns_per_increment.size())));
  return ns_per_increment[index - 1];
}

void to_json(nlohmann::json& j, const machine_constants& c) {
  j = {{"usable_cpus", c.usable_cpus},
       {"ns_per_increment_by_busy_cores", c.ns_per_increment},
       {"sleep_overshoot_ns", c.sleep_overshoot_ns},
       {"core_ghz", c.core_ghz},
       {"loopback_round_trip_ns", c.loopback_round_trip_ns},
       {"loopback_requests_per_second", c.loopback_requests_per_second}};
}

void from_json(const nlohmann::json& j, machine_constants& c) {
  j.at("usable_cpus").get_to(c.usable_cpus);
  j.at("ns_per_increment_by_busy_cores").get_to(c.ns_per_increment);
  j.at("sleep_overshoot_ns").get_to(c.sleep_overshoot_ns);
  j.at("core_ghz").get_to(c.core_ghz);
  c.loopback_round_trip_ns = j.value("loopback_round_trip_ns", 0.0);
  c.loopback_requests_per_second = j.value("loopback_requests_per_second", 0.0);
}

}  // namespace concbench
