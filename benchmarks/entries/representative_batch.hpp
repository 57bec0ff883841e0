#pragma once
// Which batch an entry's timeline shows. Every repetition keeps its last timed batch; the
// timeline file gets the one whose time is closest to the median of those batches, so the
// chart of "who ran what, when" shows a typical batch, not whichever repetition happened to
// run last (with random interleaving that is any of them, a slow outlier as often as not).

#include <chrono>
#include <cstddef>
#include <vector>

#include "runners/batch/batch_outcome.hpp"

namespace concbench {

struct recorded_batch {
  int repetition = 0;  // the entry's own repetition number, from 1
  std::chrono::nanoseconds interval{0};
  std::vector<timeline_entry> timeline;
};

struct representative_choice {
  std::size_t index = 0;  // into the recorded batches
  double median_ns = 0;   // the median of their intervals (mean of the two middle ones if even)
};

// The batch closest to the median (the earlier one on a tie). `batches` must not be empty.
representative_choice choose_representative_batch(const std::vector<recorded_batch>& batches);

// The same choice over any number of repetitions in bounded memory: every interval counts
// towards the median, but only the timelines of the `capacity` batches nearest the running
// median are kept (at 10,000 repetitions of 10,000 tasks every timeline took 3 GB). Up to
// `capacity` batches it chooses exactly as choose_representative_batch.
class representative_batches {
 public:
  explicit representative_batches(std::size_t capacity = 16) : capacity_(capacity < 1 ? 1 : capacity) {}
  void add(recorded_batch batch);
  bool empty() const { return kept_.empty(); }
  std::size_t recorded() const { return intervals_ns_.size(); }  // every batch added
  double median_ns() const { return median_ns_; }                // of every batch added
  const recorded_batch& shown() const { return kept_.at(shown_); }

 private:
  std::size_t capacity_;
  std::vector<double> intervals_ns_;  // of every batch added, in increasing order
  std::vector<recorded_batch> kept_;  // in the order added
  double median_ns_ = 0;
  std::size_t shown_ = 0;
};

}  // namespace concbench
