"""Draw concbench's charts and a one-page summary from one or more reports.

    plot/plot.py results/report.json [more.json ...] --out charts/

Per report, each chart answering one question (PNG and SVG each):
- tutorial-*: per (workload, params) group, one bar per entry — which model wins, by how
  much, how far from its ideal (tutorial_chart.py); throughput-* for http groups;
- scaling-*: speedup and efficiency against W where a model was run at several W;
- distribution-*: box plots of each entry's repetitions;
- timeline-*: who ran which task when, per model, from the sibling timeline file;
- sweep-*: time (and memory, when reported) against task count, where N was swept;
- messaging-<bytes>: round-trip latency and streamed throughput of the messaging scenario per
  transport, model and CPU placement (in place of its groups' two-bar tutorial charts);
- overhead: what each model costs per task (the `empty` workload's dispatch cost against
  sequential's floor and threads' peer threads-asio), where the report has empty entries.
- fork-cost: time to start a child against the parent's resident memory, per way of
  starting (the fork-cost scenario; it replaces that scenario's one-bar tutorial charts).
Given several reports, machines-* charts put the machines side by side (C++ reports with
C++ reports, CPython reports with CPython reports), and every per-report chart gets its
machine as a file-name prefix. Given a CPython report (concbench_python.py's) and a C++
report, cpython-vs-cpp-* draws each C++ model beside its CPython twin, for the groups both ran
(cpython_chart.py; the C++ report of the CPython report's own machine when there is one). summary.md and a self-contained
summary.html embed every chart with a one-line reading. The paths written are printed.

DIR must be new, empty, or a concbench chart folder (chart_folder.py: one holding the
`.concbench-charts` marker plot.py writes into every folder it writes, or only files plot.py
names): `/` or a folder of other files is refused, so no unrelated file is ever replaced.
Bad input, or output that cannot be written, gives one line on stderr starting `plot.py: `
and exit status 2, and DIR is left exactly as it was: everything is drawn into a staging
folder beside DIR first, then moved in (a file it replaces is kept aside until the last is
in, and put back on a failure). Runs on /usr/bin/python3 (Debian's matplotlib and numpy), headless.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import sys
import tempfile

from concbench_plot.charts import chart_folder, cpython_chart, summary_page
from concbench_plot.charts import distribution_chart as dist
from concbench_plot.charts import fork_cost_chart as fork_cost
from concbench_plot.charts import machines_chart as machines
from concbench_plot.charts import messaging_chart as messaging
from concbench_plot.charts import overhead_chart as overhead
from concbench_plot.charts import scaling_chart as scaling
from concbench_plot.charts import sweep_chart as sweep
from concbench_plot.charts import timeline_chart as timeline
from concbench_plot.charts.chart_style import Chart, group_head, machine_and_report, model_colour, pyplot, title_with_machine
from concbench_plot.charts.throughput_chart import draw_throughput_chart, wants_throughput_chart
from concbench_plot.charts.tutorial_chart import chart_title, draw_tutorial_chart, tutorial_reading
from concbench_plot.reports.naming import machine_slug, slugify
from concbench_plot.reports.report_loading import ReportError, load_report
from concbench_plot.reports.timeline_data import load_timelines

PROG = "plot.py"
EXIT_BAD_INPUT = 2
ACROSS = "Across machines"
LANGUAGES = "C++ against CPython"



# ---------------------------------------------------------------------------------------
# What to draw


def report_prefixes(reports: list) -> list:
    """A file-name prefix per report: none for one report, else its machine (`-cpython` for
    a CPython report; plus the file name where one machine appears twice)."""
    if len(reports) == 1:
        return [""]
    machines_ = [machine_slug(r.context, r.path) + ("-cpython" if cpython_chart.is_cpython_report(r) else "")
                 for r in reports]
    prefixes = list(machines_)
    for i, p in enumerate(machines_):
        if machines_.count(p) > 1:
            stem = slugify(os.path.splitext(os.path.basename(reports[i].path))[0])
            prefixes[i] = f"{p}-{stem}"
    for i, p in enumerate(list(prefixes)):
        if prefixes[:i].count(p):
            prefixes[i] = f"{p}-{i + 1}"
    return [p + "_" for p in prefixes]


def _sweep_params_text(params_key: str) -> str:
    items = json.loads(params_key)
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(items.items()))


def report_charts(report, prefix: str, section: str, reports: list | None = None) -> tuple:
    """(charts, notes, warnings) for one report (`reports`: all of them, so the timelines
    show the same group on every machine)."""
    charts, notes, warnings = [], [], []
    timelines, missing = load_timelines(report)
    if missing:
        notes.append(f"{section}: {missing}")
        warnings.append(f"{report.path}: {missing}")
    headline = {id(g) for g in timeline.headline_groups(report, reports)}
    for g in report.groups:
        head = group_head(g)
        # A fork-cost group is one start kind at one size, a single bar: its own chart below
        # draws them all against the parent's size. A messaging group is one transport, mode and
        # placement (two bars): the messaging chart puts them all side by side.
        if g.workload not in (fork_cost.WORKLOAD, messaging.WORKLOAD):
            charts.append(Chart(f"{prefix}tutorial-{g.slug}", "tutorial", f"Which model wins? {head}",
                                tutorial_reading(g), functools.partial(draw_tutorial_chart, report, g), section))
        if wants_throughput_chart(g):
            charts.append(Chart(f"{prefix}throughput-{g.slug}", "throughput",
                                f"Requests per second against concurrency — {head}",
                                _throughput_reading(g),
                                lambda g=g: draw_throughput_chart(pyplot(), report, g, chart_title(report, g),
                                                                       model_colour), section))
        if scaling.wants_scaling_chart(g):
            title = title_with_machine(report, f"Speedup and efficiency against W — {head}")
            charts.append(Chart(f"{prefix}scaling-{g.slug}", "scaling", f"Does adding workers help? {head}",
                                scaling.scaling_reading(report, g),
                                functools.partial(scaling.draw_scaling_chart, report, g, title), section))
        if dist.wants_distribution_chart(g):
            title = title_with_machine(report, f"Repetitions — {head}")
            charts.append(Chart(f"{prefix}distribution-{g.slug}", "distribution",
                                f"How much do repetitions vary? {head}", dist.distribution_reading(g),
                                functools.partial(dist.draw_distribution_chart, g, title), section))
        else:
            notes.append(f"{section}: {head}: one repetition per entry, no distribution chart")
        if id(g) in headline and not missing:
            picked = timeline.pick_entries(report, g, timelines)
            if picked:
                title = title_with_machine(report, f"Task timelines — {head}: who ran which task, when")
                charts.append(Chart(f"{prefix}timeline-{g.slug}", "timeline", f"Who ran what, when? {head}",
                                    timeline.timeline_reading(picked),
                                    functools.partial(timeline.draw_timeline_chart, title, picked), section))
            else:
                notes.append(f"{section}: {head}: no timeline recorded for its entries, no timeline chart")
    if not any(c.kind == "scaling" for c in charts):
        notes.append(f"{section}: no model was measured at two or more W: no speedup-against-W chart")
    sweeps = sweep.find_sweeps(report)
    for workload, params_key, series in sweeps:
        memory = sweep.has_memory(series)
        what = "Time and memory" if memory else "Time"
        params_text = _sweep_params_text(params_key)
        head = f"{workload}{': ' + params_text if params_text else ''}"
        title = title_with_machine(report, f"{what} against task count — {head}")
        base = f"{prefix}sweep-{slugify(workload)}" + (f"-{slugify(params_text)}" if params_text else "")
        charts.append(Chart(base, "sweep", f"How does it grow with the task count? {head}",
                            sweep.sweep_reading(series), functools.partial(sweep.draw_sweep_chart, series, title),
                            section))
        if not memory:
            notes.append(f"{section}: {head}: no memory fields (peak_rss_bytes, bytes_per_task): "
                         "memory against task count not drawn")
    if not sweeps:
        notes.append(f"{section}: no workload was run at two or more task counts: no time-against-N chart")
    if overhead.wants_overhead_chart(report):
        charts.append(Chart(f"{prefix}overhead", "overhead", overhead.QUESTION, overhead.overhead_reading(report),
                            functools.partial(overhead.draw_overhead_chart, report, overhead.chart_title(report)),
                            section))
    else:
        notes.append(f"{section}: no successful `empty` entry with dispatch_ns_per_task: "
                     "no cost-per-task chart")
    for size in messaging.message_sizes(report):
        title = title_with_machine(report, f"{messaging.QUESTION} Two threads or two processes, "
                                           f"{size:,}-byte messages, by transport and CPU placement")
        charts.append(Chart(f"{prefix}messaging-{size}", "messaging", f"{messaging.QUESTION} {size:,}-byte messages",
                            messaging.messaging_reading(report, size),
                            functools.partial(messaging.draw_messaging_chart, report, size, title), section))
    if fork_cost.wants_fork_cost_chart(report):
        title = title_with_machine(report, "Time to start and reap a child against the parent's resident memory")
        charts.append(Chart(f"{prefix}fork-cost", "fork-cost", "What does starting a child cost as the parent grows?",
                            fork_cost.fork_cost_reading(report),
                            functools.partial(fork_cost.draw_fork_cost_chart, report, title), section))
    return charts, notes, warnings


def _throughput_reading(group) -> str:
    from concbench_plot.charts.throughput_chart import REQUEST_WORKLOADS, throughput_series

    unit = "requests/s" if group.workload in REQUEST_WORKLOADS else "tasks/s"
    best = max(((name, c, rate) for name, pts in throughput_series(group).items() for c, rate, _ in pts),
               key=lambda p: p[2])
    return f"highest throughput {best[2]:,.0f} {unit}: {best[0]} at concurrency {best[1]}"


def machine_charts(reports: list) -> list:
    charts = []
    for (workload, _), groups in machines.matched_groups(reports):
        g0 = next(g for g in groups if g is not None)
        head = group_head(g0)
        present = [r for r, g in zip(reports, groups) if g is not None]
        same = len({r.machine_label for r in present}) < len(present)
        labels = " vs ".join(machine_and_report(r) if same else r.machine_label for r in present)
        slug = g0.slug
        if sum(bool(machines.fastest_per_model(g)) for g in groups) < 2:
            continue  # fewer than two machines have a successful entry here
        title = f"Each model's fastest entry per machine — {head}\n{labels}"
        charts.append(Chart(f"machines-tutorial-{slug}", "machines-tutorial", f"Which machine runs each model fastest? {head}",
                            machines.machines_tutorial_reading(reports, groups),
                            functools.partial(machines.draw_machines_tutorial, reports, groups, title), ACROSS))
        if machines.shared_series(groups):
            title = f"Speedup against W, one line per machine — {head}\n{labels}"
            charts.append(Chart(f"machines-scaling-{slug}", "machines-scaling",
                                f"Does each machine scale the same way? {head}",
                                machines.machines_scaling_reading(reports, groups),
                                functools.partial(machines.draw_machines_scaling, reports, groups, title), ACROSS))
    return charts


def machine_overhead_chart(reports: list) -> list:
    if not overhead.wants_machines_overhead(reports):
        return []
    present = [r for r in reports if overhead.wants_overhead_chart(r)]
    same = len({r.machine_label for r in present}) < len(present)
    labels = " vs ".join(machine_and_report(r) if same else r.machine_label for r in present)
    title = f"{overhead.QUESTION} ns of dispatch per empty task, one dot per machine\n{labels}"
    return [Chart("machines-overhead", "machines-overhead", f"{overhead.QUESTION} Across machines",
                  overhead.machines_overhead_reading(present),
                  functools.partial(overhead.draw_machines_overhead, present, title), ACROSS)]


def cpython_charts(reports: list) -> list:
    """cpython-vs-cpp-<group>: C++ models beside their CPython twins, per (CPython report,
    C++ report) pair and group both ran. With more than one pair, the file name starts with
    both reports' prefixes."""
    pairs = cpython_chart.cpython_pairs(reports)
    prefix_of = dict(zip(map(id, reports), report_prefixes(reports)))
    charts = []
    for py, cpp in pairs:
        for cpp_group, py_group in cpython_chart.twin_groups(py, cpp):
            base = f"cpython-vs-cpp-{cpp_group.slug}"
            if len(pairs) > 1:
                base = f"{prefix_of[id(cpp)].rstrip('_')}-vs-{prefix_of[id(py)].rstrip('_')}_{base}"
            title = cpython_chart.chart_title(py, cpp, cpp_group)
            charts.append(Chart(base, "cpython-vs-cpp", f"{cpython_chart.QUESTION} {group_head(cpp_group)}",
                                cpython_chart.cpython_reading(cpp_group, py_group),
                                functools.partial(cpython_chart.draw_cpython_chart, py, cpp, cpp_group, py_group,
                                                  title), LANGUAGES))
    return charts


def plan(reports: list) -> tuple:
    """(charts, notes for the summary, warnings for stderr), in the summary's order."""
    charts = cpython_charts(reports)
    for kind in (False, True):  # machines compared within a language, never C++ with CPython
        same = [r for r in reports if cpython_chart.is_cpython_report(r) == kind]
        if len(same) > 1:
            more = machine_charts(same) + machine_overhead_chart(same)
            if kind and any(not cpython_chart.is_cpython_report(r) for r in reports):
                for c in more:
                    c.base = "cpython-" + c.base
            charts += more
    notes, warnings = [], []
    for r, prefix in zip(reports, report_prefixes(reports)):
        c, n, w = report_charts(r, prefix, machine_and_report(r), reports)
        charts += c
        notes += n
        warnings += w
    return charts, notes, warnings


# ---------------------------------------------------------------------------------------
# Command line


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


class WriteError(Exception):
    """Writing the output failed: `target` is the file in DIR it was for, `cause` why."""

    def __init__(self, target: str, cause: str):
        self.target = target
        self.cause = cause
        super().__init__(f"cannot write {target}: {cause}")


def _cause(e: OSError) -> str:
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
                    raise WriteError(os.path.join(out_dir, name), _cause(e)) from None
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
            raise WriteError(out_dir, _cause(e)) from None
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
                raise WriteError(target, _cause(e)) from None
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
        fail(f"--out {out_dir}: cannot create: {_cause(e)}")

    for w in warnings:
        print(f"{PROG}: note: {w}", file=sys.stderr)
    written = []
    try:
        staged = draw_all(charts, staging, out_dir)
        try:
            staged += summary_page.write_summary(staging, reports, charts, notes)
            staged.append(write_marker(staging))
        except OSError as e:
            name = os.path.basename(e.filename) if isinstance(e.filename, str) else "summary"
            raise WriteError(os.path.join(out_dir, name), _cause(e)) from None
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


if __name__ == "__main__":
    sys.exit(main())
