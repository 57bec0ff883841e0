// The exact order-statistic intervals against a brute-force enumeration of the binomial, the
// smallest counts that give an interval, and the point estimate.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <vector>

#include "reports/statistics/lead_estimator.hpp"
#include "reports/statistics/order_statistics.hpp"
#include "reports/statistics/ratio_interval.hpp"

namespace concbench {
namespace {

// P(B = i) straight from the definition, in long double: C(n, i) q^i (1 - q)^(n - i).
long double binomial_term(int n, int i, long double q) {
  long double choose = 1;
  for (int t = 1; t <= i; ++t) choose = choose * (n - i + t) / t;
  return choose * std::pow(q, static_cast<long double>(i)) * std::pow(1 - q, static_cast<long double>(n - i));
}

struct brute_force_pair {
  int low, high;
  long double coverage;
};

// Every pair 1 <= low < high <= n, its coverage summed term by term; the narrowest that
// reaches the level, then the one whose tails are closest, then the lower.
std::optional<brute_force_pair> brute_force_ranks(int n, double q, double level) {
  std::vector<long double> terms;
  for (int i = 0; i <= n; ++i) terms.push_back(binomial_term(n, i, q));
  std::optional<brute_force_pair> best;
  long double best_asymmetry = 0;
  for (int low = 1; low <= n; ++low) {
    for (int high = low + 1; high <= n; ++high) {
      long double coverage = 0, below = 0, above = 0;
      for (int i = 0; i <= n; ++i)
        (i < low ? below : i >= high ? above : coverage) += terms[static_cast<std::size_t>(i)];
      if (coverage < level) continue;
      const long double asymmetry = std::fabs(below - above);
      const bool narrower = !best || high - low < best->high - best->low;
      const bool as_narrow = best && high - low == best->high - best->low;
      if (narrower || (as_narrow && asymmetry < best_asymmetry - 1e-12L)) {
        best = brute_force_pair{low, high, coverage};
        best_asymmetry = asymmetry;
      }
    }
  }
  return best;
}

TEST(quantile_interval_ranks, match_a_brute_force_enumeration_for_every_n_up_to_40) {
  for (const double q : {0.05, 0.1, 0.25, 1.0 / 3, 0.5, 0.75, 0.9}) {
    for (const double level : {0.9, 0.95, 0.975, 0.99}) {
      for (int n = 1; n <= 40; ++n) {
        const auto expected = brute_force_ranks(n, q, level);
        const auto got = quantile_interval_ranks(n, q, level);
        ASSERT_EQ(got.has_value(), expected.has_value()) << "n " << n << " q " << q << " level " << level;
        if (!got) continue;
        EXPECT_EQ(got->low, expected->low) << "n " << n << " q " << q << " level " << level;
        EXPECT_EQ(got->high, expected->high) << "n " << n << " q " << q << " level " << level;
        EXPECT_NEAR(got->coverage, static_cast<double>(expected->coverage), 1e-12);
        EXPECT_GE(got->coverage, level);
        EXPECT_NEAR(binomial_coverage(n, q, got->low, got->high), got->coverage, 1e-12);
      }
    }
  }
}

TEST(quantile_interval_ranks, stay_exact_and_near_the_normal_approximation_at_ten_thousand) {
  const int n = 10'000;
  for (const double q : {0.25, 0.5}) {
    const auto ranks = quantile_interval_ranks(n, q, 0.95);
    ASSERT_TRUE(ranks);
    EXPECT_GE(ranks->coverage, 0.95);
    EXPECT_LT(ranks->coverage, 0.952);  // the narrowest: one rank less would fall short
    const double spread = 1.96 * std::sqrt(n * q * (1 - q));
    EXPECT_NEAR(ranks->low, n * q - spread + 1, 3) << q;
    EXPECT_NEAR(ranks->high, n * q + spread + 1, 3) << q;
    EXPECT_LT(binomial_coverage(n, q, ranks->low + 1, ranks->high), 0.95);
    EXPECT_LT(binomial_coverage(n, q, ranks->low, ranks->high - 1), 0.95);
  }
}

TEST(min_samples_for_interval, is_the_first_count_with_an_interval) {
  EXPECT_EQ(min_samples_for_interval(0.5, 0.95), 6);
  EXPECT_EQ(min_samples_for_interval(0.25, 0.95), 11);
  EXPECT_EQ(min_samples_for_interval(0.5, 0.975), 7);  // each side of a ratio
  EXPECT_EQ(min_samples_for_interval(0.25, 0.975), 13);
  for (const double q : {0.05, 0.25, 0.5, 0.9}) {
    for (const double level : {0.9, 0.95, 0.975}) {
      const int n = min_samples_for_interval(q, level);
      EXPECT_TRUE(quantile_interval_ranks(n, q, level)) << q << " " << level;
      EXPECT_FALSE(quantile_interval_ranks(n - 1, q, level)) << q << " " << level;
    }
  }
}

TEST(quantile_interval, is_the_ranks_order_statistics_of_unsorted_samples) {
  std::vector<double> samples;
  for (int i = 11; i >= 1; --i) samples.push_back(i * 10.0);  // 110, 100, ..., 10
  const auto ranks = quantile_interval_ranks(11, 0.25, 0.95);
  const auto interval = quantile_interval(samples, 0.25, 0.95);
  ASSERT_TRUE(ranks && interval);
  EXPECT_EQ(interval->low, ranks->low * 10.0);
  EXPECT_EQ(interval->high, ranks->high * 10.0);
  EXPECT_EQ(interval->level, 0.95);
  EXPECT_FALSE(quantile_interval(std::span(samples).first(10), 0.25, 0.95));
  EXPECT_FALSE(quantile_interval(std::span(samples).first(5), 0.5, 0.95));
  EXPECT_TRUE(quantile_interval(std::span(samples).first(6), 0.5, 0.95));
  EXPECT_THROW(quantile_interval(samples, 0, 0.95), std::invalid_argument);
  EXPECT_THROW(quantile_interval(samples, 0.5, 1), std::invalid_argument);
}

// Google Benchmark 1.7.1's StatisticsMedian, as src/statistics.cc writes it.
double google_benchmark_median(const std::vector<double>& v) {
  if (v.size() < 3) {
    double sum = 0;
    for (const double x : v) sum += x;
    return sum * (1.0 / static_cast<double>(v.size()));
  }
  std::vector<double> copy(v);
  auto center = copy.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(copy.begin(), center, copy.end());
  if (v.size() % 2 == 1) return *center;
  auto center2 = copy.begin() + static_cast<std::ptrdiff_t>(v.size() / 2 - 1);
  std::nth_element(copy.begin(), center2, copy.end());
  return (*center + *center2) / 2.0;
}

TEST(quantile_estimate, the_half_quantile_is_google_benchmarks_median_to_the_bit) {
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> times(0, 1);
  for (int n = 1; n <= 60; ++n) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<double> samples(static_cast<std::size_t>(n));
      for (double& x : samples) x = times(random) * 1e6;
      EXPECT_EQ(quantile_estimate(samples, 0.5), google_benchmark_median(samples)) << n;
    }
  }
}

TEST(quantile_estimate, interpolates_between_the_order_statistics) {
  const std::vector<double> samples{4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(quantile_estimate(samples, 0.25), 1.75);  // (n - 1) q = 0.75
  EXPECT_DOUBLE_EQ(quantile_estimate(samples, 0), 1);
  EXPECT_DOUBLE_EQ(quantile_estimate(samples, 1), 4);
  EXPECT_DOUBLE_EQ(quantile_estimate(std::vector<double>{5}, the_lead_estimator.q), 5);
  EXPECT_THROW(quantile_estimate(std::vector<double>{}, 0.5), std::invalid_argument);
}

TEST(ratio_interval, uses_each_side_at_the_bonferroni_level) {
  EXPECT_DOUBLE_EQ(per_side_level(0.95), 0.975);
  std::vector<double> sequential, parallel;
  for (int i = 1; i <= 7; ++i) {
    sequential.push_back(100.0 + i);
    parallel.push_back(50.0 + i);
  }
  // Seven samples: the median's only 97.5 % interval is [x(1), x(7)] on each side.
  const auto ratio = ratio_interval(sequential, parallel, 0.5, 0.95);
  ASSERT_TRUE(ratio);
  EXPECT_DOUBLE_EQ(ratio->low, 101.0 / 57.0);
  EXPECT_DOUBLE_EQ(ratio->high, 107.0 / 51.0);
  EXPECT_EQ(ratio->level, 0.95);
  EXPECT_FALSE(ratio_interval(std::span(sequential).first(6), parallel, 0.5, 0.95));
  EXPECT_FALSE(ratio_of_intervals({1, 2, 0.975}, {0, 1, 0.975}, 0.95));
}

TEST(relative_half_width, is_the_longer_arm_over_the_estimate) {
  EXPECT_DOUBLE_EQ(relative_half_width({90, 120, 0.95}, 100), 0.2);
  EXPECT_DOUBLE_EQ(relative_half_width({70, 110, 0.95}, 100), 0.3);
}

TEST(lead_estimator, is_the_25th_percentile) {
  static_assert(lead_estimator_of().q == 0.25);
  EXPECT_STREQ(lead_estimator_of().name, "p25");
  EXPECT_EQ(interval_level, 0.95);
}

}  // namespace
}  // namespace concbench
