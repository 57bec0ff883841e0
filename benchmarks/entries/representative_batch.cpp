#include "benchmarks/entries/representative_batch.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "workloads/median.hpp"

namespace concbench {

representative_choice choose_representative_batch(const std::vector<recorded_batch>& batches) {
  if (batches.empty()) throw std::invalid_argument("choose_representative_batch: no batch recorded");
  std::vector<double> intervals_ns;
  for (const auto& batch : batches) intervals_ns.push_back(static_cast<double>(batch.interval.count()));
  representative_choice choice{0, median(std::move(intervals_ns))};
  for (std::size_t i = 1; i < batches.size(); ++i) {
    const auto distance = [&](std::size_t k) {
      return std::abs(static_cast<double>(batches[k].interval.count()) - choice.median_ns);
    };
    if (distance(i) < distance(choice.index)) choice.index = i;
  }
  return choice;
}

void representative_batches::add(recorded_batch batch) {
  // Kept in order, so that the median's sort finds them sorted: at 10,000 repetitions it runs
  // after each of them.
  const auto interval_ns = static_cast<double>(batch.interval.count());
  intervals_ns_.insert(std::upper_bound(intervals_ns_.begin(), intervals_ns_.end(), interval_ns), interval_ns);
  median_ns_ = median(intervals_ns_);
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
