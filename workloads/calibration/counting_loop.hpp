#pragma once
// The tutorial's CPU-bound task: counter += 1, n times, one increment per iteration.

#include <cstdint>
#include <stop_token>

namespace concbench {

// Counts to `increments` unless `stop` is requested; returns how far it got. The stop token
// is looked at every `increments_per_stop_check` increments (about half a millisecond).
std::int64_t count_up_to(std::int64_t increments, std::stop_token stop);

inline constexpr std::int64_t increments_per_stop_check = std::int64_t{1} << 21;

}  // namespace concbench
