#pragma once
// The one estimator concbench leads with: the figure an entry is summed up by, the one its
// precision target is judged on, and the row compare and plot read first.
//
// A low quantile, because noise on a shared machine (a neighbour, the hypervisor, an interrupt)
// only ever slows a repetition down (Chen & Revels 2016, "Robust benchmarking in noisy
// environments"): a low quantile stays on the floor the machine can reach, where the mean and
// even the median are pulled up by slow repetitions. Unlike the minimum it has a
// distribution-free interval (reports/statistics/order_statistics.hpp), so its precision can be
// stated and reached. The measurements may move q; the shape (one named quantile) stays.

namespace concbench {

struct lead_estimator {
  const char* name;  // the aggregate row's name: X_p25, aggregate_name "p25"
  double q;
};

inline constexpr lead_estimator the_lead_estimator{"p25", 0.25};
constexpr lead_estimator lead_estimator_of() { return the_lead_estimator; }

// The level of every interval in the report.
inline constexpr double interval_level = 0.95;

}  // namespace concbench
