#!/usr/bin/python3
"""How many repetitions does each entry need before its p25 interval is within a target, and
how well does concbench's forecast (benchmarks/entries/round_plan.hpp, precision_forecast) guess
that count from the floor's six? Reads a report of many fixed repetitions
(--benchmark_repetitions=N) and prints, per entry:

  - `needed`: the first count, in run order and from 13 (the fewest at which concbench stops an
    entry as precise), whose 95 % p25 interval is within --target % of the estimate;
  - `forecast`: what the forecast says at the floor, from the first --floor repetitions;
  - `sqrt-rule`: what extrapolating the half-width at the floor by 1/sqrt(n) says (the median's
    interval stands in below 11 repetitions, as concbench's first rule did);

then how often each guess is within a factor of two of `needed`. With --wall (the run's wall
seconds) it also says how many entries reach the target within a given time each, at the run's
average wall time per repetition: how samples of different lengths compare (BENCHMARKS.md "How
sure each figure is").

    PYTHONPATH=plot /usr/bin/python3 ci/precision_study.py REPORT.json [--target 2] [--floor 6] [--wall S]
"""

import argparse
import collections
import json
import math
import statistics
import sys

from concbench_plot.reports.estimates import (min_samples_for_interval, quantile_estimate, quantile_interval,
                                              relative_half_width, _rank_pair)

LEVEL = 0.95
LEAD = 0.25
CAP = 200  # concbench's default cap on rounds
UNIT_S = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def precise_minimum() -> int:
    return max(min_samples_for_interval(LEAD, LEVEL), min_samples_for_interval(LEAD, 1 - (1 - LEVEL) / 2))


def half_width_pct(samples, q=LEAD):
    interval = quantile_interval(samples, q, LEVEL)
    if interval is None:
        return None
    return 100 * relative_half_width(interval, quantile_estimate(samples, q))


def needed(samples, target):
    for n in range(precise_minimum(), len(samples) + 1):
        width = half_width_pct(samples[:n])
        if width is not None and width <= target:
            return n
    return None


def forecast(samples, target, ranks):
    estimate = quantile_estimate(samples, LEAD)
    for n in range(max(precise_minimum(), len(samples) + 1), CAP + 1):
        low_rank, high_rank = ranks[n]
        interval = (quantile_estimate(samples, (low_rank - 1) / (n - 1)),
                    quantile_estimate(samples, (high_rank - 1) / (n - 1)))
        if 100 * relative_half_width(interval, estimate) <= target:
            return n
    return None


def sqrt_rule(samples, target):
    width = half_width_pct(samples)
    if width is None:
        width = half_width_pct(samples, 0.5)
    return max(precise_minimum(), math.ceil(len(samples) * (width / target) ** 2))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--target", type=float, default=2.0)
    parser.add_argument("--floor", type=int, default=6)
    parser.add_argument("--wall", type=float, help="the run's wall seconds")
    args = parser.parse_args(argv)
    with open(args.report) as f:
        rows = json.load(f)["benchmarks"]
    by_entry = collections.defaultdict(list)
    for row in rows:
        if row.get("run_type") == "iteration" and not row.get("error_occurred"):
            by_entry[row["run_name"]].append(row)
    ranks = {n: _rank_pair(n, LEAD, LEVEL) for n in range(precise_minimum(), CAP + 1)}
    ratios = {"forecast": [], "sqrt-rule": []}
    reached = []
    for name in sorted(by_entry):
        entry = sorted(by_entry[name], key=lambda r: r.get("run_position", 0))
        samples = [r["real_time"] * UNIT_S[r["time_unit"]] for r in entry]
        need = needed(samples, args.target)
        guesses = {"forecast": forecast(samples[:args.floor], args.target, ranks),
                   "sqrt-rule": sqrt_rule(samples[:args.floor], args.target)}
        print(f"{name}  needed {need}  " + "  ".join(f"{k} {v}" for k, v in guesses.items()))
        reached.append(need)
        if need:
            for key, guess in guesses.items():
                ratios[key].append(min(guess or CAP, CAP) / need)
    for key, values in ratios.items():
        if values:
            within = sum(0.5 <= v <= 2 for v in values)
            print(f"{key}: within a factor of 2 of `needed` for {within} of {len(values)} entries; "
                  f"median ratio {statistics.median(values):.2f}")
    if args.wall:
        per_repetition = args.wall / sum(len(v) for v in by_entry.values())
        print(f"{per_repetition * 1e3:.1f} ms of wall time a repetition on average")
        for seconds in (1, 2, 4):
            count = sum(1 for n in reached if n and n * per_repetition <= seconds)
            print(f"within {seconds} s an entry: {count} of {len(reached)} reach ±{args.target:g} %")


if __name__ == "__main__":
    main(sys.argv[1:])
