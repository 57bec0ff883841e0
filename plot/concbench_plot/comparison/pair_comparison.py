"""Two reports compared entry by entry: entries matched by name (CPython's with their C++
twins' when both languages are compared), in a stable order, each pair of entries tested
(comparison_statistics.py) and the verdicts Holm-corrected over the pair's entries."""

from __future__ import annotations

import dataclasses
import re

from concbench_plot.comparison import comparison_statistics as cs
from concbench_plot.comparison.text_output import plural
from concbench_plot.reports.estimates import overlap
from concbench_plot.reports.grouping import sort_key
from concbench_plot.reports.model_names import CPYTHON_TWINS, is_cpython_report
from concbench_plot.reports.naming import canonical_params
from concbench_plot.reports.report_data import Entry, Report

INTERVALS_OVERLAP = "no significant difference (intervals overlap)"

# Params that change from run to run without changing the workload: the http server's URL
# holds a random loopback port.
EPHEMERAL_PARAMS = ("url",)


def params_key(params: dict) -> str:
    """Params as compared across reports: canonical, without the ephemeral ones."""
    return canonical_params({k: v for k, v in params.items() if k not in EPHEMERAL_PARAMS})


@dataclasses.dataclass
class EntryComparison:
    name: str
    base: Entry
    other: Entry
    stats: cs.SampleComparison | None = None  # None: not compared (see `problem`)
    problem: str = ""  # why not compared: a failed side, a non-positive time
    adjusted_p: float | None = None
    verdict: str = ""  # "slower", "faster", "no significant difference", "insufficient repetitions"
    estimator: str = "median"  # what `ratio` divides: both reports' lead estimator, else the median

    def estimate(self, e: Entry) -> float:
        return e.time_s if self.estimator == e.lead_name else e.median_s

    def interval(self, e: Entry) -> tuple | None:
        """The side's interval of the compared estimate (schema 3's lead), else None."""
        return e.interval if self.estimator == e.lead_name else None

    @property
    def ratio(self) -> float:
        return self.estimate(self.other) / self.estimate(self.base)

    @property
    def intervals_overlap(self) -> bool | None:
        """Do the two sides' intervals of the compared estimate overlap? None when a side has
        none (an older schema, too few repetitions)."""
        a, b = self.interval(self.base), self.interval(self.other)
        if a is None or b is None:
            return None
        return overlap(a, b)


@dataclasses.dataclass
class PairComparison:
    base: Report
    other: Report
    base_tag: str
    other_tag: str
    alpha: float
    entries: list  # EntryComparison, in ordered_entries(base) order
    only_base: list  # names
    only_other: list

    @property
    def compared(self) -> list:
        return [e for e in self.entries if e.stats is not None]

    @property
    def not_compared(self) -> list:
        return [e for e in self.entries if e.stats is None]

    @property
    def family_size(self) -> int:
        return len(self.compared)

    @property
    def interval_alpha(self) -> float:
        return self.alpha / max(1, self.family_size)

    @property
    def estimator(self) -> str:
        """The estimate compared: the lead estimator when both reports have the same one (p25
        from schema 3), else the median, which every report has."""
        return self.base.lead_name if self.base.lead_name == self.other.lead_name else "median"

    def geometric_means(self):
        compared = self.compared
        if not compared:
            return None
        return (cs.geometric_mean(e.ratio for e in compared),
                cs.geometric_mean(e.stats.ratio_hl for e in compared))


def compare_pair(base: Report, other: Report, base_tag: str, other_tag: str,
                 alpha: float) -> PairComparison:
    """Every entry of both reports, matched by name, tested, Holm-corrected."""
    others = {e.run_name: e for e in other.entries}
    bases = {e.run_name for e in base.entries}
    rows = []
    for b in ordered_entries(base):
        o = others.get(b.run_name)
        if o is None:
            continue
        row = EntryComparison(name=b.run_name, base=b, other=o,
                              estimator=base.lead_name if base.lead_name == other.lead_name else "median")
        row.problem = "; ".join(p for p in (_side_problem(base_tag, b), _side_problem(other_tag, o)) if p)
        rows.append(row)
    pair = PairComparison(
        base=base, other=other, base_tag=base_tag, other_tag=other_tag, alpha=alpha, entries=rows,
        only_base=[e.run_name for e in ordered_entries(base) if e.run_name not in others],
        only_other=[e.run_name for e in ordered_entries(other) if e.run_name not in bases],
    )
    testable = [r for r in rows if not r.problem]
    # The intervals use Bonferroni's alpha/M, not Holm's per-rank levels: Holm's levels are
    # valid for the step-down DECISIONS only, not as simultaneous intervals, while M intervals
    # each at 1 − alpha/M all hold together with probability ≥ 1 − alpha. That is what the
    # gate needs: with no entry truly slower than RATIO, "some interval wholly above RATIO"
    # happens with probability ≤ alpha. The price: an interval is a little wider than the
    # verdict's level would suggest for all but the first Holm step.
    interval_alpha = alpha / max(1, len(testable))
    for r in testable:
        # Each entry's own interval too, at 1 − alpha (uncorrected): what its repetitions alone
        # say, shown next to the corrected one (which needs many more repetitions to be bounded).
        r.stats = cs.compare_samples(r.base.times_s, r.other.times_s, interval_alpha, entry_alpha=alpha)
    # Verdicts: Holm over the M entries (familywise error ≤ alpha, more power than
    # Bonferroni). "Insufficient repetitions" when even complete separation of this entry's
    # repetitions could not pass Holm here (its smallest possible p, the others unchanged):
    # the test could not have said anything but "no difference", so it must not say it.
    p_values = [r.stats.p for r in testable]
    adjusted, rejected = cs.holm(p_values, alpha)
    for i, r in enumerate(testable):
        r.adjusted_p = adjusted[i]
        if rejected[i] and r.intervals_overlap:
            # The test sees a shift of the whole distribution; the estimates' own intervals
            # (schema 3) still overlap: no difference in the figure the tools show.
            r.verdict = INTERVALS_OVERLAP
        elif rejected[i]:
            r.verdict = r.stats.direction
        elif not cs.holm_could_reject(p_values, i, r.stats.min_p, alpha):
            r.verdict = "insufficient repetitions"
        else:
            r.verdict = "no significant difference"
    return pair


def _side_problem(tag: str, e: Entry) -> str:
    if e.failed:
        return f"{tag} failed: {e.error_message}"
    if not e.times_s:
        if e.median_s:
            return (f"{tag} has aggregate rows only, no row per repetition: "
                    "no repetition times to test")
        return f"{tag} has no successful repetition"
    if any(t <= 0 for t in e.times_s) or not e.median_s or e.median_s <= 0 or not e.time_s or e.time_s <= 0:
        return f"{tag} has a time of zero or less"
    return ""


def ordered_entries(report: Report) -> list:
    """The report's entries grouped by workload, in a stable, meaningful order.

    A report's rows come in RUN order, which random interleaving shuffles. When every entry
    carries Google Benchmark's family_index, the order is the registration order (workloads
    in the order they were registered, each workload's entries in theirs: sequential first,
    then the models as the suite lists them). Otherwise: workloads by name, then params
    (numbers by value), then the charts' model order (grouping.sort_key)."""
    entries = list(report.entries)
    registered = [_registration(e) for e in entries]
    if entries and all(r is not None for r in registered):
        first = {}
        for e, r in zip(entries, registered):
            first[e.workload] = min(first.get(e.workload, r), r)
        keyed = sorted(zip(entries, registered), key=lambda er: (first[er[0].workload], er[1]))
        return [e for e, _ in keyed]
    return sorted(entries, key=lambda e: (e.workload, _natural(params_key(e.params)), sort_key(e)))


def _registration(e: Entry):
    """(family_index, per_family_instance_index) from the entry's rows: the order the
    benchmarks were registered in (run order is shuffled by interleaving); None when the rows
    do not carry it (hand-made or older reports)."""
    for row in e.iterations + list(e.aggregates.values()):
        fi, pfi = row.get("family_index"), row.get("per_family_instance_index", 0)
        if isinstance(fi, int) and isinstance(pfi, int) and not isinstance(fi, bool):
            return fi, pfi
    return None


def _natural(text: str) -> list:
    """Sort key that puts `scale:2` before `scale:10`."""
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", text) if t]


def match_cpython_twins(reports: list) -> list:
    """When CPython and C++ reports are compared together, each CPython entry takes its C++
    twin's name, so the two are matched (the ratio is then CPython's cost over C++'s, or the
    reverse). Returns one note per renamed report; nothing when every report is of one kind."""
    kinds = {is_cpython_report(r) for r in reports}
    if kinds != {True, False}:
        return []
    notes = []
    for r in reports:
        if not is_cpython_report(r):
            continue
        renamed = 0
        for e in r.entries:
            parts = e.run_name.split("/")
            if e.model in CPYTHON_TWINS and len(parts) > 1 and parts[1] == e.model:
                parts[1] = CPYTHON_TWINS[e.model]
                e.run_name = "/".join(parts)
                renamed += 1
        twins = ", ".join(f"{k} ~ {v}" for k, v in CPYTHON_TWINS.items())
        notes.append(f"{r.path} is a CPython report: its {plural(renamed, 'entry is', 'entries are')} matched to their C++ twins "
                     f"by name ({twins}); python-processes-forkserver has none")
    return notes
