#!/usr/bin/python3
"""Compare concbench reports from different machines (or builds, or days).

    /usr/bin/python3 plot/compare.py BASE.json OTHER.json [MORE.json ...]
                                     [--markdown] [--fail-above RATIO] [--alpha 0.05]

The program is concbench_plot.comparison.compare_command, which says what is compared, how,
and what the exit status means.
"""

import sys

from concbench_plot.comparison.compare_command import main

if __name__ == "__main__":
    sys.exit(main())
