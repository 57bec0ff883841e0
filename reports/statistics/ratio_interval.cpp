#include "reports/statistics/ratio_interval.hpp"

#include <algorithm>
#include <stdexcept>

namespace concbench {

double per_side_level(double level) {
  if (!(level > 0 && level < 1)) throw std::invalid_argument("an interval's level must lie in (0, 1)");
  return 1 - (1 - level) / 2;
}

std::optional<estimate_interval> ratio_of_intervals(const estimate_interval& numerator,
                                                    const estimate_interval& denominator, double level) {
  if (!(denominator.low > 0) || !(numerator.low >= 0)) return std::nullopt;
  return estimate_interval{numerator.low / denominator.high, numerator.high / denominator.low, level};
}

std::optional<estimate_interval> ratio_interval(std::span<const double> numerator, std::span<const double> denominator,
                                                double q, double level) {
  const double each = per_side_level(level);
  const auto top = quantile_interval(numerator, q, each);
  const auto bottom = quantile_interval(denominator, q, each);
  if (!top || !bottom) return std::nullopt;
  return ratio_of_intervals(*top, *bottom, level);
}

double relative_half_width(const estimate_interval& interval, double estimate) {
  return std::max(estimate - interval.low, interval.high - estimate) / estimate;
}

}  // namespace concbench
