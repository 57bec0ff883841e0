#!/usr/bin/python3
"""Redraw the README's example charts (reports/examples/charts/) from the committed example
reports.

    /usr/bin/python3 plot/example_charts.py [--out DIR]

Runs plot.py once over the example reports into a temporary folder, then copies the charts
the README shows under the names it links them by (CHARTS below), replacing DIR's PNGs: DIR
(default reports/examples/charts) then holds exactly those charts. Takes about a minute.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
EXAMPLES = os.path.join(REPO, "reports", "examples")
# The reports plot.py is given, in this order (the first C++ report names the prefixes' machine).
REPORTS = ["2-vcpu.quick.json", "1-cpu-taskset.quick.json", "python-cpu-scale1.json"]
# README name -> the chart plot.py draws from REPORTS.
CHARTS = {
    "cpython-vs-cpp-cpu.png": "cpython-vs-cpp-cpu-scale-1.png",
    "cpu-by-machine.png": "machines-tutorial-cpu-scale-1.png",
    "cpu-timelines-2-vcpu.png": "vm-p2_timeline-cpu-scale-1.png",
    "sleep-speedup-by-machine.png": "machines-scaling-sleep-n20-ms20-ts1.png",
}


def report_paths() -> list:
    return [os.path.join(EXAMPLES, name) for name in REPORTS]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="example_charts.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(EXAMPLES, "charts"), metavar="DIR",
                        help="where the README's charts go (default: reports/examples/charts)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="example-charts-") as tmp:
        drawn = os.path.join(tmp, "all")
        done = subprocess.run([sys.executable, os.path.join(HERE, "plot.py"), *report_paths(), "--out", drawn],
                              stdout=subprocess.DEVNULL)
        if done.returncode != 0:
            print(f"example_charts.py: plot.py failed (exit status {done.returncode})", file=sys.stderr)
            return done.returncode
        missing = [chart for chart in CHARTS.values() if not os.path.isfile(os.path.join(drawn, chart))]
        if missing:
            print(f"example_charts.py: plot.py did not draw {', '.join(missing)}", file=sys.stderr)
            return 2
        os.makedirs(args.out, exist_ok=True)
        for name in sorted(os.listdir(args.out)):
            if name.endswith(".png") and name not in CHARTS:
                os.unlink(os.path.join(args.out, name))
                print(f"removed {os.path.join(args.out, name)} (no longer in the README)")
        for readme_name, chart in CHARTS.items():
            target = os.path.join(args.out, readme_name)
            shutil.copyfile(os.path.join(drawn, chart), target)
            print(f"{target}  <-  {chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
