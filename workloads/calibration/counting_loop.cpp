#include "workloads/calibration/counting_loop.hpp"

#include <algorithm>

namespace concbench {

std::int64_t count_up_to(std::int64_t increments, std::stop_token stop) {
  std::int64_t counter = 0;
  while (counter < increments && !stop.stop_requested()) {
    const std::int64_t chunk_end = std::min(increments, counter + increments_per_stop_check);
    while (counter < chunk_end) {
      counter += 1;
      // An empty asm that claims to change the counter: the optimiser can neither fold the
      // loop into one addition nor vectorise it, so each iteration is one real increment.
      asm volatile("" : "+r"(counter));
    }
  }
  return counter;
}

}  // namespace concbench
