"""Which folder plot.py may write its charts into (--out DIR): a new one, an empty one, or a
concbench chart folder. Never `/`, a home folder or a source tree: plot.py replaces the files
it draws by name, so in a folder of other files it would scatter its own among them and
replace any that shares a chart's name.

A concbench chart folder holds the MARKER file plot.py writes into every folder it writes
(so a folder of charts with the reader's own notes beside them stays usable), or, without
it (charts drawn before the marker existed), nothing but files plot.py itself names.
"""

from __future__ import annotations

import os
import re

from concbench_plot.charts.summary_page import SUMMARY_FILES

MARKER = ".concbench-charts"
MARKER_TEXT = ("This folder holds charts drawn by concbench's plot/plot.py, which may replace its own\n"
               "files here (*.png, *.svg, summary.md, summary.html) when run again with --out on it.\n")

# The base names plot.py draws (chart_plan.py's report_charts, machine_charts, cpython_charts):
# optionally a machine prefix ending in `_`, `cpython-` before the machines charts of
# CPython reports, the chart kind, then its group's slug.
_KINDS = ("tutorial", "throughput", "scaling", "distribution", "timeline", "sweep", "messaging", "overhead",
          "fork-cost", "machines-tutorial", "machines-scaling", "machines-overhead", "cpython-vs-cpp")
_CHART = re.compile(r"(?:[A-Za-z0-9.-]+_)?(?:cpython-)?(?:" + "|".join(map(re.escape, _KINDS)) +
                    r")(?:-[A-Za-z0-9._-]+)?\.(?:png|svg)")


class NotAChartFolder(Exception):
    """Why DIR is refused: one line, naming it."""


def is_plot_file(name: str) -> bool:
    """A name plot.py writes: a chart, the summary, or the marker."""
    return name in SUMMARY_FILES or name == MARKER or _CHART.fullmatch(name) is not None


def check_out_folder(out_dir: str) -> None:
    """Raise NotAChartFolder unless plot.py may write into out_dir (which need not exist)."""
    if os.path.realpath(out_dir) == os.path.realpath(os.sep):
        raise NotAChartFolder(f"--out {out_dir}: is the root folder: name a new folder for the charts, "
                              "e.g. --out charts/")
    if not os.path.isdir(out_dir):
        return  # new (created by plot.py), or not a folder (plot.py says so)
    try:
        names = sorted(os.listdir(out_dir))
    except OSError as e:
        raise NotAChartFolder(f"--out {out_dir}: cannot list it: {e.strerror or e}") from None
    if not names or os.path.isfile(os.path.join(out_dir, MARKER)):
        return
    foreign = [n for n in names if not is_plot_file(n) or not os.path.isfile(os.path.join(out_dir, n))]
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise NotAChartFolder(f"--out {out_dir}: an existing folder that is not a concbench chart folder "
                              f"(it holds {shown}, and no {MARKER}): name a new or empty folder")
