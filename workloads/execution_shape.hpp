#pragma once
// How much of a batch can run at once, told to a workload without naming the model: the
// workload turns it into an ideal time and a bound, the runner layer says what each model's
// shape is (runners/batch/model.hpp).

namespace concbench {

struct execution_shape {
  int cpu_lanes = 1;   // threads that execute task code at once (1: sequential, one loop thread)
  int wait_lanes = 1;  // tasks that can be waiting at once (W for a pool, K for coroutines)
};

struct time_estimate {
  double ideal_ns = 0;  // zero-overhead time of the batch under this shape on this machine
  double bound_ns = 0;  // no schedule can beat it (docs/design.md "Ideal and bound")
};

}  // namespace concbench
