"""Requests per second against concurrency, one line per model: the http chart that shows
where threads and coroutines part ways. Concurrency is what the model lets run at once: W for
pools and thread-per-task, K for coroutines (a blocking call keeps it at one)."""

from __future__ import annotations

import textwrap

from concbench_plot.charts.chart_style import estimate_words, interval_bars, model_colour, pyplot, workers_tick_labels
from concbench_plot.reports.standings import TIED, names, standing


# Workloads whose tasks are requests: the chart says "requests/s" for them.
REQUEST_WORKLOADS = {"http"}


def concurrency(entry) -> int:
    if entry.model == "coroutines":
        if entry.task_form == "blocking":
            return entry.loop_threads or 1
        return entry.inflight or entry.tasks or 1
    return entry.workers


def series_key(entry) -> str:
    """Entries on one line: a model with one way of running (pool, form, loop threads)."""
    if entry.model == "coroutines":
        threads = f", {entry.loop_threads} loop threads" if entry.loop_threads and entry.loop_threads > 1 else ""
        return f"coroutines ({entry.task_form}{threads})"
    if entry.pool in ("cold", "warm"):
        return f"{entry.model} ({entry.pool} pool)"
    if entry.pool == "per-task":
        return f"{entry.model} (process per task)"
    return entry.model


def throughput_series(group) -> dict:
    """{series: [(concurrency, tasks/s, ideal tasks/s or None)]}, sorted by concurrency;
    failed entries and entries without a median are left out."""
    series: dict = {}
    for e in group.entries:
        if e.failed or not e.time_s or not e.tasks:
            continue
        ideal = e.tasks / e.ideal_s if e.ideal_s else None
        series.setdefault(series_key(e), []).append((concurrency(e), e.tasks / e.time_s, ideal))
    return {k: sorted(v) for k, v in series.items()}


def rate_interval(e) -> tuple | None:
    """The interval of tasks/s: the time interval turned over."""
    if e.interval is None or not e.tasks or e.interval[0] <= 0:
        return None
    return e.tasks / e.interval[1], e.tasks / e.interval[0]


def throughput_reading(group) -> str:
    unit = "requests/s" if group.workload in REQUEST_WORKLOADS else "tasks/s"
    entries = [e for e in group.entries if not e.failed and e.time_s and e.tasks]
    top = standing(entries, lambda e: e.tasks / e.time_s, rate_interval, higher_is_better=True,
                   error=lambda e: e.measurement_error)
    if not top.leaders:
        return "no throughput to rank"
    if top.tied:
        return (f"highest throughput: {names([f'{series_key(e)} at concurrency {concurrency(e)}' for e in top.leaders])} "
                f"{TIED}: " + ", ".join(f"{e.tasks / e.time_s:,.0f} {unit}" for e in top.leaders))
    e = top.best
    return f"highest throughput {e.tasks / e.time_s:,.0f} {unit}: {series_key(e)} at concurrency {concurrency(e)}"


def wants_throughput_chart(group) -> bool:
    if group.workload not in REQUEST_WORKLOADS:
        return False
    points = {c for pts in throughput_series(group).values() for c, _, _ in pts}
    return len(points) >= 2


HIDDEN_WITHIN = 0.03  # a lone point this close to one already drawn cannot be seen


def _hidden_points(series: dict) -> dict:
    """{series: (concurrency, rate, behind)} for one-point series whose point lies within
    3 % of a point drawn before it (lines first): left out of the legend, named in a note."""
    drawn = [(c, r, name) for name, pts in series.items() if len(pts) > 1 for c, r, _ in pts]
    hidden = {}
    for name, pts in series.items():
        if len(pts) != 1:
            continue
        c, r, _ = pts[0]
        behind = next((other for oc, orate, other in drawn
                       if oc == c and abs(orate / r - 1) <= HIDDEN_WITHIN), None)
        if behind is not None:
            hidden[name] = (c, r, behind)
        else:
            drawn.append((c, r, name))
    return hidden


def draw_throughput_chart(group, title: str):
    plt = pyplot()
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    series = throughput_series(group)
    # Lines first, lone points after, so a lone point is drawn over a line it sits on.
    order = sorted(series, key=lambda n: len(series[n]) == 1)
    hidden = _hidden_points({n: series[n] for n in order})
    order.sort(key=lambda n: (len(series[n]) == 1, n not in hidden))  # a hidden point under what hides it
    fig, ax = plt.subplots(figsize=(10.5, 5.5))
    handles = {}
    for name in order:
        points = series[name]
        model = name.split(" ")[0]
        xs = [c for c, _, _ in points]
        ys = [r for _, r, _ in points]
        style = "--" if "warm" in name or "blocking" in name else "-"
        marker = "s" if "per task" in name or model == "thread-per-task" else "D" if "loop threads" in name else "o"
        handles[name], = ax.plot(xs, ys, linestyle=style if len(points) > 1 else "none", marker=marker,
                                 color=model_colour(model), label=name)
        interval_bars(ax, [(concurrency(e), e.tasks / e.time_s, rate_interval(e)) for e in group.entries
                           if not e.failed and e.time_s and e.tasks and series_key(e) == name],
                      horizontal=False, colour=model_colour(model), elinewidth=1.1, capsize=3)
    legend = [handles[n] for n in series if n not in hidden]  # in the models' order
    ideal = sorted({(c, i) for pts in series.values() for c, _, i in pts if i})
    if ideal:
        legend += ax.plot([c for c, _ in ideal], [i for _, i in ideal], ":", color="#111111", marker="x",
                          label="ideal (zero-overhead)")
    ax.set_xscale("log", base=2)
    concurrencies = sorted({c for pts in series.values() for c, _, _ in pts})
    named = workers_tick_labels(e for e in group.entries if e.model != "coroutines")
    ax.xaxis.set_major_locator(FixedLocator(concurrencies))  # whole numbers: the values measured
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: named.get(int(round(v)), f"{v:,.0f}")))
    ax.set_yscale("log")
    unit = "requests/s" if group.workload in REQUEST_WORKLOADS else "tasks/s"
    ax.set_xlabel("concurrency: W (threads, processes) or K (coroutines in flight)")
    ax.set_ylabel(f"{unit} ({estimate_words(group.entries)}; higher is better)")
    ax.set_title(title, loc="left")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(handles=legend, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if hidden:
        text = "Hidden behind another point (within 3 %), not in the legend: " + "; ".join(
            f"{name} at {c}: {r:,.0f}/s" for name, (c, r, _) in hidden.items())
        ax.annotate("\n".join(textwrap.wrap(text, 150)), xy=(0, 0), xycoords="axes fraction", xytext=(0, -42), textcoords="offset points",
                    fontsize=7.5, color="#555555", va="top")
    fig.tight_layout()
    return fig
