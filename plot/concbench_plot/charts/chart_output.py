"""Writing the charts into DIR all or nothing: everything is drawn into a staging folder beside
DIR first, then moved in; a file it replaces is kept aside until the last is in, and put back
on a failure, so a failure leaves DIR exactly as it was."""

from __future__ import annotations

import os
import tempfile

from concbench_plot.charts import chart_folder, summary_page
from concbench_plot.charts.chart_style import pyplot


class WriteError(Exception):
    """Writing the output failed: `target` is the file in DIR it was for, `cause` why."""

    def __init__(self, target: str, cause: str):
        self.target = target
        self.cause = cause
        super().__init__(f"cannot write {target}: {cause}")


def os_error_cause(e: OSError) -> str:
    return e.strerror or str(e)


def output_names(charts: list) -> list:
    """Every file plot.py writes into DIR, in the order it writes them."""
    return ([f"{c.base}.{ext}" for c in charts for ext in ("png", "svg")] + list(summary_page.SUMMARY_FILES)
            + [chart_folder.MARKER])


def write_marker(staging: str) -> str:
    """The file that makes DIR a concbench chart folder (chart_folder.py), so a later run
    may write into it again."""
    with open(os.path.join(staging, chart_folder.MARKER), "w", encoding="utf-8") as f:
        f.write(chart_folder.MARKER_TEXT)
    return chart_folder.MARKER


def check_targets(out_dir: str, names: list) -> None:
    """Fail before drawing (which takes a while) when a file cannot replace what is in DIR."""
    for name in names:
        target = os.path.join(out_dir, name)
        if os.path.isdir(target) and not os.path.islink(target):
            raise WriteError(target, "Is a directory")


def draw_all(charts: list, staging: str, out_dir: str | None = None) -> list:
    """Every chart, PNG and SVG, into `staging`; returns the names written. A failure names
    the file in `out_dir` (default: `staging`) it was for."""
    out_dir = staging if out_dir is None else out_dir
    plt = pyplot()
    staged = []
    for chart in charts:
        fig = chart.draw()
        try:
            for ext in ("png", "svg"):
                name = f"{chart.base}.{ext}"
                try:
                    fig.savefig(os.path.join(staging, name), dpi=110 if ext == "png" else None,
                                bbox_inches="tight", metadata={"Date": None} if ext == "svg" else None)
                except OSError as e:
                    raise WriteError(os.path.join(out_dir, name), os_error_cause(e)) from None
                staged.append(name)
        finally:
            plt.close(fig)
    return staged


def make_staging(out_dir: str) -> tuple:
    """(staging directory, directories created for it). The staging directory sits beside
    DIR (on DIR's file system, so moving files in is a rename), or inside DIR when DIR is
    a mount point of its own. Missing parents of DIR are created (and listed, to be removed
    again on failure)."""
    parent = os.path.dirname(os.path.abspath(out_dir))
    created = []
    missing = parent
    while not os.path.isdir(missing):
        created.append(missing)
        missing = os.path.dirname(missing)
    os.makedirs(parent, exist_ok=True)
    where = parent
    if os.path.isdir(out_dir) and os.stat(out_dir).st_dev != os.stat(parent).st_dev:
        where = out_dir
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(os.path.abspath(out_dir))}.plot-", dir=where)
    return staging, created


def install(staging: str, out_dir: str, names: list) -> list:
    """Moves the staged files into DIR; all or nothing. A new DIR is the staging folder
    renamed. Into an existing DIR each file replaces its namesake, which is kept aside until
    every file is in: on a failure the new files go and the old ones come back, so DIR is
    as it was. Returns the paths written."""
    final = [os.path.join(out_dir, n) for n in names]
    if not os.path.exists(out_dir):
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)  # as os.makedirs would have made it, not mkdtemp's 0700
        try:
            os.rename(staging, out_dir)
        except OSError as e:
            raise WriteError(out_dir, os_error_cause(e)) from None
        return final
    aside = tempfile.mkdtemp(prefix=".previous-", dir=staging)
    kept, moved = [], []  # (name) set aside; (name) moved in
    try:
        for name, target in zip(names, final):
            try:
                if os.path.lexists(target):
                    if os.path.isdir(target) and not os.path.islink(target):
                        raise IsADirectoryError(21, "Is a directory")
                    os.replace(target, os.path.join(aside, name))
                    kept.append(name)
                os.replace(os.path.join(staging, name), target)
                moved.append(name)
            except OSError as e:
                raise WriteError(target, os_error_cause(e)) from None
    except WriteError:
        for name in reversed(moved):
            try:
                os.unlink(os.path.join(out_dir, name))
            except OSError:
                pass
        for name in reversed(kept):
            try:
                os.replace(os.path.join(aside, name), os.path.join(out_dir, name))
            except OSError:
                pass
        raise
    return final
