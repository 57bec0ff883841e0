#!/usr/bin/python3
"""Which estimator should concbench lead with? Reads reports of the same suite (several runs of
one binary on one machine) and prints, for each estimator (the minimum, the 10th and 25th
percentiles, the median, the mean):

  - its 95 % interval's relative half-width within one run (exact order-statistic interval;
    none for the minimum or the mean, which have no distribution-free one), median over entries;
  - the share of entries whose half-width is within --target %;
  - how far apart two runs put the same entry (|a - b| / mean of both), median over entries and
    pairs of runs: what "trust across runs" needs an estimator to keep small.

    /usr/bin/python3 ci/estimator_study.py RUN1.json RUN2.json [RUN3.json …] [--workload cpu]

BENCHMARKS.md "Which estimator leads" quotes its output. Reads only Google Benchmark's own
fields (name/run_name, run_type, real_time, time_unit, error_occurred) and `workload`.
"""

import argparse
import itertools
import json
import math
import statistics
import sys

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
LEVEL = 0.95


def binomial_cdf_table(n, q):
    """P(B(n, q) <= i) for i = 0 … n."""
    terms = [math.comb(n, i) * q**i * (1 - q) ** (n - i) for i in range(n + 1)]
    return list(itertools.accumulate(terms))


def quantile_interval(samples, q, level=LEVEL):
    """Narrowest order-statistic interval [x(j), x(k)] (1-based) with P(j <= B(n,q) < k) >= level."""
    xs = sorted(samples)
    n = len(xs)
    cdf = binomial_cdf_table(n, q)
    best = None
    for j in range(1, n + 1):
        below = cdf[j - 1] if j >= 1 else 0.0  # P(B <= j - 1)
        for k in range(j + 1, n + 1):
            coverage = cdf[k - 1] - below  # P(j <= B <= k - 1)
            if coverage >= level:
                width = xs[k - 1] - xs[j - 1]
                if best is None or width < best[0]:
                    best = (width, xs[j - 1], xs[k - 1])
                break
    return None if best is None else (best[1], best[2])


def quantile(samples, q):
    """Type-7 quantile (linear between order statistics); q = 0.5 is the usual median."""
    xs = sorted(samples)
    position = (len(xs) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (xs[high] - xs[low]) * (position - low)


ESTIMATORS = {
    "min": (lambda xs: min(xs), None),
    "p10": (lambda xs: quantile(xs, 0.10), 0.10),
    "p25": (lambda xs: quantile(xs, 0.25), 0.25),
    "median": (lambda xs: quantile(xs, 0.5), 0.5),
    "mean": (statistics.fmean, None),
}


def repetition_times(path, workload):
    with open(path) as f:
        report = json.load(f)
    times = {}
    for row in report["benchmarks"]:
        if row.get("run_type", "iteration") != "iteration" or row.get("error_occurred"):
            continue
        if workload and row.get("workload") != workload:
            continue
        ns = row["real_time"] * UNIT_NS.get(row.get("time_unit", "ns"), 1.0)
        times.setdefault(row.get("run_name") or row["name"], []).append(ns)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--workload", default="cpu", help="only this workload's entries ('' for all)")
    parser.add_argument("--target", type=float, default=2.0, help="half-width target in %% (default 2)")
    args = parser.parse_args()
    try:
        runs = [repetition_times(path, args.workload) for path in args.reports]
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"estimator_study: cannot read a report: {error}", file=sys.stderr)
        return 2
    names = sorted(set.intersection(*(set(run) for run in runs)))
    if not names:
        print("estimator_study: the reports share no entry", file=sys.stderr)
        return 2
    counts = sorted({len(run[name]) for run in runs for name in names})
    print(f"{len(names)} entries in {len(runs)} runs; repetitions per entry and run: {counts[0]}…{counts[-1]}")
    print(f"{'estimator':>9}  {'half-width (median)':>19}  {'within ' + format(args.target, 'g') + ' %':>11}  "
          f"{'run-to-run (median)':>19}  {'run-to-run (90th pct)':>21}")
    for label, (estimate, q) in ESTIMATORS.items():
        widths = []
        if q is not None:
            for run in runs:
                for name in names:
                    interval = quantile_interval(run[name], q)
                    if interval is not None:
                        value = estimate(run[name])
                        widths.append(max(value - interval[0], interval[1] - value) / value * 100)
        apart = []
        for a, b in itertools.combinations(runs, 2):
            for name in names:
                ea, eb = estimate(a[name]), estimate(b[name])
                apart.append(abs(ea - eb) / ((ea + eb) / 2) * 100)
        width_text = f"{statistics.median(widths):18.1f}%" if widths else f"{'no interval':>19}"
        share_text = f"{sum(w <= args.target for w in widths) / len(widths):10.0%} " if widths else f"{'-':>11}"
        apart_text = f"{statistics.median(apart):18.1f}%" if apart else f"{'-':>19}"
        tail_text = f"{quantile(apart, 0.9):20.1f}%" if apart else f"{'-':>21}"
        print(f"{label:>9}  {width_text}  {share_text}  {apart_text}  {tail_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
