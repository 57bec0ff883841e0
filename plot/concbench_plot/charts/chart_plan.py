"""What plot.py draws from a set of reports, in the summary's order: the charts (each with its
file name, its question, its one-line reading and how to draw it), the notes on what was not
drawn and why, and the warnings for stderr.

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
report, cpython-vs-cpp-* draws each C++ model beside its CPython twin, for the groups both
ran (cpython_chart.py; the C++ report of the CPython report's own machine when there is one).
"""

from __future__ import annotations

import functools
import json
import os

from concbench_plot.charts import cpython_chart
from concbench_plot.charts import distribution_chart as dist
from concbench_plot.charts import fork_cost_chart as fork_cost
from concbench_plot.charts import machines_chart as machines
from concbench_plot.charts import messaging_chart as messaging
from concbench_plot.charts import overhead_chart as overhead
from concbench_plot.charts import scaling_chart as scaling
from concbench_plot.charts import sweep_chart as sweep
from concbench_plot.charts import timeline_chart as timeline
from concbench_plot.charts.chart_style import Chart, group_head, machine_and_report, title_with_machine
from concbench_plot.charts.throughput_chart import draw_throughput_chart, throughput_reading, wants_throughput_chart
from concbench_plot.charts.tutorial_chart import draw_tutorial_chart, tutorial_reading
from concbench_plot.reports.fork_cost_figures import WORKLOAD as FORK_COST
from concbench_plot.reports.model_names import is_cpython_report
from concbench_plot.reports.naming import machine_slug, slugify
from concbench_plot.reports.timeline_data import load_timelines

ACROSS = "Across machines"
LANGUAGES = "C++ against CPython"


def plan(reports: list) -> tuple:
    """(charts, notes for the summary, warnings for stderr), in the summary's order."""
    charts = cpython_charts(reports)
    for kind in (False, True):  # machines compared within a language, never C++ with CPython
        same = [r for r in reports if is_cpython_report(r) == kind]
        if len(same) > 1:
            more = machine_charts(same) + machine_overhead_chart(same)
            if kind and any(not is_cpython_report(r) for r in reports):
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


def report_charts(report, prefix: str, section: str, reports: list | None = None) -> tuple:
    """(charts, notes, warnings) for one report (`reports`: all of them, so the timelines
    show the same group on every machine)."""
    charts, notes, warnings = [], [], []
    if report.lacks:  # an older schema: read, drawn without intervals (plot_command says so too)
        notes.append(f"{section}: {report.lacks}")
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
        if g.workload not in (FORK_COST, messaging.WORKLOAD):
            charts.append(Chart(f"{prefix}tutorial-{g.slug}", "tutorial", f"Which model wins? {head}",
                                tutorial_reading(g), functools.partial(draw_tutorial_chart, report, g), section))
        if wants_throughput_chart(g):
            charts.append(Chart(f"{prefix}throughput-{g.slug}", "throughput",
                                f"Requests per second against concurrency — {head}",
                                throughput_reading(g),
                                functools.partial(draw_throughput_chart, g, title_with_machine(report, head)), section))
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


def _sweep_params_text(params_key: str) -> str:
    items = json.loads(params_key)
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(items.items()))


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


def report_prefixes(reports: list) -> list:
    """A file-name prefix per report: none for one report, else its machine (`-cpython` for
    a CPython report; plus the file name where one machine appears twice)."""
    if len(reports) == 1:
        return [""]
    machines_ = [machine_slug(r.context, r.path) + ("-cpython" if is_cpython_report(r) else "")
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
