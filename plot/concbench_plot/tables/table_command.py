"""table.py's command line: the report's tables (report_tables.py), then its messaging tables
(messaging_table.py) when it has messaging entries.

    /usr/bin/python3 plot/table.py REPORT.json

Exit status 2, one line on stderr, for a report it cannot read.
"""

from __future__ import annotations

import argparse
import sys

from concbench_plot.reports.report_loading import ReportError, load_report
from concbench_plot.tables.messaging_table import messaging_tables
from concbench_plot.tables.report_tables import tables


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Print a concbench report as Markdown tables, the ones "
                                                 "BENCHMARKS.md is made of.")
    parser.add_argument("report")
    args = parser.parse_args(argv)
    try:
        report = load_report(args.report)
    except ReportError as error:
        print(f"table.py: {error}", file=sys.stderr)
        return 2
    print(tables(report))
    extra = messaging_tables(report)
    if extra:
        print(extra)
    return 0
