#pragma once
// Every thread a runner starts goes through here, so that a test can make the OS "refuse" it
// (resource_limits.hpp) and a refusal is described the same way everywhere.

#include <thread>
#include <utility>

#include "runners/batch/resource_limits.hpp"

namespace concbench {

// std::thread(f, args...), or std::system_error when the OS (or the test seam) refuses it.
template <typename Function, typename... Args>
std::thread start_thread(Function&& function, Args&&... args) {
  check_injected_refusal(os_resource::thread);
  return std::thread(std::forward<Function>(function), std::forward<Args>(args)...);
}

}  // namespace concbench
