"""The fork-cost scenario's figures, per way of starting a child: the parent's measured
resident memory (`parent_rss_bytes`), the median start of a batch (`ns_per_start_median`) and
the fastest start (`ns_per_start_min`): what its chart draws and its table prints."""

from __future__ import annotations

from concbench_plot.reports.report_data import entry_figure

WORKLOAD = "fork-cost"
START_ORDER = ("fork", "fork-exec", "posix_spawn")
MIB = 2**20


def series_name(e) -> str:
    start = str(e.params.get("start", "?"))
    program = e.params.get("program")
    return start if program in (None, "/bin/true") else f"{start} of {program}"


def fork_cost_series(report) -> dict:
    """{start: [(parent RSS in MiB, median ns per start, fastest ns per start or None)]},
    sorted by RSS, starts in a fixed order; failed entries and those without figures are
    left out."""
    series: dict = {}
    for e in report.entries:
        if e.workload != WORKLOAD or e.failed:
            continue
        rss = entry_figure(e, "parent_rss_bytes")
        median = entry_figure(e, "ns_per_start_median")
        if not rss or not median or rss <= 0 or median <= 0:
            continue
        series.setdefault(series_name(e), []).append((rss / MIB, median, entry_figure(e, "ns_per_start_min")))

    def rank(name):
        start = name.split(" ")[0]
        return (START_ORDER.index(start) if start in START_ORDER else len(START_ORDER), name)

    return {k: sorted(series[k]) for k in sorted(series, key=rank)}


def by_size(report) -> dict:
    """{parent_rss_mb asked: {start: (measured MiB, median ns, fastest ns or None)}}, sizes in
    order: what the ratio table is made of."""
    sizes: dict = {}
    for e in report.entries:
        if e.workload != WORKLOAD or e.failed or not isinstance(e.params.get("parent_rss_mb"), (int, float)):
            continue
        rss = entry_figure(e, "parent_rss_bytes")
        median = entry_figure(e, "ns_per_start_median")
        if rss and median:
            sizes.setdefault(e.params["parent_rss_mb"], {})[series_name(e)] = (
                rss / MIB, median, entry_figure(e, "ns_per_start_min"))
    return dict(sorted(sizes.items()))


def format_start_time(ns: float) -> str:
    """A time per start, in ms or µs: `0.58 ms`, `52 ms`, `71.8 µs`."""
    return f"{ns / 1e6:.3g} ms" if ns >= 1e6 else f"{ns / 1e3:.3g} µs"
