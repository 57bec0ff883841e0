#include "reports/statistics/order_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace concbench {
namespace {

void check_arguments(double q, double level) {
  if (!(q > 0 && q < 1)) throw std::invalid_argument("a quantile must lie in (0, 1), not " + std::to_string(q));
  if (!(level > 0 && level < 1)) {
    throw std::invalid_argument("an interval's level must lie in (0, 1), not " + std::to_string(level));
  }
}

// P(B = i) for i = 0..n, B ~ Binomial(n, q): the mode's term from lgamma, the others by the
// ratio of neighbouring terms, then scaled to sum to 1 (which also cancels lgamma's rounding).
// Terms far in the tails underflow to 0, harmlessly: they cannot move a coverage at 1e-300.
std::vector<double> binomial_pmf(int n, double q) {
  std::vector<double> pmf(static_cast<std::size_t>(n) + 1, 0.0);
  const int mode = std::clamp(static_cast<int>(std::floor((n + 1) * q)), 0, n);
  const auto at = [&pmf](int i) -> double& { return pmf[static_cast<std::size_t>(i)]; };
  at(mode) = std::exp(std::lgamma(n + 1.0) - std::lgamma(mode + 1.0) - std::lgamma(n - mode + 1.0) +
                      mode * std::log(q) + (n - mode) * std::log1p(-q));
  const double odds = q / (1 - q);
  for (int i = mode; i < n; ++i) at(i + 1) = at(i) * (static_cast<double>(n - i) / (i + 1)) * odds;
  for (int i = mode; i > 0; --i) at(i - 1) = at(i) * (static_cast<double>(i) / (n - i + 1)) / odds;
  double sum = 0;
  for (const double p : pmf) sum += p;
  for (double& p : pmf) p /= sum;
  return pmf;
}

// The tails of one n and q: below[i] = P(B < i), above[i] = P(B >= i), for i = 0..n+1, each
// summed from its own end so that a small tail keeps its digits.
struct binomial_tails {
  std::vector<double> below, above;
  binomial_tails(int n, double q) : below(static_cast<std::size_t>(n) + 2, 0.0), above(below.size(), 0.0) {
    const auto pmf = binomial_pmf(n, q);
    for (std::size_t i = 0; i < pmf.size(); ++i) below[i + 1] = below[i] + pmf[i];
    for (std::size_t i = pmf.size(); i-- > 0;) above[i] = above[i + 1] + pmf[i];
  }
  // P(low <= B < high)
  double coverage(int low, int high) const {
    return 1 - below[static_cast<std::size_t>(low)] - above[static_cast<std::size_t>(high)];
  }
};

std::vector<double> sorted_copy(std::span<const double> samples) {
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

}  // namespace

double binomial_coverage(int n, double q, int low, int high) {
  check_arguments(q, 0.5);
  low = std::max(low, 0);
  high = std::min(high, n + 1);
  if (n < 0 || low >= high) return 0;
  return binomial_tails(n, q).coverage(low, high);
}

std::optional<order_statistic_ranks> quantile_interval_ranks(int n, double q, double level) {
  check_arguments(q, level);
  if (n < 2) return std::nullopt;
  const binomial_tails tails(n, q);
  if (tails.coverage(1, n) < level) return std::nullopt;
  // The narrowest width: for each low rank the first high rank that reaches the level, which
  // never moves down as the low rank moves up (a window's coverage only falls as its low end rises).
  int width = n - 1;
  for (int low = 1, high = 2; low < n; ++low) {
    high = std::max(high, low + 1);
    while (high <= n && tails.coverage(low, high) < level) ++high;
    if (high > n) break;
    width = std::min(width, high - low);
  }
  std::optional<order_statistic_ranks> best;
  double best_asymmetry = 0;
  for (int low = 1; low + width <= n; ++low) {
    const int high = low + width;
    const double coverage = tails.coverage(low, high);
    if (coverage < level) continue;
    const double asymmetry =
        std::abs(tails.below[static_cast<std::size_t>(low)] - tails.above[static_cast<std::size_t>(high)]);
    // Mirror images (any q = 0.5 pair) tie up to rounding: the lower one stays.
    if (!best || asymmetry < best_asymmetry - 1e-12) {
      best = order_statistic_ranks{low, high, coverage};
      best_asymmetry = asymmetry;
    }
  }
  return best;
}

int min_samples_for_interval(double q, double level) {
  check_arguments(q, level);
  // [x(1), x(n)] covers with 1 - q^n - (1 - q)^n, which grows with n: the closed form finds the
  // count, the exact sum confirms it (they differ only in rounding).
  int n = 2;
  while (1 - std::pow(q, n) - std::pow(1 - q, n) < level) {
    if (++n > 100'000'000) throw std::invalid_argument("no practical sample count reaches that level");
  }
  while (n > 2 && quantile_interval_ranks(n - 1, q, level)) --n;
  while (!quantile_interval_ranks(n, q, level)) ++n;
  return n;
}

double quantile_estimate_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) throw std::invalid_argument("a quantile of no samples");
  if (!(q >= 0 && q <= 1)) throw std::invalid_argument("a quantile must lie in [0, 1], not " + std::to_string(q));
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const auto below = static_cast<std::size_t>(std::floor(h));
  if (below + 1 >= sorted.size()) return sorted[below];
  const double fraction = h - static_cast<double>(below);
  // Halfway (the median of an even count): the mean of the two, as every median is written,
  // so the median row keeps the very value Google Benchmark's median gives.
  if (fraction == 0.5) return (sorted[below] + sorted[below + 1]) / 2.0;
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

double quantile_estimate(std::span<const double> samples, double q) {
  return quantile_estimate_sorted(sorted_copy(samples), q);
}

std::optional<estimate_interval> quantile_interval_sorted(std::span<const double> sorted, double q, double level) {
  const auto ranks = quantile_interval_ranks(static_cast<int>(sorted.size()), q, level);
  if (!ranks) return std::nullopt;
  return estimate_interval{sorted[static_cast<std::size_t>(ranks->low - 1)],
                           sorted[static_cast<std::size_t>(ranks->high - 1)], level};
}

std::optional<estimate_interval> quantile_interval(std::span<const double> samples, double q, double level) {
  check_arguments(q, level);
  if (samples.size() < 2) return std::nullopt;
  return quantile_interval_sorted(sorted_copy(samples), q, level);
}

}  // namespace concbench
