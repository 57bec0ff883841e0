#include "benchmarks/entries/representative_batch.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace concbench {

representative_choice choose_representative_batch(const std::vector<recorded_batch>& batches) {
  if (batches.empty()) throw std::invalid_argument("choose_representative_batch: no batch recorded");
  std::vector<double> sorted;
  for (const auto& batch : batches) sorted.push_back(static_cast<double>(batch.interval.count()));
  std::sort(sorted.begin(), sorted.end());
  const std::size_t middle = sorted.size() / 2;
  const double median = sorted.size() % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  representative_choice choice{0, median};
  for (std::size_t i = 1; i < batches.size(); ++i) {
    const auto distance = [&](std::size_t k) {
      return std::abs(static_cast<double>(batches[k].interval.count()) - median);
    };
    if (distance(i) < distance(choice.index)) choice.index = i;
  }
  return choice;
}

void representative_batches::add(recorded_batch batch) {
  intervals_ns_.push_back(static_cast<double>(batch.interval.count()));
  std::vector<double> sorted = intervals_ns_;
  const std::size_t middle = sorted.size() / 2;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(middle), sorted.end());
  median_ns_ = sorted[middle];
  if (sorted.size() % 2 == 0) {
    median_ns_ =
        (*std::max_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(middle)) + median_ns_) / 2;
  }
  kept_.push_back(std::move(batch));
  const auto distance = [&](std::size_t k) {
    return std::abs(static_cast<double>(kept_[k].interval.count()) - median_ns_);
  };
  if (kept_.size() > capacity_) {
    std::size_t farthest = 0;
    for (std::size_t i = 1; i < kept_.size(); ++i) {
      if (distance(i) >= distance(farthest)) farthest = i;  // the later one on a tie
    }
    kept_.erase(kept_.begin() + static_cast<std::ptrdiff_t>(farthest));
  }
  shown_ = 0;
  for (std::size_t i = 1; i < kept_.size(); ++i) {
    if (distance(i) < distance(shown_)) shown_ = i;
  }
}

}  // namespace concbench
