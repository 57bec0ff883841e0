#pragma once
// The median of samples: what calibration and per-task rates report, so that one scheduler
// hiccup on a shared machine does not move a constant.

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace concbench {

// The middle value, or the mean of the two middle values for an even count.
inline double median(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("median of no samples");
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace concbench
