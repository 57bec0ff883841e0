// The batch an entry's timeline shows: the one closest to the median of the repetitions'
// batches, whatever order they ran in.

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "benchmarks/entries/representative_batch.hpp"

namespace concbench {
namespace {

std::vector<recorded_batch> batches_of(const std::vector<long long>& intervals_ns) {
  std::vector<recorded_batch> batches;
  for (std::size_t i = 0; i < intervals_ns.size(); ++i) {
    batches.push_back({static_cast<int>(i + 1), std::chrono::nanoseconds(intervals_ns[i]), {}});
  }
  return batches;
}

TEST(representative_batch, is_the_median_batch_not_the_last_one) {
  // The last repetition is the slow outlier: the timeline must not show it.
  const auto choice = choose_representative_batch(batches_of({22, 20, 31, 23, 39}));
  EXPECT_EQ(choice.index, 3u);  // 23 is the median of {20, 22, 23, 31, 39}
  EXPECT_DOUBLE_EQ(choice.median_ns, 23);
}

TEST(representative_batch, with_an_even_count_is_the_one_nearest_the_mean_of_the_middle_two) {
  const auto choice = choose_representative_batch(batches_of({10, 40, 21, 30}));  // median (21+30)/2 = 25.5
  EXPECT_DOUBLE_EQ(choice.median_ns, 25.5);
  EXPECT_EQ(choice.index, 2u);  // 21 is 4.5 away, 30 is 4.5 away: the earlier one
}

TEST(representative_batch, of_one_batch_is_that_batch) {
  const auto choice = choose_representative_batch(batches_of({7}));
  EXPECT_EQ(choice.index, 0u);
  EXPECT_DOUBLE_EQ(choice.median_ns, 7);
}

TEST(representative_batch, of_none_is_refused) { EXPECT_THROW(choose_representative_batch({}), std::invalid_argument); }

TEST(representative_batches, choose_as_choose_representative_batch_up_to_their_capacity) {
  const std::vector<long long> intervals{22, 20, 31, 23, 39, 10, 40, 21, 30, 25, 25, 18};
  representative_batches kept(intervals.size());
  for (std::size_t n = 1; n <= intervals.size(); ++n) {
    const auto batches = batches_of({intervals.begin(), intervals.begin() + static_cast<std::ptrdiff_t>(n)});
    kept.add(batches.back());
    const auto choice = choose_representative_batch(batches);
    EXPECT_EQ(kept.shown().repetition, batches[choice.index].repetition) << "after " << n << " batches";
    EXPECT_DOUBLE_EQ(kept.median_ns(), choice.median_ns) << "after " << n << " batches";
  }
}

TEST(representative_batches, keep_a_bounded_number_of_timelines_at_any_number_of_repetitions) {
  // The cap of --benchmark_repetitions (10,000) with a slow phase in the middle: the median and
  // the shown batch come from every repetition, the timelines kept stay at the capacity.
  representative_batches kept(16);
  for (int i = 0; i < 10'000; ++i) {
    const long long ns = (i >= 4'000 && i < 5'000) ? 900 : 100 + i % 7;
    kept.add({i + 1, std::chrono::nanoseconds(ns), std::vector<timeline_entry>(3)});
  }
  EXPECT_EQ(kept.recorded(), 10'000u);
  EXPECT_DOUBLE_EQ(kept.median_ns(), 103);
  EXPECT_EQ(kept.shown().interval.count(), 103);
}

}  // namespace
}  // namespace concbench
