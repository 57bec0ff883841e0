// The floor under concbench's coroutine figures: N bare Asio coroutines, each started with
// co_spawn and sleeping once on its own steady_timer, on one io_context run by one thread —
// nothing of concbench's runner (no lanes, no workload interface, no stop callback, no task
// record). The targets for 100,000 sleeping coroutines (<= 1.0 µs of overhead and
// <= 1.3 KB per task) are set near this floor; BENCHMARKS.md compares concbench's figure with
// it, measured the same way on the same machine.
//
// Overhead per task: (the batch's wall time - the sleep) / N. Bytes per task: the heap in use
// (mallinfo2) while every coroutine sleeps, less the heap before they were spawned, over N.
//
// Usage: concbench_coroutine_floor [N (default 100000)] [sleep ms (default 100)] [repetitions
// (default 5)]

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "workloads/median.hpp"

namespace {

namespace asio = boost::asio;

std::size_t heap_in_use() {
  const auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

asio::awaitable<void> sleep_once(std::chrono::milliseconds duration, std::atomic<long>& woken) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
  woken.fetch_add(1, std::memory_order_relaxed);
}

bool parse(std::string_view text, long& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() && value > 0;
}

}  // namespace

int main(int argc, char** argv) {
  long values[3] = {100'000, 100, 5};
  const char* names[3] = {"N", "sleep ms", "repetitions"};
  for (int i = 1; i < argc && i <= 3; ++i) {
    if (!parse(argv[i], values[i - 1])) {
      std::fprintf(stderr, "concbench_coroutine_floor: %s must be a positive integer, not \"%s\"\n", names[i - 1],
                   argv[i]);
      return 2;
    }
  }
  if (argc > 4) {
    std::fprintf(stderr, "usage: concbench_coroutine_floor [N] [sleep ms] [repetitions]\n");
    return 2;
  }
  const long tasks = values[0];
  const auto sleep = std::chrono::milliseconds(values[1]);
  std::vector<double> overhead_ns, bytes;
  for (long rep = 0; rep < values[2]; ++rep) {
    asio::io_context loop(1);
    std::atomic<long> woken{0};
    const std::size_t before = heap_in_use();
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < tasks; ++i) asio::co_spawn(loop, sleep_once(sleep, woken), asio::detached);
    // Half-way through the sleep every coroutine is suspended on its timer.
    std::size_t sleeping = 0;
    asio::steady_timer probe(loop, sleep / 2);
    probe.async_wait([&](auto) { sleeping = heap_in_use(); });
    loop.run();
    const double wall_ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    if (woken.load() != tasks) {
      std::fprintf(stderr, "concbench_coroutine_floor: %ld of %ld coroutines woke\n", woken.load(), tasks);
      return 1;
    }
    overhead_ns.push_back((wall_ns - std::chrono::duration<double, std::nano>(sleep).count()) / double(tasks));
    bytes.push_back(double(sleeping - before) / double(tasks));
    std::printf(
        "repetition %ld: %.0f ms for %ld coroutines sleeping %ld ms: %.2f us overhead, %.0f bytes "
        "per task\n",
        rep + 1, wall_ns / 1e6, tasks, values[1], overhead_ns.back() / 1e3, bytes.back());
  }
  std::printf(
      "median: %.2f us overhead and %.0f bytes per task (bare co_spawn + steady_timer, one loop "
      "thread)\n",
      concbench::median(overhead_ns) / 1e3, concbench::median(bytes));
  return 0;
}
