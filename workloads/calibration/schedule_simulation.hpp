#pragma once
// Zero-overhead schedules that ideals are made of: dynamic dispatch ("a free worker takes the
// next task") of known task durations, with or without CPUs to share.

#include <span>

namespace concbench {

// Makespan when `lanes` workers take the tasks in order, each the next one as soon as it is
// free, and nothing is shared between lanes (sleeps, waits).
double greedy_makespan(std::span<const double> durations_ns, int lanes);

// Makespan of the same dispatch when the workers share `cpus` CPUs: with `a` tasks running,
// each progresses at min(1, cpus / a) (processor sharing when workers > cpus). `work_ns` is
// each task's time alone on a CPU.
double shared_cpu_makespan(std::span<const double> work_ns, int workers, int cpus);

}  // namespace concbench
