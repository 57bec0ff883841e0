#include "workloads/number_format.hpp"

#include <cstdio>

namespace concbench {

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace concbench
