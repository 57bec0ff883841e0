#pragma once
// steady_clock in nanoseconds: the clock every process of the machine shares, so a worker
// process's task times and a scenario participant's gate times can be set against the
// measuring process's own.

#include <chrono>
#include <cstdint>

namespace concbench {

inline std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace concbench
