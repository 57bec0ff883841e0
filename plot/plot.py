#!/usr/bin/python3
"""Draw concbench's charts and a one-page summary from one or more reports.

    /usr/bin/python3 plot/plot.py REPORT.json [MORE.json ...] --out DIR

The program is concbench_plot.charts.plot_command, which says what is drawn and which
folders DIR may be.
"""

import sys

from concbench_plot.charts.plot_command import main

if __name__ == "__main__":
    sys.exit(main())
