#pragma once
// Distribution-free estimates of a quantile of an entry's repetition times, and exact intervals
// for it from order statistics. A repetition's time on a shared machine has no known shape (a
// floor, then slowdowns of any size on some repetitions), so nothing here assumes one: the
// interval [x(j), x(k)] covers the q-quantile whenever j <= B < k, where B, the number of
// samples below the quantile, is Binomial(n, q) whatever the distribution.

#include <optional>
#include <span>

namespace concbench {

// An interval around an estimate, and the probability (at least) with which it covers the
// quantity it estimates.
struct estimate_interval {
  double low;
  double high;
  double level;
};

// 1-based ranks of the order statistics x(low) <= x(high) that bound an interval, and its
// exact binomial coverage P(low <= B(n, q) < high).
struct order_statistic_ranks {
  int low;
  int high;
  double coverage;
};

// P(low <= B(n, q) < high), summed exactly (to rounding) for n up to the repetition cap.
double binomial_coverage(int n, double q, int low, int high);

// The narrowest pair of ranks (smallest high - low) whose coverage is at least `level`; among
// pairs as narrow, the one whose two tails, P(B < low) and P(B >= high), are closest (then the
// lower). Nullopt when even [x(1), x(n)] covers less than `level`. q and level lie in (0, 1).
std::optional<order_statistic_ranks> quantile_interval_ranks(int n, double q, double level);

// The smallest number of samples that can give an interval at `level` for the q-quantile
// (6 for the median at 95 %, 11 for the 25th percentile).
int min_samples_for_interval(double q, double level);

// The point estimate: linear interpolation between the order statistics around (n - 1) q (the
// usual sample quantile, R's type 7), so q = 0.5 is the usual median (the mean of the two middle
// values for an even count). Samples need not be sorted; none is an error.
double quantile_estimate(std::span<const double> samples, double q);
double quantile_estimate_sorted(std::span<const double> sorted, double q);

// The interval [x(j), x(k)] of quantile_interval_ranks, or nullopt when n samples cannot give
// `level`. Samples need not be sorted.
std::optional<estimate_interval> quantile_interval(std::span<const double> samples, double q, double level);
std::optional<estimate_interval> quantile_interval_sorted(std::span<const double> sorted, double q, double level);

}  // namespace concbench
