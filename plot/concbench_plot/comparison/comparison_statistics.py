"""Distribution-free statistics for comparing two sets of repetition times.

compare.py asks, per benchmark entry, "is machine B's time different from machine A's, and
by what factor?". Benchmark times are skewed, often bimodal (a preempted repetition) and
come in handfuls (Google Benchmark's --benchmark_repetitions, typically 3 to 10), so
nothing here assumes normality:

- the Mann–Whitney U test for "different", with its EXACT permutation null distribution for
  small samples (up to EXACT_MAX_PER_SIDE repetitions a side): without ties the standard
  counting recursion, with ties (midranks) a count of the ways of placing the other sample's
  values among the pooled tie groups, by U; for large samples the normal approximation with
  tie correction and continuity correction;
- the Hodges–Lehmann estimate of the shift of log times (so a shift is a RATIO of times)
  with its exact distribution-free interval: order statistics of the m·n pairwise
  differences log(y_j) − log(x_i) at the ranks given by the U critical value (Hollander &
  Wolfe, "Nonparametric Statistical Methods", ch. 4; Lehmann, "Nonparametrics", ch. 2).
  Those ranks come from the exact no-ties null distribution for small samples (the interval
  is the continuous-model construction: ties from the timer's resolution do not change which
  order statistics bound it), and the interval is "unbounded" (None) when no order statistic
  reaches the requested confidence; the normal approximation sets them for large samples only;
- Holm's step-down correction for testing many entries at once, and a geometric mean.

The interval is for the shift under the two-sample shift model (log times of one machine are
those of the other plus a constant, i.e. one is a constant factor slower). When the spreads
differ too, it still brackets the Hodges–Lehmann parameter (the median of log(Y) − log(X))
approximately; the U test's null hypothesis is "same distribution", whatever the shapes.

scipy cannot be installed next to Boost 1.81 on Debian 12 (docs/pitfalls.md "Packages"), so
this is written out with the standard library (exact integers, statistics.NormalDist) and numpy.
Every function is pure and small so the tests can check it against hand computations.

Conventions: x is the BASE sample, y the OTHER sample, m = len(x), n = len(y).
U counts the pairs where the other time is larger (other slower), ties counting one half:
    U = #{(i, j): y_j > x_i} + ½ #{(i, j): y_j = x_i},  0 ≤ U ≤ m·n, E[U] = m·n/2 under H0.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import statistics
from fractions import Fraction

import numpy as np

# Exact null distribution up to this many repetitions per side, with or without ties. The
# no-ties recursion costs about m²n²/4 integer additions, once per (m, n); the tied count
# about (m + n)·n big-integer shift-and-adds, once per tie pattern: 50 × 50 takes well under
# a second either way. Beyond it the normal approximation is excellent anyway.
EXACT_MAX_PER_SIDE = 50

EXACT = "exact"  # small samples, no ties
EXACT_TIES = "exact, ties"  # small samples with ties: the exact permutation distribution (midranks)
NORMAL = "normal"  # large samples, no ties
NORMAL_TIES = "normal, ties"  # large samples with ties: tie-corrected variance


# ---------------------------------------------------------------------------------------
# The exact null distribution of U


@functools.lru_cache(maxsize=None)
def u_null_counts(m: int, n: int) -> tuple:
    """How many of the C(m+n, m) equally likely orderings give U = 0, 1, …, m·n.

    The standard counting recursion (Mann & Whitney 1947): look at the largest of the m+n
    pooled values. If it is one of the x's it exceeds all n y's, contributing n pairs;
    if it is a y it contributes none. So
        c(u; m, n) = c(u − n; m − 1, n) + c(u; m, n − 1),  c(0; m, 0) = c(0; 0, n) = 1.
    (Here the pairs counted are x > y; U's null distribution is symmetric, so the counts
    are the same for y > x.) Exact Python integers: C(100, 50) ≈ 1e29 overflows int64.
    """
    if m < 0 or n < 0:
        raise ValueError("sample sizes must be non-negative")
    # row[j] = counts for (i, j); start with i = 0: one ordering, U = 0, for every j.
    row = [[1] for _ in range(n + 1)]
    for i in range(1, m + 1):
        new = [[1]]  # (i, 0): U = 0 only
        for j in range(1, n + 1):
            top_is_x = [0] * j + row[j]  # c(u − j; i − 1, j)
            top_is_y = new[j - 1]  # c(u; i, j − 1)
            size = i * j + 1
            counts = [0] * size
            for u, c in enumerate(top_is_x):
                counts[u] += c
            for u, c in enumerate(top_is_y):
                counts[u] += c
            new.append(counts)
        row = new
    return tuple(row[n])


@functools.lru_cache(maxsize=None)
def _u_null_cumulative(m: int, n: int) -> tuple:
    """Cumulative counts: entry u is #{orderings with U ≤ u}."""
    total, out = 0, []
    for c in u_null_counts(m, n):
        total += c
        out.append(total)
    return tuple(out)


def exact_cdf(u: float, m: int, n: int) -> Fraction:
    """P(U ≤ u) under H0, exactly (u may be a half-integer only with ties: not used then)."""
    if u < 0:
        return Fraction(0)
    cum = _u_null_cumulative(m, n)
    k = min(int(math.floor(u)), len(cum) - 1)
    return Fraction(cum[k], math.comb(m + n, m))


def exact_p_value(u: float, m: int, n: int) -> float:
    """Two-sided exact p: 2 · min(P(U ≤ u), P(U ≥ u)), capped at 1.

    The null distribution is symmetric about m·n/2, so P(U ≥ u) = P(U ≤ m·n − u).
    """
    if m == 0 or n == 0:
        return 1.0
    lower = exact_cdf(u, m, n)
    upper = exact_cdf(m * n - u, m, n)
    return float(min(Fraction(1), 2 * min(lower, upper)))


# ---------------------------------------------------------------------------------------
# The exact permutation null distribution of U with ties


def tie_groups(x, y) -> tuple:
    """Sizes of the runs of equal values in the pooled sample, smallest values first (every
    group, size 1 included): all the permutation distribution of U depends on."""
    _, counts = np.unique(np.concatenate([np.asarray(x, float), np.asarray(y, float)]),
                          return_counts=True)
    return tuple(int(c) for c in counts)


@functools.lru_cache(maxsize=256)
def tied_u_null_counts(m: int, n: int, groups: tuple) -> tuple:
    """How many of the C(m+n, n) equally likely choices of which pooled values are the n
    other-sample (y) ones give 2U = 0, 1, …, 2·m·n, for the pooled tie groups `groups`
    (sizes, smallest values first; they sum to m + n).

    This is the permutation null distribution of U with midranks (2U is an integer; so are
    the doubled midranks, and 2U = Σ doubled ranks of the y's − n(n + 1)). Walk the groups
    upwards, keeping k = how many y's so far. Putting j of a group's t values to y (in C(t, j)
    ways), with b pooled values below the group of which b − k are x's, adds
        2·j·(b − k)   (each of those y's is above every x below: one pair each, doubled)
      + j·(t − j)     (each y ties each x of its own group: one half each, doubled).
    Each k holds its distribution over 2U as ONE Python integer, slot s (B bits wide) the
    count for 2U = s, so "shift by d slots and add C(t, j) times" is one big-integer
    operation; no count exceeds C(m+n, n) < 2^(m+n), so B = m + n + 1 bits (rounded up to
    whole bytes) cannot overflow into the next slot. Exact integers throughout.
    """
    if m < 0 or n < 0 or sum(groups) != m + n or any(t < 1 for t in groups):
        raise ValueError("tie groups must be positive sizes summing to m + n")
    big_n = m + n
    bits = 8 * ((big_n + 1 + 7) // 8)
    poly = [0] * (n + 1)
    poly[0] = 1
    below = 0
    for t in groups:
        new = [0] * (n + 1)
        for k in range(max(0, below - m), min(below, n) + 1):
            if not poly[k]:
                continue
            x_below = below - k
            for j in range(0, min(t, n - k) + 1):
                if x_below + (t - j) > m:
                    continue
                shift = 2 * j * x_below + j * (t - j)
                ways = math.comb(t, j)
                moved = poly[k] << (bits * shift)
                new[k + j] += moved if ways == 1 else ways * moved
        poly = new
        below += t
    size = 2 * m * n + 1
    raw = poly[n].to_bytes(size * bits // 8, "little")
    step = bits // 8
    return tuple(int.from_bytes(raw[i * step:(i + 1) * step], "little") for i in range(size))


def exact_tied_p_value(u: float, m: int, n: int, groups: tuple) -> float:
    """Two-sided exact permutation p with ties: 2 · min(P(U ≤ u), P(U ≥ u)), capped at 1.

    With ties the null distribution need not be symmetric about m·n/2, so both tails are
    counted (without ties this is exact_p_value).
    """
    if m == 0 or n == 0:
        return 1.0
    counts = tied_u_null_counts(m, n, tuple(groups))
    twice = int(round(2 * u))
    lower = sum(counts[:twice + 1])
    upper = sum(counts[twice:])
    total = math.comb(m + n, n)
    return float(min(Fraction(1), Fraction(2 * min(lower, upper), total)))


# ---------------------------------------------------------------------------------------
# U itself, ties, the normal approximation


def mann_whitney_u(x, y) -> float:
    """U = #{y_j > x_i} + ½ #{y_j = x_i} (large U: the other sample is slower)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    diff = y[None, :] - x[:, None]
    return float(np.count_nonzero(diff > 0) + 0.5 * np.count_nonzero(diff == 0))


def tie_sizes(x, y) -> list:
    """Sizes of the groups of equal values in the pooled sample (only groups of 2 or more)."""
    _, counts = np.unique(np.concatenate([np.asarray(x, float), np.asarray(y, float)]),
                          return_counts=True)
    return [int(c) for c in counts if c > 1]


def u_variance(m: int, n: int, ties: list = ()) -> float:
    """Var(U) under H0 with the tie correction:
        m·n/12 · ((N + 1) − Σ(t³ − t) / (N (N − 1))),  N = m + n, t = each tie group's size.
    Without ties this is the familiar m·n·(N + 1)/12.
    """
    big_n = m + n
    if m == 0 or n == 0 or big_n < 2:
        return 0.0
    tie_term = sum(t ** 3 - t for t in ties) / (big_n * (big_n - 1))
    return m * n / 12.0 * ((big_n + 1) - tie_term)


def normal_p_value(u: float, m: int, n: int, ties: list = ()) -> float:
    """Two-sided p from the normal approximation, tie- and continuity-corrected:
        z = (|U − m·n/2| − ½) / sd(U),  p = 2 (1 − Φ(z)) = erfc(z / √2).
    """
    var = u_variance(m, n, ties)
    if var <= 0:
        return 1.0  # every value equal (or an empty side): no evidence of any difference
    z = max(0.0, abs(u - m * n / 2.0) - 0.5) / math.sqrt(var)
    return min(1.0, math.erfc(z / math.sqrt(2.0)))


def small_samples(m: int, n: int) -> bool:
    """Few enough repetitions a side for the exact distributions."""
    return m <= EXACT_MAX_PER_SIDE and n <= EXACT_MAX_PER_SIDE


def choose_method(m: int, n: int, ties: list = ()) -> str:
    """How the U test's p is computed: exact for small samples (with ties: the exact
    permutation distribution over midranks), the normal approximation for large ones."""
    if small_samples(m, n):
        return EXACT_TIES if ties else EXACT
    return NORMAL_TIES if ties else NORMAL


def p_value(u: float, m: int, n: int, method: str, ties: list = (), groups: tuple = None) -> float:
    """Two-sided p of U by `method`; EXACT_TIES needs the pooled tie `groups` (tie_groups)."""
    if method == EXACT:
        return exact_p_value(u, m, n)
    if method == EXACT_TIES:
        if groups is None:
            raise ValueError("the exact distribution with ties needs the tie groups")
        return exact_tied_p_value(u, m, n, groups)
    return normal_p_value(u, m, n, ties)


def min_p_value(m: int, n: int, method: str, ties: list = ()) -> float:
    """The smallest two-sided p these sample sizes can give: complete separation (U = 0).

    Exact: 2 / C(m + n, m), e.g. 2/6 at 2 vs 2, 2/20 = 0.1 at 3 vs 3, 2/70 at 4 vs 4,
    2/252 at 5 vs 5. When it exceeds the level an entry is tested at, "no difference"
    would be a lie: the test could not have said anything else.
    """
    if m == 0 or n == 0:
        return 1.0
    return p_value(0, m, n, method, ties)


def repetitions_needed(level: float, max_n: int = 1000) -> int | None:
    """The fewest repetitions per side (equal on both) at which complete separation reaches
    a two-sided exact p ≤ level: the smallest r with 2 / C(2r, r) ≤ level."""
    for r in range(1, max_n + 1):
        if 2.0 / math.comb(2 * r, r) <= level:
            return r
    return None


# ---------------------------------------------------------------------------------------
# Hodges–Lehmann shift and its interval


def pairwise_differences(x, y) -> np.ndarray:
    """All m·n differences y_j − x_i, sorted (the Walsh-like differences of the two-sample
    problem; on log times each is the log of one pairwise ratio)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return np.sort((y[None, :] - x[:, None]).ravel())


def hodges_lehmann(x, y) -> float:
    """The Hodges–Lehmann shift estimate: the median of the m·n differences y_j − x_i."""
    d = pairwise_differences(x, y)
    if d.size == 0:
        raise ValueError("both samples need at least one value")
    return float(np.median(d))


def interval_method(m: int, n: int) -> str:
    """How the interval's order statistics are chosen: EXACT (the no-ties distribution of U)
    for small samples, NORMAL for large ones. Never the normal approximation at small sizes:
    it would print a bounded interval where no order statistic reaches the level (3 vs 4)."""
    return EXACT if small_samples(m, n) else NORMAL


def critical_count(m: int, n: int, alpha: float, method: str = None) -> int:
    """The largest c with P(U ≤ c) ≤ alpha/2 under H0 without ties (−1 when there is none).

    EXACT: from the counting recursion. NORMAL: the largest integer c with
    Φ((c + ½ − m·n/2) / sd) ≤ alpha/2, i.e. c = ⌊m·n/2 − ½ − z_{1−alpha/2} · sd⌋ (continuity
    corrected, sd² = m·n(m + n + 1)/12), the same rule as for the p-value. Default method:
    interval_method(m, n).
    """
    if m == 0 or n == 0:
        return -1
    method = method or interval_method(m, n)
    if method == EXACT:
        cum = _u_null_cumulative(m, n)
        limit = Fraction(alpha / 2).limit_denominator(10 ** 12) * math.comb(m + n, m)
        c = -1
        for u, count in enumerate(cum):
            if count <= limit:
                c = u
            else:
                break
        return c
    if method != NORMAL:
        raise ValueError(f"the interval's ranks are EXACT or NORMAL, not {method!r}")
    sd = math.sqrt(u_variance(m, n))
    if sd == 0:
        return -1
    z = statistics.NormalDist().inv_cdf(1 - alpha / 2)
    return min(int(math.floor(m * n / 2 - 0.5 - z * sd)), (m * n - 1) // 2)


def shift_interval(x, y, alpha: float, method: str = None):
    """The distribution-free 1 − alpha interval for the shift Δ (y ~ x + Δ):
    [D_(c+1), D_(mn−c)], the order statistics of the sorted differences D, with c the
    critical count above. Coverage: P(D_(c+1) > Δ) = P(U ≤ c) ≤ alpha/2 for continuous data,
    the same on the other side; exact coverage (for EXACT) is 1 − 2·P(U ≤ c).

    The ranks come from the no-ties distribution whatever the data: the construction is for
    continuous times, and equal times (the timer's resolution) only make some differences
    equal, not the order statistics' ranks different. Default method: interval_method(m, n).

    Returns (low, high, coverage) or None when no such c exists: the samples are too small
    for this level (the interval would be unbounded).
    """
    m, n = len(x), len(y)
    method = method or interval_method(m, n)
    c = critical_count(m, n, alpha, method)
    if c < 0:
        return None
    d = pairwise_differences(x, y)
    low, high = float(d[c]), float(d[m * n - 1 - c])
    if method == EXACT:
        coverage = float(1 - 2 * exact_cdf(c, m, n))
    else:
        sd = math.sqrt(u_variance(m, n))
        coverage = 1 - 2 * statistics.NormalDist().cdf((c + 0.5 - m * n / 2) / sd)
    return low, high, coverage


# ---------------------------------------------------------------------------------------
# Many entries at once


def holm(p_values, alpha: float):
    """Holm's step-down procedure: (adjusted p-values, rejected flags), in input order.

    Sort p ascending; compare p_(k) with alpha / (M − k + 1), k = 1 … M; reject until the
    first failure, none after it. Adjusted p_(k) = max_{j ≤ k} min(1, (M − j + 1) p_(j)), so
    "rejected" is "adjusted p ≤ alpha". Controls the familywise error rate at alpha under
    any dependence between the tests, and is never less powerful than Bonferroni.
    Equal p-values keep their input order (a stable sort), which does not change the result.
    """
    p = [float(v) for v in p_values]
    big_m = len(p)
    order = sorted(range(big_m), key=lambda i: p[i])
    adjusted = [0.0] * big_m
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (big_m - k) * p[i]))
        adjusted[i] = running
    rejected = [a <= alpha for a in adjusted]
    return adjusted, rejected


def holm_could_reject(p_values, index: int, best_p: float, alpha: float) -> bool:
    """Would Holm reject hypothesis `index` if its p were `best_p` (its smallest achievable),
    the others unchanged? False means the entry cannot get a verdict in this table, whatever
    its own repetitions show: too few repetitions, not "no difference"."""
    p = list(p_values)
    p[index] = min(p[index], best_p)
    return holm(p, alpha)[1][index]


def geometric_mean(values) -> float:
    """exp(mean(log v)): the mean of ratios that treats ×2 and ×½ symmetrically."""
    v = np.asarray(list(values), dtype=float)
    if v.size == 0:
        raise ValueError("no values")
    if np.any(v <= 0):
        raise ValueError("geometric mean of non-positive values")
    return float(np.exp(np.mean(np.log(v))))


# ---------------------------------------------------------------------------------------
# One entry, both samples


@dataclasses.dataclass
class SampleComparison:
    """Everything compare.py shows for one entry, before the multiple-testing step."""

    m: int
    n: int
    method: str  # EXACT, EXACT_TIES, NORMAL or NORMAL_TIES: how p was computed
    u: float  # large: other slower
    p: float  # two-sided, unadjusted
    min_p: float  # the smallest p these sample sizes allow (complete separation, no ties)
    ratio_hl: float  # Hodges–Lehmann ratio other/base: exp(median of log differences)
    interval: tuple | None  # (low ratio, high ratio, coverage) at interval_alpha; None: unbounded
    interval_alpha: float
    # The entry's own interval at entry_alpha (not corrected for other entries); None: unbounded
    entry_interval: tuple | None = None
    entry_alpha: float | None = None

    @property
    def direction(self) -> str:
        """"slower", "faster" or "" (other vs base, from U against its null mean)."""
        centre = self.m * self.n / 2
        return "slower" if self.u > centre else "faster" if self.u < centre else ""


def _ratio_interval(lx, ly, alpha: float):
    interval = shift_interval(lx, ly, alpha)
    if interval is None:
        return None
    return math.exp(interval[0]), math.exp(interval[1]), interval[2]


def compare_samples(base_times, other_times, interval_alpha: float,
                    entry_alpha: float | None = None) -> SampleComparison:
    """U test and Hodges–Lehmann ratio with its interval for two lists of positive times.

    Ranks and U use the times themselves (log is monotone: the same U); the shift is
    estimated on log times, so it is a ratio and its interval is a ratio interval.
    `interval` is at level 1 − interval_alpha (compare.py: corrected for the number of
    entries); `entry_interval`, when entry_alpha is given, at 1 − entry_alpha (this entry's
    own evidence, uncorrected).
    """
    x = np.asarray(base_times, dtype=float)
    y = np.asarray(other_times, dtype=float)
    if x.size == 0 or y.size == 0:
        raise ValueError("both samples need at least one time")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("times must be positive")
    m, n = int(x.size), int(y.size)
    ties = tie_sizes(x, y)
    method = choose_method(m, n, ties)
    u = mann_whitney_u(x, y)
    lx, ly = np.log(x), np.log(y)
    return SampleComparison(
        m=m, n=n, method=method, u=u,
        p=p_value(u, m, n, method, ties, tie_groups(x, y)),
        # From the sample sizes alone (no ties): "too few repetitions" is a property of how
        # many repetitions ran, not of what they measured.
        min_p=min_p_value(m, n, choose_method(m, n)),
        ratio_hl=math.exp(hodges_lehmann(lx, ly)),
        interval=_ratio_interval(lx, ly, interval_alpha),
        interval_alpha=interval_alpha,
        entry_interval=None if entry_alpha is None else _ratio_interval(lx, ly, entry_alpha),
        entry_alpha=entry_alpha,
    )
