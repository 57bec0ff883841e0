"""Compare concbench reports from different machines (or builds, or days).

    /usr/bin/python3 plot/compare.py BASE.json OTHER.json [MORE.json ...]
                                     [--markdown] [--fail-above RATIO] [--alpha 0.05]

(Run it with /usr/bin/python3: the python first on PATH may lack numpy; docs/pitfalls.md
"Python".)

Each OTHER report is compared with BASE, entry by entry (entries are matched by their
grammar name, `cpu/threads/W:2/pool:cold/scale:100`). Per entry: both medians, the ratio of
medians (other / base: above 1 is slower), the Hodges–Lehmann ratio with a distribution-free
interval, and a Mann–Whitney U verdict, corrected for the number of entries compared.
Then a geometric mean, each machine's speedup over its OWN sequential run (so machines with
different core counts are compared fairly), and a side-by-side diff of the hardware and the
build. `--fail-above RATIO` makes the exit status a CI gate that noise alone does not trip,
and that fails closed: an entry that succeeded in BASE but failed (or was not run by an
interrupted OTHER) fails the gate, and so does a comparison of nothing.

Why these statistics: benchmark repetitions are few (3 to 10), skewed and sometimes bimodal,
so nothing assumes normality (comparison_statistics.py says more). Why this correction: a
report holds ~100 entries; at 5 % each, about five would be "significant" by chance alone.

Exit status: 0 done, 1 the gate tripped or failed closed, 2 bad input or an output that
cannot be written (one line on stderr). The gate's status does not depend on stdout: 1 when
it tripped, even if the reader stopped early or the disk was full.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import re
import string
import sys
import textwrap

from concbench_plot.comparison import comparison_statistics as cs
from concbench_plot.comparison import context_diff
from concbench_plot.reports.formatting import format_speedup, format_time
from concbench_plot.reports.grouping import sort_key
from concbench_plot.reports.model_names import CPYTHON_TWINS, is_cpython_report
from concbench_plot.reports.model_names import is_sequential, sequential_model_for
from concbench_plot.reports.naming import canonical_params
from concbench_plot.reports.report_data import Entry, Report
from concbench_plot.reports.report_loading import ReportError, load_report

PROG = "compare.py"

# Params that change from run to run without changing the workload: the http server's URL
# holds a random loopback port.
EPHEMERAL_PARAMS = ("url",)

HELP_EPILOG = """\
statistics (per entry, OTHER vs BASE, on the successful repetitions):
  ratio      median(OTHER) / median(BASE); above 1: OTHER is slower.
  HL         Hodges-Lehmann ratio: exp(median of all m*n log(other_j) - log(base_i)).
  interval   its distribution-free interval: order statistics of those m*n differences at
             the ranks given by the Mann-Whitney U critical value (from the exact null
             distribution for up to 50 repetitions a side, the normal approximation beyond);
             "unbounded" when no order statistic reaches the level (e.g. 95 % at 3 vs 3 or
             3 vs 4): too few repetitions.
  verdict    two-sided Mann-Whitney U test. The "test" column says how p was computed:
             "exact" (up to 50 repetitions a side), "exact, ties" (the exact permutation
             distribution over midranks when some times are equal), "normal" or
             "normal, ties" (beyond 50 a side: normal approximation, continuity- and
             tie-corrected).

multiple comparisons (each OTHER vs BASE is one family of M entries: its own question, so
adding a third report changes nothing in the second's table):
  verdicts   Holm step-down at familywise level ALPHA: an entry is "slower"/"faster" when its
             Holm-adjusted p <= ALPHA. "insufficient repetitions" means that even completely
             separated repetitions could not pass Holm in this table (e.g. 3 vs 3 repetitions:
             the smallest possible p is 2/20 = 0.1 > 0.05); never read it as "no difference".
  corrected  ("99.94 % corrected" for M = 79) each interval at level 1 - ALPHA/M
             (Bonferroni), so all M intervals hold together with probability >= 1 - ALPHA.
             Why not Holm: Holm is a step-down TEST procedure. The level it uses for an entry
             depends on that entry's rank among all M p-values and on whether every smaller
             p was rejected first, so it is a random, data-dependent level; intervals built
             at those levels do not hold simultaneously with probability 1 - ALPHA (the
             simultaneous intervals that do match Holm's decisions, Strassburger & Bretz 2008,
             say no more than "above 1" or "below 1" for a rejected entry unless every entry
             is rejected). Bonferroni's fixed ALPHA/M is the level
             that makes M intervals hold together. So the intervals are slightly more
             conservative than the verdicts: an entry can be "slower" with a corrected
             interval that still touches 1.
  own        ("95 % own") each entry's own interval at 1 - ALPHA, NOT corrected: what its
             repetitions alone say. Shown because a corrected interval needs many more
             repetitions (5 vs 5 with 79 entries: none is bounded); about ALPHA*M of the own
             intervals miss by chance alone, so read them one entry at a time.
  gate       --fail-above RATIO trips when some entry's CORRECTED interval lies wholly above
             RATIO: with no entry truly slower than RATIO, the chance of a false trip is
             <= ALPHA per OTHER report. An "unbounded" interval (too few repetitions) cannot
             trip it; the own intervals never do. It fails closed (exit 1) whatever the
             ratios when an entry that succeeded in BASE failed in OTHER (wholly, or in more
             repetitions than in BASE), when an interrupted OTHER (complete: false) did not
             run it, or when no entry could be compared at all.

order: entries are grouped by workload in registration order (the report's family_index),
not in the run order that random interleaving shuffles; without family_index, by workload,
params and model.

exit status: 0 done; 1 the gate tripped or failed closed; 2 bad input (a malformed report:
duplicated rows, impossible times), or the output could not be written
(one line on stderr). The gate's 1 does not depend on stdout: a reader that stops early
(`| head`) is not an error, and a tripped gate is 1 even when writing the table failed
(`> /dev/full`: stderr says so too).
"""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a bad flag gives one line on stderr (and exit status 2), not the usage."""

    def error(self, message):
        print(f"{PROG}: error: {message} (see --help)", file=sys.stderr)
        sys.exit(2)


def _alpha(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"should be between 0 and 1 (exclusive), not {text}")
    return value


def _ratio(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"should be a positive ratio such as 1.10, not {text}")
    return value


def parse_args(argv):
    parser = ArgumentParser(
        prog=PROG,
        usage=f"/usr/bin/python3 plot/{PROG} BASE.json OTHER.json [MORE.json ...] [--markdown] "
              "[--fail-above RATIO] [--alpha ALPHA]",
        description="Compare concbench reports: per-entry ratios with distribution-free "
                    "intervals and Mann-Whitney U verdicts (Holm-corrected), a geometric mean, "
                    "per-machine speedups, and a hardware/build diff.",
        epilog=HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("reports", nargs="*", metavar="REPORT.json",
                        help="BASE first, then one or more OTHER reports compared with it")
    parser.add_argument("--markdown", action="store_true", help="write Markdown tables")
    parser.add_argument("--fail-above", type=_ratio, metavar="RATIO",
                        help="exit 1 when an entry's corrected interval of OTHER/BASE lies "
                             "wholly above RATIO (e.g. 1.10: more than 10 %% slower), or when OTHER "
                             "failed or did not run an entry that succeeded in BASE, or nothing was compared")
    parser.add_argument("--alpha", type=_alpha, default=0.05,
                        help="familywise error rate per OTHER report (default 0.05)")
    args = parser.parse_args(argv)
    if len(args.reports) < 2:
        parser.error("need at least two reports: BASE.json OTHER.json [MORE.json ...]")
    return args


# ---------------------------------------------------------------------------------------
# Comparing entries


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

    @property
    def ratio(self) -> float:
        return self.other.median_s / self.base.median_s


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

    def geometric_means(self):
        compared = self.compared
        if not compared:
            return None
        return (cs.geometric_mean(e.ratio for e in compared),
                cs.geometric_mean(e.stats.ratio_hl for e in compared))


def _side_problem(tag: str, e: Entry) -> str:
    if e.failed:
        return f"{tag} failed: {e.error_message}"
    if not e.times_s:
        if e.median_s:
            return (f"{tag} has aggregate rows only, no row per repetition: "
                    "no repetition times to test")
        return f"{tag} has no successful repetition"
    if any(t <= 0 for t in e.times_s) or not e.median_s or e.median_s <= 0:
        return f"{tag} has a time of zero or less"
    return ""


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


def ordered_entries(report: Report) -> list:
    """The report's entries grouped by workload, in a stable, meaningful order.

    A report's rows come in RUN order, which random interleaving shuffles. When every entry
    carries Google Benchmark's family_index, the order is the registration order (workloads
    in the order they were registered, each workload's entries in theirs: sequential first,
    then the models as the suite lists them). Otherwise: workloads by name, then params
    (numbers by value), then the charts' model order (report_loading.sort_key)."""
    entries = list(report.entries)
    registered = [_registration(e) for e in entries]
    if entries and all(r is not None for r in registered):
        first = {}
        for e, r in zip(entries, registered):
            first[e.workload] = min(first.get(e.workload, r), r)
        keyed = sorted(zip(entries, registered), key=lambda er: (first[er[0].workload], er[1]))
        return [e for e, _ in keyed]
    return sorted(entries, key=lambda e: (e.workload, _natural(params_key(e.params)), sort_key(e)))


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
        row = EntryComparison(name=b.run_name, base=b, other=o)
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
        if rejected[i]:
            r.verdict = r.stats.direction
        elif not cs.holm_could_reject(p_values, i, r.stats.min_p, alpha):
            r.verdict = "insufficient repetitions"
        else:
            r.verdict = "no significant difference"
    return pair


def gate_trips(pair: PairComparison, threshold: float) -> list:
    """Entries whose corrected interval lies wholly above `threshold`."""
    return [r for r in pair.compared
            if r.stats.interval is not None and r.stats.interval[0] > threshold]


def gate_closures(pair: PairComparison) -> list:
    """Why the gate cannot pass OTHER whatever the ratios say (it fails closed): entries that
    succeeded in BASE but failed in OTHER (wholly, or in repetitions BASE did not lose), or
    that an interrupted OTHER never ran; or nothing compared at all. One text per entry (the
    entry's name first), or one for the pair; empty when the gate may judge OTHER."""
    reasons = []
    for r in pair.entries:
        b, o = r.base, r.other
        if b.failed:
            continue  # failing in both is not OTHER's regression
        why = shorten(" ".join(o.error_message.split()), 80)
        if o.failed:
            reasons.append(f"{r.name} failed in {pair.other_tag} ({why})")
        elif o.failed_repetitions > b.failed_repetitions:
            reasons.append(f"{r.name}: {o.failed_repetitions} of {o.repetitions} repetitions failed in "
                           f"{pair.other_tag} ({why})")
    if not pair.other.complete:
        bases = {e.run_name: e for e in pair.base.entries}
        reasons += [f"{name} was not run: {pair.other_tag} is an interrupted run (complete: false)"
                    for name in pair.only_base if not bases[name].failed]
    if not pair.compared and not reasons:
        reasons.append(f"nothing was compared: none of the {plural(len(pair.entries), 'entry', 'entries')} "
                       f"in common has repetition times on both sides")
    return reasons


# ---------------------------------------------------------------------------------------
# Warnings


def pair_warnings(base: Report, other: Report, common_names: list) -> list:
    """Differences that make a comparison questionable but not meaningless."""
    out = []
    # Version 2 only added optional context fields, but a reader should hear of the difference.
    bv = base.context.get("concbench_schema_version")
    ov = other.context.get("concbench_schema_version")
    if bv != ov:
        out.append(f"{base.path} has concbench_schema_version {bv}, {other.path} has {ov}: "
                   "fields may mean different things")
    bs, os_ = base.context.get("suite"), other.context.get("suite")
    if bs != os_:
        out.append(f"{base.path} ran suite {bs!r}, {other.path} ran suite {os_!r}")
    by_name_b = {e.run_name: e for e in base.entries}
    by_name_o = {e.run_name: e for e in other.entries}
    differing = [n for n in common_names
                 if params_key(by_name_b[n].params) != params_key(by_name_o[n].params)]
    shown = 5
    for name in differing[:shown]:
        out.append(f"{name}: params differ between {base.path} and {other.path} "
                   f"({params_difference(by_name_b[name].params, by_name_o[name].params)}): "
                   "compared anyway")
    if len(differing) > shown:
        out.append(f"… and {len(differing) - shown} more entries whose params differ "
                   f"between {base.path} and {other.path}")
    return out


def params_difference(a: dict, b: dict) -> str:
    """`scale 1 vs 2, nums only in BASE`: which keys differ, values shortened."""
    def short(v):
        text = canonical_params(v) if isinstance(v, (dict, list)) else json.dumps(v)
        return text if len(text) <= 20 else text[:19] + "…"

    parts = []
    for key in sorted(set(a) | set(b)):
        if key in EPHEMERAL_PARAMS:
            continue
        if key not in b:
            parts.append(f"{key} only in BASE")
        elif key not in a:
            parts.append(f"{key} only in OTHER")
        elif canonical_params(a[key]) != canonical_params(b[key]):
            parts.append(f"{key} {short(a[key])} vs {short(b[key])}")
    return ", ".join(parts)


def report_warnings(report: Report) -> list:
    if not report.complete:
        return [f"{report.path}: incomplete run (\"complete\": false): comparing the entries "
                "it finished"]
    return []


# ---------------------------------------------------------------------------------------
# Formatting


def plural(count: int, one: str, many: str) -> str:
    """`1 entry`, `2 entries`, `0 entries`."""
    return f"{count} {one if count == 1 else many}"


def fmt_ratio(r: float | None) -> str:
    if r is None or not math.isfinite(r):
        return "—"
    return f"{r:.3f}" if 0.1 <= r < 100 else f"{r:.3g}"


def fmt_p(p: float | None) -> str:
    if p is None:
        return "—"
    if p >= 0.995:
        return "1"
    return f"{p:.2g}" if p >= 1e-4 else f"{p:.1e}"


def fmt_percent(level: float) -> str:
    """A confidence level with just enough decimals to show its complement: 95 %, 99.93 %."""
    percent = level * 100
    miss = 100 - percent
    for digits in range(8):
        text = f"{percent:.{digits}f}"
        if miss > 0 and abs((100 - float(text)) - miss) <= 0.1 * miss:
            return f"{text} %"
    return f"{percent:.8f} %"


def fmt_interval(interval: tuple | None) -> str:
    """(low, high, coverage) as `1.180 – 1.220`; None (no order statistic reaches the level)
    as "unbounded"."""
    if interval is None:
        return "unbounded"
    return f"{fmt_ratio(interval[0])} – {fmt_ratio(interval[1])}"


def fmt_count(x: float) -> str:
    """An expected count: `4`, `0.35`."""
    return f"{x:.0f}" if x >= 1 else f"{x:.2g}"


# Prose in text mode is folded at this many columns (tables are as wide as their cells).
TEXT_WIDTH = 100


class Out:
    """Plain text or Markdown: the same sections, two spellings."""

    def __init__(self, markdown: bool):
        self.markdown = markdown
        self.lines: list = []

    def heading(self, text: str, level: int = 2):
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        if self.markdown:
            self.lines += ["#" * level + " " + text, ""]
        else:
            self.lines += [text, "=" * len(text) if level <= 2 else "-" * len(text)]

    def para(self, *lines: str):
        """Lines of prose; in Markdown each keeps its own line (a trailing-backslash break).
        A leading "" asks for a blank line before, unless there is one already."""
        lines = list(lines)
        while lines and lines[0] == "" and (not self.lines or self.lines[-1] == ""):
            lines.pop(0)
        if self.markdown:
            self.lines += [line + "\\" if line and following else line
                           for line, following in zip(lines, lines[1:] + [""])] + [""]
        else:
            for line in lines:
                self.lines += self.wrap(line)

    def wrap(self, line: str, indent: str = "") -> list:
        """Text mode: a prose line folded at TEXT_WIDTH columns (continuations indented by
        `indent`); Markdown: the line as it is (the renderer wraps)."""
        if self.markdown or len(line) <= TEXT_WIDTH:
            return [line]
        return textwrap.wrap(line, TEXT_WIDTH, subsequent_indent=indent, break_long_words=False,
                             break_on_hyphens=False) or [line]

    def bullets(self, items: list):
        prefix = "- " if self.markdown else "  "
        for item in items:
            self.lines += self.wrap(prefix + item, " " * (len(prefix) + 2))
        if self.markdown:
            self.lines.append("")

    def code(self, text: str) -> str:
        return f"`{text}`" if self.markdown else text

    def table(self, headers: list, rows: list, align: str):
        """align: one letter per column, "l" or "r"."""
        if self.markdown:
            esc = [[str(c).replace("|", "\\|") for c in row] for row in [headers] + rows]
            self.lines.append("| " + " | ".join(esc[0]) + " |")
            self.lines.append("|" + "|".join("---" if a == "l" else "--:" for a in align) + "|")
            self.lines += ["| " + " | ".join(row) + " |" for row in esc[1:]]
            self.lines.append("")
            return
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        cells = [[str(c) for c in row] for row in [headers] + rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

        def line(row):
            parts = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align)]
            return "  ".join(parts).rstrip()

        self.lines.append(line(cells[0]))
        self.lines.append("  ".join("-" * w for w in widths))
        self.lines += [line(row) for row in cells[1:]]

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + "\n"


def tags_for(count: int) -> list:
    letters = string.ascii_uppercase
    return [letters[i] if i < len(letters) else f"R{i + 1}" for i in range(count)]


def write_legend(out: Out, reports: list, tags: list, alpha: float):
    out.heading("concbench comparison", 1)
    items = []
    for i, (r, tag) in enumerate(zip(reports, tags)):
        role = "BASE" if i == 0 else "other"
        date = r.context.get("date")
        items.append(f"{tag} ({role}): {out.code(r.path)} — {r.machine_label}"
                     + (f", {date}" if date else ""))
    out.bullets(items)
    out.para(f"Familywise error rate alpha = {alpha:g} per comparison with {tags[0]}. "
             "Ratios are OTHER/BASE: above 1 means slower than BASE.")


def write_pair(out: Out, pair: PairComparison):
    a, b = pair.base_tag, pair.other_tag
    m = pair.family_size
    out.heading(f"{b} vs {a}: {plural(m, 'entry', 'entries')} compared")
    starved = too_few_repetitions(pair)
    # Most entries starved: say so first, with what would do, before ~80 rows that say nothing.
    prominent = len(starved) * 2 > m
    if prominent:
        write_too_few(out, pair, starved)
    level = 1 - pair.interval_alpha
    own = fmt_percent(1 - pair.alpha)
    out.para(
        *([""] if prominent else []),
        f"{b}/{a}: ratio of medians. HL: Hodges–Lehmann ratio (median of all pairwise ratios of "
        "repetitions).",
        f"\"{own} own\": the entry's own distribution-free interval of the HL ratio, NOT corrected "
        f"for the other entries: what its repetitions alone say (with {plural(m, 'entry', 'entries')}, "
        f"about {fmt_count(m * pair.alpha)} of these may miss by chance alone).",
        f"\"{fmt_percent(level)} corrected\": the same interval at {fmt_percent(level)} each "
        f"(Bonferroni, 1 − {pair.alpha:g}/{m}), so all {m} hold together with ≥ "
        f"{fmt_percent(1 - pair.alpha)}; the gate uses these.",
        f"Verdict: two-sided Mann–Whitney U test (\"test\": exact null distribution — with ties, "
        f"the exact permutation distribution over midranks — or, beyond 50 repetitions a side, the "
        f"normal approximation), Holm-corrected over the {plural(m, 'entry', 'entries')}; \"p\" is "
        "unadjusted, \"Holm p\" adjusted.")
    headers = ["entry", f"{a} median", f"{b} median", f"{b}/{a}", "HL", f"{own} own",
               f"{fmt_percent(level)} corrected", "reps", "test", "p", "Holm p", "verdict"]
    rows = []
    for r in pair.compared:
        s = r.stats
        rows.append([out.code(r.name), format_time(r.base.median_s), format_time(r.other.median_s),
                     fmt_ratio(r.ratio), fmt_ratio(s.ratio_hl), fmt_interval(s.entry_interval),
                     fmt_interval(s.interval), f"{s.m}v{s.n}", s.method, fmt_p(s.p),
                     fmt_p(r.adjusted_p), r.verdict])
    means = pair.geometric_means()
    if means is not None:
        rows.append([f"geometric mean ({plural(m, 'entry', 'entries')})", "", "", fmt_ratio(means[0]),
                     fmt_ratio(means[1]), "", "", "", "", "", "", ""])
    if rows:
        out.table(headers, rows, "lrrrrrrrlrrl")
    else:
        out.para("No entry could be compared (see below).")
    write_pair_notes(out, pair, starved if not prominent else [])


def too_few_repetitions(pair: PairComparison) -> list:
    """Entries whose verdict is "insufficient repetitions" or whose corrected interval is
    unbounded: the table's correction asks more of them than their repetitions can give."""
    return [r for r in pair.compared
            if r.verdict == "insufficient repetitions" or r.stats.interval is None]


def write_too_few(out: Out, pair: PairComparison, starved: list):
    insufficient = [r for r in starved if r.verdict == "insufficient repetitions"]
    unbounded = [r for r in starved if r.stats.interval is None]
    sizes = sorted({(r.stats.m, r.stats.n) for r in starved})
    shown = ", ".join(f"{m} vs {n} repetitions the smallest possible p is "
                      f"{fmt_p(cs.min_p_value(m, n, cs.choose_method(m, n)))}"
                      for m, n in sizes[:4])
    need = cs.repetitions_needed(pair.interval_alpha)
    m = pair.family_size
    out.para(
        "",
        f"TOO FEW REPETITIONS for {plural(m, 'entry', 'entries')}: {len(insufficient)} of "
        f"{plural(m, 'verdict', 'verdicts')} {'is' if len(insufficient) == 1 else 'are'} "
        f"\"insufficient repetitions\" and {len(unbounded)} of "
        f"{plural(m, 'corrected interval', 'corrected intervals')} "
        f"{'is' if len(unbounded) == 1 else 'are'} \"unbounded\". With {shown}, but each entry must reach {fmt_p(pair.interval_alpha)} = "
        f"{pair.alpha:g}/{m} (the first Holm step, and every corrected interval): even completely "
        "separated repetitions cannot, so these cannot trip the gate either.",
        (f"{need} repetitions per side would do: concbench --benchmark_repetitions={need}. "
         if need else "")
        + f"Meanwhile the \"{fmt_percent(1 - pair.alpha)} own\" column shows each entry's own "
          "evidence, uncorrected.")


def write_pair_notes(out: Out, pair: PairComparison, starved: list):
    """What follows the table: the verdict counts, a too-few-repetitions note when it was not
    given above, failed repetitions, entries not compared, entries in one report only."""
    a, b = pair.base_tag, pair.other_tag
    counts = {}
    for r in pair.compared:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    if counts:
        summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        out.para("", f"Verdicts ({b} vs {a}): {summary}.")
    if starved:
        write_too_few(out, pair, starved)
    partial = [r for r in pair.compared
               if r.base.failed_repetitions or r.other.failed_repetitions]
    if partial:
        out.para("", "Compared on their successful repetitions only (some repetitions failed):")
        out.bullets([f"{out.code(r.name)}: {a} {r.base.failed_repetitions} failed, "
                     f"{b} {r.other.failed_repetitions} failed" for r in partial])
    if pair.not_compared:
        out.para("", f"Not compared ({len(pair.not_compared)}):")
        out.bullets([f"{out.code(r.name)}: {r.problem}" for r in pair.not_compared])
    for tag, report, names in ((a, pair.base, pair.only_base), (b, pair.other, pair.only_other)):
        if names:
            out.para("", f"Only in {tag} ({len(names)}): " + only_in_summary(out, report, names))


def only_in_summary(out: Out, report: Report, names: list) -> str:
    """Short: a workload whose entries are all missing from the other report is one item
    ("all 35 http entries"); the rest are named."""
    only = set(names)
    per_workload: dict = {}
    for e in ordered_entries(report):
        per_workload.setdefault(e.workload, []).append(e.run_name)
    items = []
    for workload, all_names in per_workload.items():
        missing = [n for n in all_names if n in only]
        if len(missing) == len(all_names) and len(missing) > 1:
            items.append(f"all {len(missing)} {out.code(workload)} entries")
        else:
            items += [out.code(n) for n in missing]
    return ", ".join(items) + "."


def _sequential_index(report: Report) -> dict:
    index = {}
    for e in report.entries:
        if is_sequential(e.model) and not e.failed and e.median_s:
            index.setdefault((e.model, e.workload, params_key(e.params)), e)
    return index


def entry_speedup(e: Entry, sequential: dict) -> float | None:
    """The entry's speedup over its own report's sequential run of the same workload and
    params: the report's own `speedup` when it carries one (report_loading fills it from the
    median row, or from the group's sequential median), else recomputed here from the medians
    (matching params without the ephemeral ones, which report_loading's groups do not)."""
    if e.failed or not e.median_s:
        return None
    if e.speedup is not None:
        return e.speedup
    seq = sequential.get((sequential_model_for(e.model), e.workload, params_key(e.params)))
    if seq is None:
        return None
    return seq.median_s / e.median_s


def write_speedups(out: Out, reports: list, tags: list):
    out.heading("Speedup over each machine's own sequential run")
    ps = [f"{t}: P={r.context.get('usable_cpus', '?')}" for r, t in zip(reports, tags)]
    out.para("Speedup = that report's sequential median ÷ the entry's median (same workload and "
             "params), so machines with different core counts compare fairly. "
             f"Above 1 in a ÷ column: that machine scales better than {tags[0]}. "
             f"Sequential rows (1× by definition) are left out. {'; '.join(ps)}.")
    indexes = [_sequential_index(r) for r in reports]
    by_name = [{e.run_name: e for e in r.entries} for r in reports]
    headers = ["entry", f"{tags[0]} speedup"]
    align = "lr"
    for t in tags[1:]:
        headers += [f"{t} speedup", f"{t}÷{tags[0]}"]
        align += "rr"
    rows = []
    for e in ordered_entries(reports[0]):
        if is_sequential(e.model) or not any(e.run_name in names for names in by_name[1:]):
            continue
        speedups = [entry_speedup(names[e.run_name], idx) if e.run_name in names else None
                    for names, idx in zip(by_name, indexes)]
        if all(s is None for s in speedups):
            continue
        row = [out.code(e.run_name), format_speedup(speedups[0]) if speedups[0] else "—"]
        for s in speedups[1:]:
            row.append(format_speedup(s) if s else "—")
            row.append(fmt_ratio(s / speedups[0]) if s and speedups[0] else "—")
        rows.append(row)
    if rows:
        out.table(headers, rows, align)
    else:
        out.para("No entry in common has a sequential run to compare with.")


# Widest context cell in the table; longer values are cut there and given in full below the
# table, so one long row (warnings, a command line) does not stretch every column of every
# other row. Text: about 120 columns of values whatever the number of reports; Markdown
# (rendered, and wrapped by the renderer): a fixed 80.
def context_cell_width(markdown: bool, reports: int) -> int:
    return 80 if markdown else max(30, min(60, 120 // max(1, reports)))


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def write_context(out: Out, reports: list, tags: list):
    out.heading("Hardware and build")
    rows = context_diff.context_rows([r.context for r in reports])
    mark = "≠"
    width = context_cell_width(out.markdown, len(reports))
    table, long_rows = [], []
    for row in rows:
        if any(len(v) > width for v in row.values):
            long_rows.append(row)
        table.append([mark if row.differs else "", row.label, *(shorten(v, width) for v in row.values)])
    out.para(f"\"{mark}\": the reports differ on this row (as displayed). \"—\": absent."
             + (" \"…\": cut here, in full below the table." if long_rows else ""))
    out.table(["", "context", *tags], table, "ll" + "l" * len(tags))
    for row in long_rows:
        write_context_in_full(out, row, tags)


def write_context_in_full(out: Out, row, tags: list):
    """One long context row below the table: each report's value whole, a list of sentences
    (warnings) one item a line; reports with the same value share one line."""
    same: dict = {}
    for tag, value, items in zip(tags, row.values, row.items):
        sentences = tuple(items) if items and len(items) > 1 and any(" " in i for i in items) else None
        same.setdefault((value, sentences), []).append(tag)
    out.para("", f"{row.label}{' (≠)' if row.differs else ''}, in full:")
    bullet, sub = ("- ", "  - ") if out.markdown else ("  ", "    - ")
    for (value, sentences), who in same.items():
        if sentences:
            out.lines.append(f"{bullet}{', '.join(who)}:")
            for item in sentences:
                out.lines += out.wrap(sub + item, " " * len(sub))
        else:
            out.lines += out.wrap(f"{bullet}{', '.join(who)}: {value}", " " * (len(bullet) + 2))
    if out.markdown:
        out.lines.append("")


def write_gate(out: Out, pairs: list, threshold: float) -> list:
    out.heading(f"Gate: --fail-above {threshold:g}")
    tripped_all = []
    for pair in pairs:
        tripped = gate_trips(pair, threshold)
        blind = [r for r in pair.compared if r.stats.interval is None]
        tag = f"{pair.other_tag} vs {pair.base_tag}"
        closures = gate_closures(pair)
        if closures:
            out.para(f"{tag}: FAILED CLOSED: {pair.other_tag} cannot pass the gate, whatever its ratios "
                     f"({len(closures)} {'reason' if len(closures) == 1 else 'reasons'}):")
            out.bullets(closures)
        if tripped:
            out.para(f"{tag}: TRIPPED by {plural(len(tripped), 'entry', 'entries')} "
                     f"whose corrected interval lies wholly above {threshold:g}:")
            out.bullets([f"{out.code(r.name)}: {pair.other_tag}/{pair.base_tag} "
                         f"{fmt_ratio(r.ratio)}, corrected interval {fmt_interval(r.stats.interval)}" for r in tripped])
        elif closures:
            if pair.compared:
                out.para(f"{tag}: no entry's corrected interval lies wholly above {threshold:g} (the ratios "
                         "alone would have passed).")
        else:
            out.para(f"{tag}: passed (no entry's corrected interval lies wholly above {threshold:g}).")
        if blind:
            out.para(f"{tag}: {len(blind)} of {plural(pair.family_size, 'entry', 'entries')} could not trip the gate "
                     "(corrected interval unbounded: too few repetitions).")
        tripped_all += [(pair, r) for r in tripped]
    return tripped_all


# ---------------------------------------------------------------------------------------
# Main


def warn(message: str):
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def run(argv) -> int:
    args = parse_args(argv)
    reports = [load_report(path) for path in args.reports]
    tags = tags_for(len(reports))
    base = reports[0]
    for r in reports[1:]:
        if os.path.realpath(r.path) == os.path.realpath(base.path):
            warn(f"{r.path} is the BASE report itself: every ratio is 1 by construction")
    for r in reports:
        for message in report_warnings(r):
            warn(message)
    twin_notes = match_cpython_twins(reports)
    pairs = []
    for other, tag in zip(reports[1:], tags[1:]):
        pair = compare_pair(base, other, tags[0], tag, args.alpha)
        if not pair.entries:
            raise ReportError(other.path, f"no entry in common with {base.path} "
                                             "(entries are matched by name)")
        for message in pair_warnings(base, other, [r.name for r in pair.entries]):
            warn(message)
        pairs.append(pair)

    out = Out(args.markdown)
    write_legend(out, reports, tags, args.alpha)
    if twin_notes:
        out.para(*twin_notes)
    for pair in pairs:
        write_pair(out, pair)
    write_speedups(out, reports, tags)
    write_context(out, reports, tags)
    tripped = []
    if args.fail_above is not None:
        tripped = write_gate(out, pairs, args.fail_above)
        for pair in pairs:  # a gate that cannot trip should not pass silently
            blind = [r for r in pair.compared if r.stats.interval is None]
            if blind:
                need = cs.repetitions_needed(pair.interval_alpha)
                warn(f"--fail-above: {len(blind)} of {plural(pair.family_size, 'entry', 'entries')} of "
                     f"{pair.other.path} cannot trip the gate (too few repetitions for a bounded "
                     f"interval" + (f"; {need} per side would do)" if need else ")"))
    closed = [(pair, gate_closures(pair)) for pair in pairs] if args.fail_above is not None else []
    closed = [(pair, reasons) for pair, reasons in closed if reasons]
    write_failure = write_output(out.text())
    for pair, reasons in closed:
        shown = "; ".join(reasons[:3]) + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else "")
        print(f"{PROG}: gate failed closed: {pair.other.path}: {shown}", file=sys.stderr)
    if tripped:
        names = ", ".join(f"{r.name} ({p.other_tag})" for p, r in tripped[:5])
        more = f" and {len(tripped) - 5} more" if len(tripped) > 5 else ""
        count = plural(len(tripped), "entry", "entries")
        print(f"{PROG}: gate tripped: {count} slower than ×{args.fail_above:g} "
              f"beyond noise: {names}{more}", file=sys.stderr)
    if write_failure:
        print(f"{PROG}: cannot write the output: {write_failure}", file=sys.stderr)
    # The gate's verdict does not depend on stdout: a tripped gate is 1 even when the table
    # could not be written (both are failures to a CI; stderr says which).
    if tripped or closed:
        return 1
    return 2 if write_failure else 0


def _discard_stdout():
    """Point file descriptor 1 at /dev/null, so that the interpreter's last flush of what is
    still buffered neither fails again nor prints "Exception ignored …" at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def write_output(text: str) -> str:
    """Write the tables to stdout. Returns "" when written (or when the reader went away
    early, `compare.py … | head`: not an error of ours), else why the write failed (a full
    disk, `> /dev/full`)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
    except OSError as e:
        _discard_stdout()
        return e.strerror or str(e)
    return ""


def main(argv=None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except ReportError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
