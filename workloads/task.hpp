#pragma once
// One unit of a workload, small and serialisable so that a worker process can receive it.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace concbench {

struct task_spec {
  std::size_t index = 0;  // position in the batch; errors and timelines name it
  std::int64_t size = 0;  // what the workload means by it: increments (cpu), nanoseconds (sleep)
};

struct task_result {
  std::int64_t value = 0;  // what the workload verifies: the count, the nanoseconds slept
};

inline void to_json(nlohmann::json& j, const task_spec& t) { j = {{"index", t.index}, {"size", t.size}}; }
inline void from_json(const nlohmann::json& j, task_spec& t) {
  j.at("index").get_to(t.index);
  j.at("size").get_to(t.size);
}
inline void to_json(nlohmann::json& j, const task_result& r) { j = {{"value", r.value}}; }
inline void from_json(const nlohmann::json& j, task_result& r) { j.at("value").get_to(r.value); }

}  // namespace concbench
