"""How fast do two parties talk? (messaging_chart.py), on a report of the `messaging`
scenario made here with round figures, so the reading can be checked by hand."""

import json

import pytest

from concbench_plot.charts import messaging_chart as mc
from concbench_plot.reports.report_loading import load_report
from plot_support import (PYTHON_ROUND_TRIPS, PYTHON_STREAMS, ROUND_TRIPS, STREAMS, assert_chart_files,
                          messaging_report, run_plot, save_figure, write_report)


def load(tmp_path, data):
    return load_report(str(write_report(tmp_path / "m.json", data)))


def test_cells_and_sizes(tmp_path):
    report = load(tmp_path, messaging_report(sizes=(64, 4096)))
    assert mc.message_sizes(report) == [64, 4096]
    found = mc.cells(report, 64)
    assert len(found) == len(ROUND_TRIPS) + len(STREAMS)
    assert mc.figure_of(found[("round_trip", "pipe", "threads", "cross-cpu")], "round_trip_p99_ns") == 90_000.0


def test_reading_by_hand(tmp_path):
    report = load(tmp_path, messaging_report())
    # fastest 800 ns (shared memory across two CPUs: the peer spins), slowest 40 µs: 50× apart
    assert mc.messaging_reading(report, 64) == (
        "round trip p50 from 800 ns (shared-memory, threads, two CPUs) to 40 µs (pipe, threads, two CPUs), 50× apart; "
        "streamed up to 4,000,000 messages/s (shared-memory, threads, one CPU)")


def test_failed_entries_are_left_out(tmp_path):
    failed = "messaging/threads/W:2/transport:shared-memory/mode:round_trip/bytes:64/messages:2000/pinning:cross-cpu"
    report = load(tmp_path, messaging_report(failed=(failed,)))
    assert ("round_trip", "shared-memory", "threads", "cross-cpu") not in mc.cells(report, 64)
    assert mc.messaging_reading(report, 64).startswith("round trip p50 from 5 µs (pipe, processes-fork, one CPU)")


def test_the_chart_renders(tmp_path):
    report = load(tmp_path, messaging_report())
    fig = mc.draw_messaging_chart(report, 64, "How fast do two parties talk?\nTest CPU")
    save_figure(fig, tmp_path / "out", "messaging-64")
    assert_chart_files(tmp_path / "out", "messaging-64")


@pytest.mark.parametrize("sizes", [(64,), (64, 4096)])
def test_plot_draws_one_chart_per_message_size(tmp_path, sizes):
    path = write_report(tmp_path / "m.json", json.dumps(messaging_report(sizes=sizes)))
    result = run_plot(path, "--out", tmp_path / "charts")
    assert result.returncode == 0, result.stderr
    for size in sizes:
        assert_chart_files(tmp_path / "charts", f"messaging-{size}")
    summary = (tmp_path / "charts" / "summary.md").read_text()
    assert "How fast do two parties talk? 64-byte messages" in summary
    assert "round trip p50 from 800 ns" in summary


def python_report(with_cpp=False):
    round_trips, streams = dict(PYTHON_ROUND_TRIPS), dict(PYTHON_STREAMS)
    if with_cpp:  # one report holding both sides' entries (e.g. merged by hand)
        round_trips.update(ROUND_TRIPS)
        streams.update(STREAMS)
    return messaging_report(round_trips=round_trips, streams=streams)


def test_layout_of_a_cpp_report_is_unchanged(tmp_path):
    report = load(tmp_path, messaging_report())
    assert mc.layout(report, 64) == (list(mc.TRANSPORTS), list(mc.MODELS))


def test_python_entries_and_the_queue_transport_appear_when_present(tmp_path):
    report = load(tmp_path, python_report())
    assert mc.layout(report, 64) == (["pipe", "queue"], ["python-threads", "python-processes-fork"])
    assert len(mc.cells(report, 64)) == len(PYTHON_ROUND_TRIPS) + len(PYTHON_STREAMS)
    assert mc.messaging_reading(report, 64) == (
        "round trip p50 from 20 µs (pipe, python-threads, unpinned) to 100 µs (queue, python-processes-fork, "
        "unpinned), 5× apart; streamed up to 200,000 messages/s (queue, python-threads, two CPUs)")
    mixed = load(tmp_path, python_report(with_cpp=True))
    assert mc.layout(mixed, 64) == (["pipe", "socket", "shared-memory", "queue"],
                                    ["threads", "processes-fork", "python-threads", "python-processes-fork"])


def test_python_bars_have_their_models_colours(tmp_path):
    from matplotlib.colors import to_hex

    from concbench_plot.charts.chart_style import model_colour

    report = load(tmp_path, python_report(with_cpp=True))
    fig = mc.draw_messaging_chart(report, 64, "How fast do two parties talk?\nTest CPU")
    colours = {to_hex(p.get_facecolor()) for ax in fig.axes for p in ax.patches}
    assert {model_colour(m) for m in ("threads", "processes-fork", "python-threads", "python-processes-fork")} <= colours
    left = fig.axes[0]
    assert [t.get_text() for t in left.get_xticklabels()] == ["pipe", "socket", "shared-memory", "queue"]
    assert len(left.patches) == len(ROUND_TRIPS) + len(PYTHON_ROUND_TRIPS)
    save_figure(fig, tmp_path / "out", "messaging-python-64")
    assert_chart_files(tmp_path / "out", "messaging-python-64")


def test_plot_draws_a_python_report(tmp_path):
    path = write_report(tmp_path / "py.json", json.dumps(python_report()))
    result = run_plot(path, "--out", tmp_path / "charts")
    assert result.returncode == 0, result.stderr
    assert_chart_files(tmp_path / "charts", "messaging-64")
    assert "round trip p50 from 20 µs (pipe, python-threads, unpinned)" in (tmp_path / "charts" / "summary.md").read_text()
