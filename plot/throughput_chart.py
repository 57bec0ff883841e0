"""Requests per second against concurrency, one line per model: the http chart that shows
where threads and coroutines part ways (issue 4). Concurrency is what the model lets run at
once: W for pools and thread-per-task, K for coroutines (a blocking call keeps it at one)."""


# Workloads whose tasks are requests: the chart says "requests/s" for them.
REQUEST_WORKLOADS = {"http"}


def concurrency(entry) -> int:
    if entry.model == "coroutines":
        if entry.task_form == "blocking":
            return entry.loop_threads or 1
        return entry.inflight or entry.tasks or 1
    return entry.workers


def series_key(entry) -> str:
    """Entries on one line: a model with one way of running (pool, form)."""
    if entry.model == "coroutines":
        return f"coroutines ({entry.task_form})"
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
        if e.failed or not e.median_s or not e.tasks:
            continue
        ideal = e.tasks / e.ideal_s if e.ideal_s else None
        series.setdefault(series_key(e), []).append((concurrency(e), e.tasks / e.median_s, ideal))
    return {k: sorted(v) for k, v in series.items()}


def wants_throughput_chart(group) -> bool:
    if group.workload not in REQUEST_WORKLOADS:
        return False
    points = {c for pts in throughput_series(group).values() for c, _, _ in pts}
    return len(points) >= 2


def draw_throughput_chart(plt, report, group, title: str, colour_of):
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for name, points in throughput_series(group).items():
        model = name.split(" ")[0]
        xs = [c for c, _, _ in points]
        ys = [r for _, r, _ in points]
        style = "--" if "warm" in name or "blocking" in name else "-"
        ax.plot(xs, ys, style, marker="o", color=colour_of(model), label=name)
    ideal = sorted({(c, i) for pts in throughput_series(group).values() for c, _, i in pts if i})
    if ideal:
        ax.plot([c for c, _ in ideal], [i for _, i in ideal], ":", color="#111111", marker="x",
                label="ideal (zero-overhead)")
    from matplotlib.ticker import ScalarFormatter

    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(ScalarFormatter())  # 1, 2, 4 ... rather than 2^n
    ax.set_yscale("log")
    unit = "requests/s" if group.workload in REQUEST_WORKLOADS else "tasks/s"
    ax.set_xlabel("concurrency: W (threads, processes) or K (coroutines in flight)")
    ax.set_ylabel(f"{unit} (median of repetitions; higher is better)")
    ax.set_title(title, loc="left")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    return fig
