#include "representative_batch.hpp"

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
    const auto distance = [&](std::size_t k) { return std::abs(static_cast<double>(batches[k].interval.count()) - median); };
    if (distance(i) < distance(choice.index)) choice.index = i;
  }
  return choice;
}

}  // namespace concbench
