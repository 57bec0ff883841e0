#pragma once
// Threads for the in-process scenario models, started before the measured interval: each waits
// at a start gate, which opens once all are waiting; the interval runs from the gate's opening
// to the end of the last body (scenario.hpp).

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace concbench {

struct gated_run {
  std::chrono::nanoseconds interval{0};
  std::string error;  // a thread that could not start or a body that threw; empty otherwise
};

// Runs body(i) for i in [0, count) on `count` new threads. When a thread cannot start, or a body
// throws, `on_failure` runs (once per failure, from any thread: the caller unblocks the others,
// e.g. abandons its queue) and the first such failure is the error, "<who>: <what it threw>"
// (a body names its own role in what it throws). Joins every thread before it returns.
gated_run run_gated_threads(int count, const std::function<void(int)>& body, const std::function<void()>& on_failure,
                            const std::string& who);

}  // namespace concbench
