"""How fast do two parties talk, and what does the process boundary or the CPU placement
change? The `messaging` scenario's figures (the tutorials' Pipe vs Queue: docs/tutorials.md
section 5), one chart per message size.

Left panel: round-trip latency per transport (pipe, socket, shared-memory): one bar per
model and pinning (threads and processes-fork; unpinned, both on one CPU, on two CPUs) at
the median round trip (p50), a tick at p99; log scale. Right panel: streamed messages per
second, the same bars. The bars' colours are the models', their hatching the pinning, so a
reader sees at once that on a VM the wake-up of the other CPU, not the copy nor the process
boundary, is what a round trip costs (docs/pitfalls.md "The machine"; the figures are in
BENCHMARKS.md "Process messaging").

The CPython reference's report (benchmarks/python/, `--workloads=messaging`) draws the same
way: its models python-threads and python-processes-fork get their own (lighter) colours and
its `queue` transport (multiprocessing.Queue, or queue.Queue between threads) its own group.
Only the transports and models a report has entries for (failed ones included, so a failed
transport still shows as an empty group) take a place on the chart.
"""

from __future__ import annotations

from concbench_plot.charts.chart_style import model_colour, pyplot, tidy_axes
from concbench_plot.reports.formatting import format_time
from concbench_plot.reports.report_data import entry_figure as figure_of, is_number

WORKLOAD = "messaging"
TRANSPORTS = ("pipe", "socket", "shared-memory")
# The CPython reference's: the tutorials' multiprocessing.Queue (queue.Queue between threads).
EXTRA_TRANSPORTS = ("queue",)
PINNINGS = (("none", "unpinned", ""), ("same-cpu", "one CPU", "//"), ("cross-cpu", "two CPUs", ".."))
MODELS = ("threads", "processes-fork")
PYTHON_MODELS = ("python-threads", "python-processes-fork")
QUESTION = "How fast do two parties talk?"


def message_sizes(report) -> list:
    """The message sizes (bytes) that have at least one successful messaging entry."""
    return sorted({e.params.get("message_bytes") for e in report.entries
                   if e.workload == WORKLOAD and not e.failed and is_number(e.params.get("message_bytes"))})


def cells(report, message_bytes: int) -> dict:
    """{(mode, transport, model, pinning): entry} for one message size, successful entries only."""
    found = {}
    for e in report.entries:
        p = e.params
        if e.workload != WORKLOAD or e.failed or p.get("message_bytes") != message_bytes:
            continue
        found[(p.get("mode"), p.get("transport"), e.model, p.get("pinning"))] = e
    return found


def _in_order(present: set, known: tuple) -> list:
    """`known` first, in its order, then anything else present, sorted."""
    return [k for k in known if k in present] + sorted(p for p in present - set(known) if isinstance(p, str))


def layout(report, message_bytes: int) -> tuple:
    """(transports, models) that take a place on the chart of one message size: those with an
    entry of that size, successful or not, C++'s first, then the CPython reference's."""
    entries = [e for e in report.entries
               if e.workload == WORKLOAD and e.params.get("message_bytes") == message_bytes]
    transports = _in_order({e.params.get("transport") for e in entries}, TRANSPORTS + EXTRA_TRANSPORTS)
    models = _in_order({e.model for e in entries}, MODELS + PYTHON_MODELS)
    return transports, models


def _series(models) -> list:
    return [(model, pinning, label, hatch) for model in models for pinning, label, hatch in PINNINGS]


def messaging_reading(report, message_bytes: int) -> str:
    """`round trip p50: fastest shared-memory threads two CPUs 2.1 µs, slowest pipe processes-fork
    two CPUs 97 µs; streamed: up to 4,100,000 messages/s (shared-memory, threads, one CPU)`."""
    found = cells(report, message_bytes)
    trips = [(figure_of(e, "round_trip_p50_ns"), k) for k, e in found.items() if k[0] == "round_trip"]
    trips = [(v, k) for v, k in trips if v]
    streams = [(figure_of(e, "messages_per_second"), k) for k, e in found.items() if k[0] == "stream"]
    streams = [(v, k) for v, k in streams if v]
    label = dict((p, text) for p, text, _ in PINNINGS)
    parts = []
    if trips:
        lo, hi = min(trips), max(trips)
        parts.append(f"round trip p50 from {format_time(lo[0] * 1e-9)} ({lo[1][1]}, {lo[1][2]}, "
                     f"{label.get(lo[1][3], lo[1][3])}) to {format_time(hi[0] * 1e-9)} ({hi[1][1]}, {hi[1][2]}, "
                     f"{label.get(hi[1][3], hi[1][3])}), {hi[0] / lo[0]:.0f}× apart")
    if streams:
        best = max(streams)
        parts.append(f"streamed up to {best[0]:,.0f} messages/s ({best[1][1]}, {best[1][2]}, "
                     f"{label.get(best[1][3], best[1][3])})")
    return "; ".join(parts) if parts else "no successful messaging entry"


def _panel(ax, found: dict, mode: str, field: str, p99_field: str | None, transports: list, models: list):
    series = _series(models)
    width = 0.8 / len(series)
    values = []
    labelled = set()
    for s, (model, pinning, label, hatch) in enumerate(series):
        for t, transport in enumerate(transports):
            e = found.get((mode, transport, model, pinning))
            value = figure_of(e, field) if e is not None else None
            if not value:
                continue
            x = t - 0.4 + width * (s + 0.5)
            name = f"{model}, {label}"
            ax.bar(x, value, width * 0.92, color=model_colour(model), hatch=hatch, edgecolor="#333333",
                   linewidth=0.4, label=None if name in labelled else name)
            labelled.add(name)
            values.append(value)
            if p99_field:
                p99 = figure_of(e, p99_field)
                if p99:
                    ax.plot([x - width * 0.35, x + width * 0.35], [p99, p99], color="#222222", linewidth=1.2)
                    ax.plot([x, x], [value, p99], color="#222222", linewidth=0.6)
                    values.append(p99)
    ax.set_xticks(range(len(transports)))
    ax.set_xticklabels(transports)
    ax.set_yscale("log")
    from matplotlib.ticker import LogLocator, NullFormatter

    # Ticks at 1, 2 and 5 per decade: the CPython reference's figures often span less than one.
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.grid(axis="y", which="major", color="#dddddd", linewidth=0.7)
    tidy_axes(ax)
    return values


def draw_messaging_chart(report, message_bytes: int, title: str):
    plt = pyplot()
    from matplotlib.ticker import FuncFormatter

    found = cells(report, message_bytes)
    transports, models = layout(report, message_bytes)
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 5.6))
    _panel(left, found, "round_trip", "round_trip_p50_ns", "round_trip_p99_ns", transports, models)
    left.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_time(v * 1e-9)))
    left.set_ylabel("round trip (bar: p50, tick: p99; log scale; lower is better)", fontsize=9)
    left.set_title(f"Round-trip latency, {message_bytes:,}-byte messages", fontsize=10)
    _panel(right, found, "stream", "messages_per_second", None, transports, models)
    right.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    right.set_ylabel("messages per second, streamed (log scale; higher is better)", fontsize=9)
    right.set_title(f"Streamed throughput, {message_bytes:,}-byte messages", fontsize=10)
    handles, labels = [], []
    for ax in (left, right):
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    columns = len(labels) if len(labels) <= 6 else -(-len(labels) // 2)  # more than six: two rows
    fig.legend(handles, labels, loc="lower center", ncol=max(1, columns), fontsize=8, frameon=False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.06 if len(labels) <= 6 else 0.1, 1, 0.93))
    return fig
