"""plot.py's command line: every report read (bad input is answered before anything is
drawn), the charts planned (chart_plan.py), drawn into DIR (chart_output.py), and the paths
written printed.

    /usr/bin/python3 plot/plot.py REPORT.json [MORE.json ...] --out DIR

DIR must be new, empty, or a concbench chart folder (chart_folder.py: one holding the
`.concbench-charts` marker plot.py writes into every folder it writes, or only files plot.py
names): `/` or a folder of other files is refused, so no unrelated file is ever replaced.
Bad input, or output that cannot be written, gives one line on stderr starting `plot.py: `
and exit status 2, and DIR is left exactly as it was. summary.md and a self-contained
summary.html embed every chart with a one-line reading. Runs on /usr/bin/python3 (Debian's
matplotlib and numpy), headless.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from concbench_plot.charts import chart_folder, summary_page
from concbench_plot.charts.chart_output import (WriteError, check_targets, draw_all, install, make_staging,
                                                os_error_cause, output_names, write_marker)
from concbench_plot.charts.chart_plan import plan
from concbench_plot.reports.report_loading import ReportError, load_report

PROG = "plot.py"
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        fail(f"{message} (see {PROG} -h)")


def fail(message: str, status: int = EXIT_BAD_INPUT):
    print(f"{PROG}: " + " ".join(message.split()), file=sys.stderr)
    sys.exit(status)


def parse_args(argv):
    parser = _Parser(
        prog=PROG,
        description="Draw concbench's charts (tutorial, speedup and efficiency against W, "
                    "repetitions, task timelines, time against task count, cost per task, messaging, "
                    "fork cost against the parent's memory, and across machines) "
                    "from one or more reports, as PNG and SVG, plus summary.md and summary.html.",
        epilog="Exit status: 0 on success; 2 on bad input or when DIR cannot be written (one line on "
               "stderr; DIR is then left as it was).",
    )
    parser.add_argument("reports", nargs="+", metavar="REPORT.json",
                        help="concbench report(s); several: machines-* charts compare them, and "
                             "each report's own charts get its machine as a file-name prefix")
    parser.add_argument("--out", "-o", required=True, metavar="DIR",
                        help="directory for the charts and summary: new (created), empty, or one plot.py "
                             "wrote before (it holds .concbench-charts); never / or a folder of other files")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    out_dir = args.out
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        fail(f"--out {out_dir}: exists and is not a directory")
    try:
        chart_folder.check_out_folder(out_dir)
    except chart_folder.NotAChartFolder as e:
        fail(f"{e} (nothing written)")

    reports = []
    for path in args.reports:  # every input is validated before anything is written
        try:
            reports.append(load_report(path))
        except ReportError as e:
            fail(str(e))
    for r in reports:
        if not r.complete:
            print(f"{PROG}: warning: {r.path}: incomplete run (\"complete\": false): drawing the "
                  f"{len(r.entries)} entries written so far", file=sys.stderr)

    charts, notes, warnings = plan(reports)
    unchanged = f"nothing written, {out_dir} left as it was"
    try:
        check_targets(out_dir, output_names(charts))
    except WriteError as e:
        fail(f"{e} ({unchanged})")
    try:
        staging, created = make_staging(out_dir)
    except OSError as e:
        fail(f"--out {out_dir}: cannot create: {os_error_cause(e)}")

    # An older schema is drawn without intervals: one line each says so.
    for w in [f"{r.path}: {r.lacks}" for r in reports if r.lacks] + warnings:
        print(f"{PROG}: note: {w}", file=sys.stderr)
    written = []
    try:
        staged = draw_all(charts, staging, out_dir)
        try:
            staged += summary_page.write_summary(staging, reports, charts, notes)
            staged.append(write_marker(staging))
        except OSError as e:
            name = os.path.basename(e.filename) if isinstance(e.filename, str) else "summary"
            raise WriteError(os.path.join(out_dir, name), os_error_cause(e)) from None
        written = install(staging, out_dir, staged)
    except WriteError as e:
        fail(f"{e} ({unchanged})")
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already when it became DIR
        if not written:
            for folder in created:  # the parents made for it, innermost first
                try:
                    os.rmdir(folder)
                except OSError:
                    break
    for path in written:
        if os.path.basename(path) != chart_folder.MARKER:  # the charts and summary, not the bookkeeping
            print(path)
    return 0
