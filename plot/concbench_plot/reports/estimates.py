"""Quantile estimates and their exact, distribution-free intervals, as concbench's report
states them (schema 3; docs/design.md "The report"): the tools read the report's own intervals
for times, speedups and efficiencies, and use these only for what the report gives no
interval for (a counter such as `dispatch_ns_per_task`, whose repetitions are on the
iteration rows) and to build test fixtures.

The interval of a quantile q of n samples is a pair of order statistics [x(j), x(k)]
(1-based) whose binomial coverage P(j <= B(n, q) < k) reaches the level: no assumption about
the times' distribution, which on a shared machine is skewed (noise only slows a run).
"""

from __future__ import annotations

import math


def quantile_estimate(samples, q: float) -> float:
    """The q-quantile by linear interpolation between order statistics (q = 0.5: the usual
    median, the mean of the middle two for an even count)."""
    xs = sorted(float(s) for s in samples)
    if not xs:
        raise ValueError("no samples")
    h = (len(xs) - 1) * q
    low = math.floor(h)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (h - low) * (xs[high] - xs[low])


def _binomial_pmf(n: int, q: float) -> list:
    return [math.comb(n, i) * q ** i * (1 - q) ** (n - i) for i in range(n + 1)]


def _rank_pair(n: int, q: float, level: float):
    """(j, k), 1-based, of the narrowest pair of order statistics covering the q-quantile with
    probability >= level; among equally narrow pairs the one whose two tails are closest. None
    when even [x(1), x(n)] falls short."""
    pmf = _binomial_pmf(n, q)
    cumulative = [0.0]
    for p in pmf:
        cumulative.append(cumulative[-1] + p)  # cumulative[i] = P(B < i)
    for width in range(1, n):
        best = None
        for j in range(1, n - width + 1):
            k = j + width
            coverage = cumulative[k] - cumulative[j]  # P(j <= B < k)
            if coverage + 1e-12 >= level:
                imbalance = abs(cumulative[j] - (1 - cumulative[k]))
                if best is None or imbalance < best[0]:
                    best = (imbalance, j, k)
        if best is not None:
            return best[1], best[2]
    return None


def min_samples_for_interval(q: float, level: float) -> int:
    """The fewest samples whose order statistics can cover the q-quantile at `level`."""
    n = 2
    while _rank_pair(n, q, level) is None:
        n += 1
    return n


def quantile_interval(samples, q: float, level: float):
    """(low, high) of the q-quantile at `level`, or None when the samples are too few."""
    xs = sorted(float(s) for s in samples)
    pair = _rank_pair(len(xs), q, level) if len(xs) >= 2 else None
    if pair is None:
        return None
    j, k = pair
    return xs[j - 1], xs[k - 1]


def ratio_interval(numerator, denominator, q: float, level: float):
    """(low, high) of quantile(numerator) / quantile(denominator) for independent samples: each
    side's interval at 1 - (1 - level) / 2 (Bonferroni), so the ratio's coverage is >= level."""
    each = 1 - (1 - level) / 2
    top = quantile_interval(numerator, q, each)
    bottom = quantile_interval(denominator, q, each)
    if top is None or bottom is None or bottom[0] <= 0:
        return None
    return top[0] / bottom[1], top[1] / bottom[0]


def speedup_interval_note(own: int, base: int, base_name: str, lead_name: str, q: float, level: float) -> str:
    """Why a speedup has no interval, in the words concbench's report uses (schema 4)."""
    each = min_samples_for_interval(q, 1 - (1 - level) / 2)
    return (f"{own} repetition{'s' if own != 1 else ''} of this entry and {base} of {base_name} cannot give a "
            f"{100 * level:g} % interval for the speedup of {lead_name}: each side needs {each}")


def relative_half_width(interval, estimate: float) -> float:
    """max(estimate - low, high - estimate) / estimate."""
    return max(estimate - interval[0], interval[1] - estimate) / estimate


def overlap(a, b) -> bool:
    """Do two (low, high) intervals share a point? None (no interval) overlaps everything:
    what cannot be bounded cannot be told apart."""
    if a is None or b is None:
        return True
    return a[0] <= b[1] and b[0] <= a[1]
