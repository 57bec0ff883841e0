#pragma once
// Intervals of a ratio of two quantiles (a speedup: the sequential entry's time over another's)
// and how wide an interval is relative to its estimate.

#include <optional>
#include <span>

#include "reports/statistics/order_statistics.hpp"

namespace concbench {

// The level each of two independent intervals needs so that both cover at once with
// probability at least `level` (Bonferroni: 1 - (1 - level) / 2, 0.975 for 0.95).
double per_side_level(double level);

// The ratio a / b from an interval of a and an interval of b, each at per_side_level(level):
// [a.low / b.high, a.high / b.low], at `level`. Nullopt unless b's interval is above 0.
std::optional<estimate_interval> ratio_of_intervals(const estimate_interval& numerator,
                                                    const estimate_interval& denominator, double level);

// Ratio interval of the q-quantiles of two independent samples (numerator's over
// denominator's): both quantile intervals at per_side_level(level), so the ratio's coverage is at
// least `level`. Nullopt when either sample is too small for that (7 each for the median at
// 95 %, 13 for the 25th percentile) or the denominator's interval reaches 0.
std::optional<estimate_interval> ratio_interval(std::span<const double> numerator, std::span<const double> denominator,
                                                double q, double level);

// How far the interval reaches from the estimate, relative to it: max(est - low, high - est) / est.
double relative_half_width(const estimate_interval& interval, double estimate);

}  // namespace concbench
