"""The messaging scenario as one Markdown table per message size: a row per transport and
model, the CPU placements side by side."""

from __future__ import annotations

from concbench_plot.reports.formatting import format_time
from concbench_plot.reports.model_names import model_rank
from concbench_plot.reports.report_data import entry_figure

PINNING_HEADS = (("none", "unpinned"), ("same-cpu", "one CPU"), ("cross-cpu", "two CPUs"))


def messaging_tables(report) -> str:
    """The messaging scenario as one table per message size: a row per transport and model,
    round-trip p50 (p99) and streamed messages/s per CPU placement side by side — the view
    BENCHMARKS.md "Process messaging" shows. Empty when the report has no messaging entry."""
    entries = [e for e in report.entries if e.workload == "messaging"]
    out = []
    for size in sorted({e.params.get("message_bytes") for e in entries}):
        found = {(e.params.get("transport"), e.model, e.params.get("mode"), e.params.get("pinning")): e
                 for e in entries if e.params.get("message_bytes") == size}
        order = ["pipe", "socket", "shared-memory"]  # then any other (CPython's queue), by name
        rows = sorted({(t, m) for t, m, _, _ in found},
                      key=lambda tm: (order.index(tm[0]) if tm[0] in order else len(order), tm[0],
                                      model_rank(tm[1])))
        out.append(f"**messaging: {size:,}-byte messages — round trip p50 (p99); streamed messages/s**")
        out.append("")
        out.append("| transport | model |" + "".join(f" round trip, {h} |" for _, h in PINNING_HEADS)
                   + "".join(f" stream, {h} |" for _, h in PINNING_HEADS))
        out.append("| --- | --- |" + " ---: |" * (2 * len(PINNING_HEADS)))
        for transport, model in rows:
            cells = []
            for mode in ("round_trip", "stream"):
                for pinning, _ in PINNING_HEADS:
                    e = found.get((transport, model, mode, pinning))
                    if e is None:
                        cells.append("–")
                    elif e.failed:
                        cells.append("failed")
                    elif mode == "round_trip":
                        p50, p99 = entry_figure(e, "round_trip_p50_ns"), entry_figure(e, "round_trip_p99_ns")
                        cells.append(f"{format_time(p50 * 1e-9)} ({format_time(p99 * 1e-9)})"
                                     if p50 is not None and p99 is not None else "–")
                    else:
                        rate = entry_figure(e, "messages_per_second")
                        cells.append(f"{rate:,.0f}" if rate is not None else "–")
            out.append(f"| {transport} | {model} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)
