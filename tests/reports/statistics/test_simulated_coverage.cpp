// The intervals on simulated repetitions of a shared machine, where noise only slows a
// repetition down: a floor with a little jitter, and on a random 40 % of repetitions a slowdown
// of its own (exponential, or Pareto's heavy tail). The exact intervals must cover the true
// quantile at least 95 % of the time (less three standard errors of 20,000 batches), and the
// 25th percentile's interval must be narrower than the median's at the same count: the
// precision half of why it leads (reports/statistics/lead_estimator.hpp).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "reports/statistics/lead_estimator.hpp"
#include "reports/statistics/order_statistics.hpp"
#include "reports/statistics/ratio_interval.hpp"

namespace concbench {
namespace {

constexpr int batches = 20'000;
constexpr double level = 0.95;
// Three standard errors of a coverage of 0.95 measured on `batches` batches.
const double coverage_floor = level - 3 * std::sqrt(level * (1 - level) / batches);

enum class slowdown { exponential, pareto };

struct one_sided_noise {
  slowdown tail;
  double floor = 1.0;
  double sample(std::mt19937_64& random) const {
    std::uniform_real_distribution<double> uniform(0, 1);
    // Every repetition: the floor and a jitter of about half a percent.
    double time = floor * (1 + std::exponential_distribution<double>(1 / 0.005)(random));
    if (uniform(random) < 0.4) {
      if (tail == slowdown::exponential) {
        time += floor * std::exponential_distribution<double>(1 / 0.1)(random);  // 10 % on average
      } else {
        // Pareto, x_m = 2 %, shape 1.5: a finite mean (6 %), an unbounded variance.
        time += floor * 0.02 / std::pow(1 - uniform(random), 1 / 1.5);
      }
    }
    return time;
  }
};

const char* tail_name(slowdown tail) { return tail == slowdown::exponential ? "exponential" : "pareto"; }

// The model's true quantile, from four million draws (its standard error is near 1e-6 of the
// floor, far inside any interval measured here).
double true_quantile(const one_sided_noise& noise, double q) {
  std::mt19937_64 random(12345);
  std::vector<double> many(4'000'000);
  for (double& x : many) x = noise.sample(random);
  return quantile_estimate(many, q);
}

struct batch_figures {
  int with_interval = 0;
  int covered = 0;
  double half_width_sum = 0;
  double coverage() const { return static_cast<double>(covered) / with_interval; }
  double mean_half_width_pct() const { return 100 * half_width_sum / with_interval; }
};

batch_figures simulate(const one_sided_noise& noise, double q, int n, double truth, unsigned seed) {
  std::mt19937_64 random(seed);
  batch_figures figures;
  std::vector<double> samples(static_cast<std::size_t>(n));
  for (int b = 0; b < batches; ++b) {
    for (double& x : samples) x = noise.sample(random);
    const auto interval = quantile_interval(samples, q, level);
    if (!interval) continue;
    ++figures.with_interval;
    figures.covered += interval->low <= truth && truth <= interval->high;
    figures.half_width_sum += relative_half_width(*interval, quantile_estimate(samples, q));
  }
  return figures;
}

std::string fixed(double value, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

class one_sided_noise_test : public ::testing::TestWithParam<slowdown> {};

TEST_P(one_sided_noise_test, intervals_cover_and_the_lead_is_narrower_than_the_median) {
  const one_sided_noise noise{GetParam()};
  const double q_lead = the_lead_estimator.q;
  const double true_median = true_quantile(noise, 0.5);
  const double true_lead = true_quantile(noise, q_lead);
  std::printf("%s slowdowns: true median %.5f, true %s %.5f\n", tail_name(noise.tail), true_median,
              the_lead_estimator.name, true_lead);
  for (const int n : {10, 15, 20, 30}) {
    const auto median = simulate(noise, 0.5, n, true_median, 100u + static_cast<unsigned>(n));
    const auto lead = simulate(noise, q_lead, n, true_lead, 200u + static_cast<unsigned>(n));
    ASSERT_EQ(median.with_interval, batches);
    EXPECT_GE(median.coverage(), coverage_floor) << "median, n " << n;
    std::string line = std::string(tail_name(noise.tail)) + " n=" + std::to_string(n) + ": median coverage " +
                       fixed(median.coverage(), 4) + ", half-width " + fixed(median.mean_half_width_pct(), 3) + " %";
    RecordProperty(std::string("median_half_width_pct_n") + std::to_string(n), fixed(median.mean_half_width_pct(), 3));
    RecordProperty(std::string("median_coverage_n") + std::to_string(n), fixed(median.coverage(), 4));
    if (n < min_samples_for_interval(q_lead, level)) {
      EXPECT_EQ(lead.with_interval, 0);
      line += "; " + std::string(the_lead_estimator.name) + ": no 95 % interval below " +
              std::to_string(min_samples_for_interval(q_lead, level)) + " samples";
    } else {
      ASSERT_EQ(lead.with_interval, batches);
      EXPECT_GE(lead.coverage(), coverage_floor) << the_lead_estimator.name << ", n " << n;
      EXPECT_LT(lead.mean_half_width_pct(), median.mean_half_width_pct()) << "n " << n;
      line += "; " + std::string(the_lead_estimator.name) + " coverage " + fixed(lead.coverage(), 4) + ", half-width " +
              fixed(lead.mean_half_width_pct(), 3) + " %";
      RecordProperty(std::string("lead_half_width_pct_n") + std::to_string(n), fixed(lead.mean_half_width_pct(), 3));
      RecordProperty(std::string("lead_coverage_n") + std::to_string(n), fixed(lead.coverage(), 4));
    }
    std::printf("%s\n", line.c_str());
  }
}

TEST_P(one_sided_noise_test, ratio_intervals_cover_a_known_ratio) {
  // The sequential entry twice as slow, under the same noise: every quantile's ratio is 2.
  const one_sided_noise parallel{GetParam()};
  const one_sided_noise sequential{GetParam(), 2.0};
  for (const double q : {0.5, the_lead_estimator.q}) {
    for (const int n : {15, 30}) {
      std::mt19937_64 random(300u + static_cast<unsigned>(n));
      std::vector<double> top(static_cast<std::size_t>(n)), bottom(static_cast<std::size_t>(n));
      int covered = 0, with_interval = 0;
      for (int b = 0; b < batches; ++b) {
        for (double& x : top) x = sequential.sample(random);
        for (double& x : bottom) x = parallel.sample(random);
        const auto ratio = ratio_interval(top, bottom, q, level);
        if (!ratio) continue;
        ++with_interval;
        covered += ratio->low <= 2 && 2 <= ratio->high;
      }
      ASSERT_EQ(with_interval, batches) << q << " " << n;
      const double coverage = static_cast<double>(covered) / with_interval;
      std::printf("%s ratio of q=%.2f, n=%d: coverage %.4f\n", tail_name(GetParam()), q, n, coverage);
      EXPECT_GE(coverage, coverage_floor) << q << " " << n;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(slowdowns, one_sided_noise_test, ::testing::Values(slowdown::exponential, slowdown::pareto),
                         [](const auto& info) { return std::string(tail_name(info.param)); });

}  // namespace
}  // namespace concbench
