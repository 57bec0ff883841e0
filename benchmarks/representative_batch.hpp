#pragma once
// Which batch an entry's timeline shows. Every repetition keeps its last timed batch; the
// timeline file gets the one whose time is closest to the median of those batches, so the
// chart of "who ran what, when" shows a typical batch, not whichever repetition happened to
// run last (with random interleaving that is any of them, a slow outlier as often as not).

#include <chrono>
#include <cstddef>
#include <vector>

#include "batch_outcome.hpp"

namespace concbench {

struct recorded_batch {
  int repetition = 0;  // the entry's own repetition number, from 1
  std::chrono::nanoseconds interval{0};
  std::vector<timeline_entry> timeline;
};

struct representative_choice {
  std::size_t index = 0;     // into the recorded batches
  double median_ns = 0;      // the median of their intervals (mean of the two middle ones if even)
};

// The batch closest to the median (the earlier one on a tie). `batches` must not be empty.
representative_choice choose_representative_batch(const std::vector<recorded_batch>& batches);

}  // namespace concbench
