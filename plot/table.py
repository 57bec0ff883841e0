#!/usr/bin/python3
"""A report as Markdown tables, the ones BENCHMARKS.md is made of.

    /usr/bin/python3 plot/table.py REPORT.json

The program is concbench_plot.tables.table_command.
"""

import sys

from concbench_plot.tables.table_command import main

if __name__ == "__main__":
    sys.exit(main())
