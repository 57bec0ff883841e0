#pragma once
// The constants of this machine that ideals are computed from, measured by calibration at
// the start of a run and recorded in the report's context.

#include <nlohmann/json.hpp>
#include <vector>

namespace concbench {

struct machine_constants {
  int usable_cpus = 1;                      // P
  std::vector<double> ns_per_increment;     // c_k for k = 1..P busy cores (index k-1)
  double sleep_overshoot_ns = 0;            // epsilon: how much longer a sleep lasts than asked
  double core_ghz = 0;                      // core clock from a dependent add chain (not the TSC)
  double loopback_round_trip_ns = 0;        // r, measured by the http work (0 until then)
  double loopback_requests_per_second = 0;  // X: saturated rate of the http server + client (0: unknown)

  // c_k, for k busy cores; k beyond what was measured uses the last measured value.
  double increment_ns(int busy_cores) const;
};

void to_json(nlohmann::json& j, const machine_constants& c);
void from_json(const nlohmann::json& j, machine_constants& c);

}  // namespace concbench
