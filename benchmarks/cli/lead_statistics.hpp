#pragma once
// The statistics the driver and its progress lines use (reports/statistics/): the lead
// estimator and its order-statistic intervals, at the report's one interval level.

#include "reports/statistics/lead_estimator.hpp"
#include "reports/statistics/order_statistics.hpp"
#include "reports/statistics/ratio_interval.hpp"

namespace concbench {

inline double lead_quantile() { return lead_estimator_of().q; }
inline const char* lead_name() { return lead_estimator_of().name; }
inline constexpr double driver_interval_level = interval_level;

}  // namespace concbench
