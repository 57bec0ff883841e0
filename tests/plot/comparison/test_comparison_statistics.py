"""comparison_statistics.py against figures computed by hand.

Each expected value below is derived in the comment above it, from definitions only, so a
wrong recursion, an off-by-one rank or a forgotten factor 2 shows up as a plain mismatch.
Notation: x = BASE times (m of them), y = OTHER times (n); U = #{y_j > x_i} + ½ #{y_j = x_i}.
"""

import itertools
import math
from fractions import Fraction

import pytest

from concbench_plot.comparison import comparison_statistics as cs


# --- the exact null distribution ---------------------------------------------------------

def test_null_counts_2_vs_2_by_enumeration():
    # The C(4,2) = 6 orderings of two x's and two y's (smallest first) and the pairs x > y:
    #   xxyy 0, xyxy 1, xyyx 2, yxxy 2, yxyx 3, yyxx 4  ->  counts of U = 0..4: 1 1 2 1 1
    assert cs.u_null_counts(2, 2) == (1, 1, 2, 1, 1)


def test_null_counts_3_vs_3_are_partition_counts():
    # #{orderings with U = u} for m = n = 3 is the number of partitions of u into at most 3
    # parts, each at most 3 (the Gaussian binomial [6 choose 3]):
    #   u=0: {}                    1      u=5: 3+2, 3+1+1, 2+2+1     3
    #   u=1: 1                     1      u=6: 3+3, 3+2+1, 2+2+2     3
    #   u=2: 2, 1+1                2      u=7: 3+3+1, 3+2+2          2
    #   u=3: 3, 2+1, 1+1+1         3      u=8: 3+3+2                 1
    #   u=4: 3+1, 2+2, 2+1+1       3      u=9: 3+3+3                 1
    # total 20 = C(6, 3).
    assert cs.u_null_counts(3, 3) == (1, 1, 2, 3, 3, 3, 3, 2, 1, 1)


def test_null_counts_4_vs_4():
    # Partitions of u into at most 4 parts each at most 4, u = 0..16 (e.g. u=4: 4, 3+1, 2+2,
    # 2+1+1, 1+1+1+1 = 5; u=8: 4+4, 4+3+1, 4+2+2, 4+2+1+1, 3+3+2, 3+3+1+1, 3+2+2+1, 2+2+2+2
    # = 8); symmetric, total C(8, 4) = 70.
    counts = cs.u_null_counts(4, 4)
    assert counts == (1, 1, 2, 3, 5, 5, 7, 7, 8, 7, 7, 5, 5, 3, 2, 1, 1)
    assert sum(counts) == 70


@pytest.mark.parametrize("m,n", [(m, n) for m in range(0, 6) for n in range(0, 6)])
def test_null_counts_match_brute_force(m, n):
    # Every way of choosing which of the m+n ranks are x's, U counted directly.
    counts = [0] * (m * n + 1)
    for xs in itertools.combinations(range(m + n), m):
        ys = [r for r in range(m + n) if r not in xs]
        counts[sum(1 for a in xs for b in ys if a > b)] += 1
    assert cs.u_null_counts(m, n) == tuple(counts)


def test_null_counts_unequal_sizes():
    # m=1, n=3: the single x sits at one of 4 places, exceeding 0..3 y's: 1 1 1 1.
    assert cs.u_null_counts(1, 3) == (1, 1, 1, 1)
    # m=2, n=3: partitions of u into at most 2 parts each at most 3 -> 1 1 2 2 2 1 1 (sum 10).
    assert cs.u_null_counts(2, 3) == (1, 1, 2, 2, 2, 1, 1)


# --- p-values ------------------------------------------------------------------------------

@pytest.mark.parametrize("m,expected", [
    (2, Fraction(2, 6)),  # complete separation: P(U = 0) = 1/C(4,2); two-sided doubles it
    (3, Fraction(2, 20)),  # 0.1: above 0.05, so 3 vs 3 can never be significant at 5 %
    (4, Fraction(2, 70)),  # 0.0286
    (5, Fraction(2, 252)),  # 0.0079
])
def test_complete_separation_p(m, expected):
    assert cs.exact_p_value(0, m, m) == pytest.approx(float(expected), rel=1e-12)
    assert cs.exact_p_value(m * m, m, m) == pytest.approx(float(expected), rel=1e-12)
    assert cs.min_p_value(m, m, cs.EXACT) == pytest.approx(float(expected), rel=1e-12)


def test_exact_p_3_vs_3_middle():
    # U = 6 with m = n = 3: P(U >= 6) = (3 + 2 + 1 + 1)/20 = 7/20 (counts at 6..9),
    # P(U <= 6) = 16/20; p = 2 * 7/20 = 0.7.
    assert cs.exact_p_value(6, 3, 3) == pytest.approx(0.7)
    # U at the centre (4.5 is not reachable without ties; U = 4 and 5 are the middle):
    # P(U <= 4) = (1+1+2+3+3)/20 = 10/20, doubled = 1.
    assert cs.exact_p_value(4, 3, 3) == pytest.approx(1.0)


def test_mann_whitney_u_counts_pairs():
    # x = 1, 4, 16; y = 2, 8, 32: y=2 beats 1 (1 pair), y=8 beats 1, 4 (2), y=32 beats all (3).
    assert cs.mann_whitney_u([1, 4, 16], [2, 8, 32]) == 6
    # Ties count one half: y=2 vs x=2 is ½.
    assert cs.mann_whitney_u([1, 2], [2]) == 1.5


def test_normal_approximation_with_ties_by_hand():
    # The large-sample formula, checked on a small case (compare_samples uses the exact
    # distribution here; the formula is the one used beyond 50 a side).
    # x = 1, 2, 2; y = 2, 3, 4. Pooled 1 2 2 2 3 4: one tie group of size t = 3.
    # U: y=2 beats x=1 (1) and ties both x=2 (½ + ½): 2; y=3: 3; y=4: 3; U = 8.
    # E[U] = mn/2 = 4.5. Var = mn/12 · ((N+1) − Σ(t³−t)/(N(N−1))) = 9/12 · (7 − 24/30) = 4.65.
    # z = (|8 − 4.5| − ½)/√4.65 = 3/2.15639 = 1.39121; p = 2(1 − Φ(z)) = erfc(z/√2) ≈ 0.1642.
    x, y = [1, 2, 2], [2, 3, 4]
    assert cs.tie_sizes(x, y) == [3]
    assert cs.u_variance(3, 3, [3]) == pytest.approx(4.65)
    u = cs.mann_whitney_u(x, y)
    assert u == 8
    p = cs.normal_p_value(u, 3, 3, [3])
    assert p == pytest.approx(math.erfc(3 / math.sqrt(4.65) / math.sqrt(2)))
    assert p == pytest.approx(0.1642, abs=5e-4)


# --- ties: the exact permutation distribution (midranks) -----------------------------------

def _midranks(pooled):
    """Midrank of each pooled value: the mean of the 1-based positions its equals occupy."""
    ordered = sorted(pooled)
    first = {v: ordered.index(v) + 1 for v in pooled}
    count = {v: ordered.count(v) for v in pooled}
    return [first[v] + (count[v] - 1) / 2 for v in pooled]


def _enumerated_two_u(pooled, n):
    """2U over every choice of which n pooled values are the y's, counted pair by pair."""
    out = []
    for ys in itertools.combinations(range(len(pooled)), n):
        xs = [i for i in range(len(pooled)) if i not in ys]
        out.append(sum(2 if pooled[j] > pooled[i] else 1 if pooled[j] == pooled[i] else 0
                       for i in xs for j in ys))
    return out


def _enumerated_p(x, y):
    """Two-sided exact permutation p by brute force: the y's rank sum (midranks) over all
    C(m+n, n) subsets, 2·min(lower tail, upper tail), capped at 1."""
    pooled = list(x) + list(y)
    ranks = _midranks(pooled)
    m, n = len(x), len(y)
    observed = sum(ranks[m:])
    sums = [sum(ranks[i] for i in ys) for ys in itertools.combinations(range(m + n), n)]
    lower = sum(1 for s in sums if s <= observed + 1e-9)
    upper = sum(1 for s in sums if s >= observed - 1e-9)
    return min(1.0, 2 * min(lower, upper) / len(sums))


def test_one_tie_4_vs_4_is_not_significant():
    # A = 1 2 3 4 ms, B = 4 5 6 7 ms. Pooled midranks 1 2 3 4.5 | 4.5 6 7 8: B's rank sum is
    # 25.5, U = 25.5 − 4·5/2 = 15.5. The largest possible rank sum of four is 4.5 + 6 + 7 + 8
    # = 25.5, reached two ways (either 4.5): P(U ≥ 15.5) = 2/70; two-sided p = 4/70 = 0.057,
    # not significant at 5 % (the normal approximation said 0.042).
    x, y = [1, 2, 3, 4], [4, 5, 6, 7]
    r = cs.compare_samples(x, y, 0.05)
    assert r.method == cs.EXACT_TIES
    assert r.u == 15.5
    assert r.p == pytest.approx(4 / 70)
    assert r.p == pytest.approx(_enumerated_p(x, y))
    assert r.p > 0.05
    assert cs.normal_p_value(15.5, 4, 4, [2]) < 0.05  # what the audit saw
    # The interval's ranks: the exact no-ties distribution at 4 v 4: c = 0 (1/70 <= 0.025),
    # so [min, max] of the 16 ratios: [4/4, 7/1] = [1, 7], coverage 1 − 2/70.
    low, high, coverage = r.interval
    assert (low, high, coverage) == (pytest.approx(1.0), pytest.approx(7.0), pytest.approx(68 / 70))


def test_3_vs_3_tie_by_hand():
    # x = 1 2 2, y = 2 3 4: midranks 1 | 3 3 3 | 5 6; y's rank sum 3 + 5 + 6 = 14 (U = 8).
    # Rank sums of three that reach 14: {3, 5, 6} with any of the three 3's: 3 of 20.
    # p = 2 · 3/20 = 0.3 (the normal approximation said 0.164).
    r = cs.compare_samples([1, 2, 2], [2, 3, 4], 0.05)
    assert r.method == cs.EXACT_TIES and r.u == 8
    assert r.p == pytest.approx(0.3)
    assert r.interval is None  # no 95 % interval exists at 3 v 3


def test_3_vs_4_with_a_tie_has_no_95_percent_interval():
    # 3 v 4: P(U <= 0) = 1/C(7, 3) = 1/35 = 0.0286 > 0.025: no order statistic gives 95 %,
    # ties or not (the normal approximation once printed 1.000 – 7.000 here).
    assert cs.critical_count(3, 4, 0.05) == -1
    r = cs.compare_samples([1, 2, 3], [3, 5, 6, 7], 0.05)
    assert r.method == cs.EXACT_TIES
    assert r.interval is None
    # At 90 % it exists: c = 0 (1/35 <= 0.05): [min, max] of the 12 ratios = [3/3, 7/1].
    assert r.p == pytest.approx(_enumerated_p([1, 2, 3], [3, 5, 6, 7]))
    low, high, coverage = cs.compare_samples([1, 2, 3], [3, 5, 6, 7], 0.10).interval
    assert (low, high, coverage) == (pytest.approx(1.0), pytest.approx(7.0), pytest.approx(33 / 35))


@pytest.mark.parametrize("x,y", [
    ([1, 2, 3, 4], [4, 5, 6, 7]),
    ([1, 2, 2], [2, 3, 4]),
    ([1, 2, 3], [3, 5, 6, 7]),
    ([5, 5, 5], [5, 5, 6]),
    ([1, 1, 2, 3], [2, 3, 3, 5, 5]),
    ([2, 2, 2, 2], [2, 2, 2, 2]),  # all tied: p = 1
    ([3, 1, 2, 2, 4], [2, 2, 5]),
    ([1, 1, 1, 2, 2], [2, 3, 3, 3, 3]),  # complete separation but for one tie
    ([7, 8, 8, 9, 10, 10], [8, 10, 11, 11, 12, 13]),
])
def test_tied_p_matches_full_enumeration(x, y):
    r = cs.compare_samples(x, y, 0.05)
    assert r.method in (cs.EXACT, cs.EXACT_TIES)
    assert r.p == pytest.approx(_enumerated_p(x, y), rel=1e-12)


@pytest.mark.parametrize("groups,m", [
    ((1, 2, 1), 2), ((2, 2), 2), ((3, 1, 2), 3), ((1, 3, 1, 1), 2), ((2, 1, 1, 3), 4),
    ((6,), 3), ((1, 1, 1, 1, 1), 2), ((2, 2, 2, 2), 3), ((1, 4, 2), 5),
])
def test_tied_null_counts_match_full_enumeration(groups, m):
    # Pooled values 0 0 1 2 2 …, one value per group; every choice of the y positions.
    pooled = [v for v, t in enumerate(groups) for _ in range(t)]
    n = len(pooled) - m
    counts = [0] * (2 * m * n + 1)
    for two_u in _enumerated_two_u(pooled, n):
        counts[two_u] += 1
    assert cs.tied_u_null_counts(m, n, groups) == tuple(counts)
    assert sum(counts) == math.comb(m + n, n)


@pytest.mark.parametrize("m,n", [(m, n) for m in range(1, 6) for n in range(1, 6)])
def test_tied_counts_without_ties_are_the_recursions(m, n):
    # All groups of size one: 2U takes even values only, with the counting recursion's counts.
    counts = cs.tied_u_null_counts(m, n, (1,) * (m + n))
    assert counts[0::2] == cs.u_null_counts(m, n)
    assert not any(counts[1::2])


def test_method_choice():
    assert cs.choose_method(3, 3, [3]) == cs.EXACT_TIES
    assert cs.choose_method(50, 50, [2]) == cs.EXACT_TIES
    assert cs.choose_method(51, 50, [2]) == cs.NORMAL_TIES
    assert cs.choose_method(5, 5) == cs.EXACT
    with pytest.raises(ValueError):
        cs.p_value(1, 2, 2, cs.EXACT_TIES, [2])  # the tie groups are needed


def test_interval_ranks_never_from_the_normal_approximation_at_small_sizes():
    # 3 v 4 at 95 % with one pair tied: the tie-corrected normal approximation (what the audit
    # saw) has Var = 12/12 · (8 − 6/42) = 7.857, c = ⌊6 − ½ − 1.96·2.803⌋ = ⌊0.006⌋ = 0: a
    # bounded interval. The exact distribution gives none (1/35 > 0.025).
    z = 1.959963984540054
    assert math.floor(6 - 0.5 - z * math.sqrt(cs.u_variance(3, 4, [2]))) == 0
    assert cs.interval_method(3, 4) == cs.EXACT
    assert cs.critical_count(3, 4, 0.05) == -1
    assert cs.interval_method(51, 51) == cs.NORMAL


def test_entry_interval_is_uncorrected():
    # 5 v 5, 79 entries: at 1 − 0.05/79 no interval (2/252 > 0.05/79), at 95 % c = 2:
    # [D_(3), D_(23)] of the 25 sorted log ratios.
    x = [1.0, 1.1, 1.2, 1.3, 1.4]
    y = [2.0, 2.1, 2.2, 2.3, 2.4]
    r = cs.compare_samples(x, y, 0.05 / 79, entry_alpha=0.05)
    assert r.interval is None
    ratios = sorted(b / a for a in x for b in y)
    low, high, coverage = r.entry_interval
    assert (low, high) == (pytest.approx(ratios[2]), pytest.approx(ratios[22]))
    assert coverage == pytest.approx(1 - 2 * 4 / 252)


def test_large_samples_use_the_normal_approximation():
    # No ties, 60 a side: Var = mn(N+1)/12 = 3600·121/12 = 36300.
    assert cs.choose_method(60, 60) == cs.NORMAL
    assert cs.u_variance(60, 60) == pytest.approx(36300)
    assert cs.choose_method(50, 50) == cs.EXACT


def test_normal_approximation_is_close_to_exact_at_20_vs_20():
    for u in (100, 130, 150, 200):
        assert cs.normal_p_value(u, 20, 20) == pytest.approx(cs.exact_p_value(u, 20, 20), abs=0.01)


def test_repetitions_needed():
    # 2/C(2r, r) <= level: r=3 gives 0.1, r=4 gives 0.0286 -> 4 at 5 %.
    assert cs.repetitions_needed(0.05) == 4
    # 0.05/76 = 0.000658: r=6 gives 2/924 = 0.00216, r=7 gives 2/3432 = 0.000583 -> 7.
    assert cs.repetitions_needed(0.05 / 76) == 7


# --- Hodges–Lehmann and its interval -------------------------------------------------------

def test_critical_counts_match_the_tables():
    # Largest c with P(U <= c) <= alpha/2 = 0.025:
    #   3 v 3: P(U <= 0) = 1/20 = 0.05 > 0.025           -> none (-1)
    #   4 v 4: P(U <= 0) = 1/70 = 0.014, P(U <= 1) = 2/70 -> 0
    #   5 v 5: cumulative counts 1, 2, 4, 7 of 252; 0.025·252 = 6.3 -> 2 (the printed
    #          Mann–Whitney table's two-sided 5 % critical value for n1 = n2 = 5 is 2)
    assert cs.critical_count(3, 3, 0.05, cs.EXACT) == -1
    assert cs.critical_count(4, 4, 0.05, cs.EXACT) == 0
    assert cs.critical_count(5, 5, 0.05, cs.EXACT) == 2
    # At alpha = 0.10, 3 v 3: P(U <= 0) = 0.05 <= 0.05 -> 0.
    assert cs.critical_count(3, 3, 0.10, cs.EXACT) == 0


def test_hl_and_interval_3_vs_3_powers_of_two():
    # x = 1, 4, 16 = 2^0, 2^2, 2^4; y = 2, 8, 32 = 2^1, 2^3, 2^5. In log2 units the nine
    # differences y_j − x_i are 1−0, 1−2, 1−4, 3−0, 3−2, 3−4, 5−0, 5−2, 5−4
    #   = 1, −1, −3, 3, 1, −1, 5, 3, 1  -> sorted −3 −1 −1 1 1 1 3 3 5, median 1: ratio 2.
    # 90 % interval (c = 0): [D_(1), D_(9)] = [2^−3, 2^5] = [0.125, 32], coverage 1 − 2/20.
    # 95 %: no c exists (P(U <= 0) = 0.05 > 0.025): unbounded.
    r = cs.compare_samples([1, 4, 16], [2, 8, 32], 0.10)
    assert r.method == cs.EXACT
    assert r.ratio_hl == pytest.approx(2.0)
    assert r.u == 6 and r.p == pytest.approx(0.7)
    low, high, coverage = r.interval
    assert (low, high) == (pytest.approx(0.125), pytest.approx(32.0))
    assert coverage == pytest.approx(0.9)
    assert cs.compare_samples([1, 4, 16], [2, 8, 32], 0.05).interval is None


def test_hl_and_interval_4_vs_4_complete_separation():
    # y = 10·x: every log difference is log 10 + log(x_j/x_i); the log(x_j/x_i) are
    # symmetric about 0, so the median is log 10: HL ratio 10.
    # U = 16 (every y beats every x): p = 2/70.
    # 95 %: c = 0, so [min, max] of the ratios 10·x_j/x_i = [10·1/4, 10·4/1] = [2.5, 40],
    # coverage 1 − 2/70 = 0.9714.
    r = cs.compare_samples([1, 2, 3, 4], [10, 20, 30, 40], 0.05)
    assert r.ratio_hl == pytest.approx(10.0)
    assert r.u == 16
    assert r.p == pytest.approx(2 / 70)
    assert r.direction == "slower"
    low, high, coverage = r.interval
    assert (low, high, coverage) == (pytest.approx(2.5), pytest.approx(40.0), pytest.approx(68 / 70))


def test_interval_5_vs_5_uses_ranks_3_and_23():
    # c = 2 (above), so the 95 % interval is [D_(3), D_(23)] of the 25 sorted differences.
    x = [0.0, 1.0, 2.0, 3.0, 4.0]
    y = [0.5, 2.5, 4.5, 6.5, 8.5]
    d = sorted(b - a for a in x for b in y)
    low, high, coverage = cs.shift_interval(x, y, 0.05, cs.EXACT)
    assert (low, high) == (d[2], d[22])
    assert coverage == pytest.approx(1 - 2 * 4 / 252)


def test_direction_and_faster():
    r = cs.compare_samples([10, 11, 12, 13], [5, 5.5, 6, 6.5], 0.05)
    assert r.direction == "faster" and r.u == 0
    assert r.ratio_hl < 1 and r.interval[1] < 1


def test_times_must_be_positive():
    with pytest.raises(ValueError):
        cs.compare_samples([1, 0], [1, 2], 0.05)
    with pytest.raises(ValueError):
        cs.compare_samples([], [1, 2], 0.05)


# --- many entries --------------------------------------------------------------------------

def test_holm_step_down_by_hand():
    # p = 0.01, 0.04, 0.03, 0.005 at alpha 0.05, M = 4. Sorted: 0.005 0.01 0.03 0.04.
    #   step 1: 0.005 <= 0.05/4 = 0.0125  reject   adjusted 4·0.005 = 0.02
    #   step 2: 0.01  <= 0.05/3 = 0.0167  reject   adjusted 3·0.01  = 0.03
    #   step 3: 0.03  >  0.05/2 = 0.025   stop     adjusted 2·0.03  = 0.06
    #   step 4: (not reached; 0.04 <= 0.05 alone, but Holm stopped)  max(0.06, 1·0.04) = 0.06
    adjusted, rejected = cs.holm([0.01, 0.04, 0.03, 0.005], 0.05)
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert rejected == [True, False, False, True]


def test_holm_could_reject():
    # 76 entries at 5 vs 5: the best possible p is 2/252 = 0.0079 > 0.05/76: no entry can be
    # rejected whatever it shows -> "insufficient repetitions".
    p = [0.5] * 76
    assert not cs.holm_could_reject(p, 3, 2 / 252, 0.05)
    # With 4 entries 0.0079 <= 0.05/4 passes the first step.
    assert cs.holm_could_reject([0.5] * 4, 0, 2 / 252, 0.05)
    # 3 vs 3 alone: best p 0.1 > 0.05.
    assert not cs.holm_could_reject([0.7], 0, 0.1, 0.05)


def test_geometric_mean():
    # exp(mean(log)): (2 · 0.5)^(1/2) = 1; (1 · 2 · 4)^(1/3) = 2.
    assert cs.geometric_mean([2, 0.5]) == pytest.approx(1.0)
    assert cs.geometric_mean([1, 2, 4]) == pytest.approx(2.0)
    with pytest.raises(ValueError):
        cs.geometric_mean([])
