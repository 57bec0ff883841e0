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
import math
import os
import sys

from concbench_plot.comparison import comparison_statistics as cs
from concbench_plot.comparison.comparison_warnings import pair_warnings, report_warnings
from concbench_plot.comparison.gate import gate_closures
from concbench_plot.comparison.pair_comparison import compare_pair, match_cpython_twins
from concbench_plot.comparison.sections import (tags_for, write_context, write_gate, write_legend, write_pair,
                                                write_speedups)
from concbench_plot.comparison.text_output import Out, plural
from concbench_plot.reports.report_loading import ReportError, load_report

PROG = "compare.py"

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


def main(argv=None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except ReportError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2


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


def warn(message: str):
    print(f"{PROG}: warning: {message}", file=sys.stderr)


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


def _discard_stdout():
    """Point file descriptor 1 at /dev/null, so that the interpreter's last flush of what is
    still buffered neither fails again nor prints "Exception ignored …" at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
