"""What does each model cost per task? (overhead_chart.py), on a hand-made report of the
`empty` workload whose round figures are in tests/fixtures/plot/make_empty_report.py."""

import json

import pytest

from concbench_plot.charts import chart_output, chart_plan
from concbench_plot.charts import overhead_chart as oc
from concbench_plot.reports.report_loading import load_report
from plot_support import (PLOT_FIXTURES, REPORT, assert_chart_files, load_data, other_machine, run_plot, save_figure,
                          write_report)

EMPTY_REPORT = PLOT_FIXTURES / "empty_report.json"


def empty_data():
    return json.loads(EMPTY_REPORT.read_text())


@pytest.fixture(scope="module")
def report():
    return load_report(str(EMPTY_REPORT))


def test_one_comparable_entry_per_model(report):
    picked = oc.pick_entries(report)
    assert {m: e.run_name for m, e in picked.items()} == {
        "sequential": "empty/sequential/N:1000",  # the largest N, not N:100
        "threads": "empty/threads/W:2/pool:warm/N:1000",  # warm, at the W the pools share (not W:4)
        "threads-asio": "empty/threads-asio/W:2/pool:warm/N:1000",
        "thread-per-task": "empty/thread-per-task/N:1000",
        "coroutines": "empty/coroutines/loop_threads:1/K:all/form:awaitable/N:1000",  # its usual form
        "processes-fork": "empty/processes-fork/W:2/pool:warm/N:1000",
    }
    assert oc.what_was_picked(report, picked) == (
        "one entry per model: warm pool at W=2, the largest N each model ran (under its name)\n"
        "not drawn: 1 entry at a smaller N, 3 cold-pool entries, 1 entry at another W, 1 entry in another form")


def test_figures_and_ratios_by_hand(report):
    picked = oc.pick_entries(report)
    assert oc.cost_ns(picked["threads"]) == 100.0  # the median row's figure, not a repetition's
    assert oc.annotation(picked, "sequential") == "50 ns  ·  the floor"
    # 100 / 50 = 2× the floor; 100 / 400 = 0.25× its peer
    assert oc.annotation(picked, "threads") == "100 ns  ·  2× floor  ·  0.25× threads-asio (goal ≤ 0.7×)"
    assert oc.annotation(picked, "thread-per-task") == "20 µs  ·  400× floor"
    assert oc.annotation(picked, "coroutines") == "75 ns  ·  1.5× floor"
    # coroutines' batch: 200 µs start-up + 75 ns × 1000 + 100 µs tear-down = 375 µs, 375 ns per task
    assert oc.split_of(picked["coroutines"]) == {"startup_ns": 200_000.0, "dispatch": 75_000.0,
                                                 "teardown_ns": 100_000.0}


def test_reading_by_hand(report):
    assert oc.overhead_reading(report) == (
        "threads dispatch 100 ns per task, 0.25× threads-asio's (400 ns; goal ≤ 0.7×: met); "
        "floor (sequential) 50 ns; dearest thread-per-task 20 µs, 400× the floor")


def test_ratio_format():
    assert [oc.format_ratio(r) for r in (0.1638, 1.0, 1.644, 38.79, 388.2, 1210.4)] == \
        ["0.16×", "1×", "1.64×", "38.8×", "388×", "1,210×"]


def test_peer_taken_the_same_way_or_no_ratio(tmp_path):
    data = empty_data()  # threads-asio only cold: threads is taken cold too, to stay comparable
    data["benchmarks"] = [b for b in data["benchmarks"] if b["run_name"] != "empty/threads-asio/W:2/pool:warm/N:1000"]
    picked = oc.pick_entries(load_data(tmp_path, data))
    assert (picked["threads"].pool, picked["threads-asio"].pool) == ("cold", "cold")
    assert "0.27× threads-asio" in oc.annotation(picked, "threads")  # 80 / 300
    # no common way of running: each its own best, and no ratio between them
    data["benchmarks"] = [b for b in data["benchmarks"] if not (b["model"] == "threads" and b["pool"] == "cold")
                          and not (b["model"] == "threads-asio" and b["pool"] == "warm")]
    picked = oc.pick_entries(load_data(tmp_path, data, "s.json"))
    assert (picked["threads"].pool, picked["threads-asio"].pool) == ("warm", "cold")
    assert oc.peer_of(picked, "threads") is None
    assert "threads-asio" not in oc.annotation(picked, "threads")


def test_without_sequential_no_floor(tmp_path):
    data = empty_data()
    data["benchmarks"] = [b for b in data["benchmarks"] if b["model"] != "sequential"]
    r = load_data(tmp_path, data)
    picked = oc.pick_entries(r)
    assert oc.annotation(picked, "coroutines") == "75 ns"
    assert oc.overhead_reading(r) == ("threads dispatch 100 ns per task, 0.25× threads-asio's (400 ns; "
                                      "goal ≤ 0.7×: met); no sequential entry; cheapest coroutines 75 ns per task")
    fig = oc.draw_overhead_chart(r, "no floor")
    assert not [line for line in fig.axes[0].get_lines() if line.get_linestyle() == ":"]
    __import__("matplotlib.pyplot").pyplot.close(fig)


def test_draws_both_panels(report, tmp_path):
    fig = oc.draw_overhead_chart(report, oc.chart_title(report))
    assert fig._suptitle.get_text() == ("What does each model cost per task? ns of dispatch per empty task, per model\n"
                                        "Test CPU 2-core, P=2 (empty-box)")
    dots, split = fig.axes
    assert dots.get_xscale() == "log"
    assert [t.get_text().split("\n")[0] for t in dots.get_yticklabels()] == [
        "sequential", "threads", "threads-asio", "thread-per-task", "coroutines", "processes-fork"]
    assert dots.get_yticklabels()[1].get_text() == "threads\nW=2, warm pool, N=1,000"
    floors = [line for line in dots.get_lines() if line.get_linestyle() == ":"]
    assert len(floors) == 1 and floors[0].get_xdata()[0] == 50.0
    texts = [t.get_text() for t in dots.texts]
    assert "100 ns  ·  2× floor  ·  0.25× threads-asio (goal ≤ 0.7×)" in texts
    assert len(split.patches) == 3 * 6  # start-up, dispatch, tear-down per model
    assert "375 ns/task" in [t.get_text() for t in split.texts]
    save_figure(fig, tmp_path, "overhead")
    assert_chart_files(tmp_path, "overhead")


def test_one_panel_without_start_up_and_tear_down(tmp_path):
    data = empty_data()
    for b in data["benchmarks"]:
        del b["startup_ns"], b["teardown_ns"]
    r = load_data(tmp_path, data)
    fig = oc.draw_overhead_chart(r, "dispatch only")
    assert len(fig.axes) == 1
    __import__("matplotlib.pyplot").pyplot.close(fig)


def test_skipped_without_empty_entries(fixture_report, tmp_path):
    assert not oc.wants_overhead_chart(fixture_report)
    charts, notes, warnings = chart_plan.plan([fixture_report])
    assert not [c for c in charts if "overhead" in c.kind]
    assert any("no cost-per-task chart" in n for n in notes)
    assert warnings == []
    data = empty_data()  # failed empty entries, or ones without the figure, are no data either
    for b in data["benchmarks"]:
        b.pop("dispatch_ns_per_task")
    assert not oc.wants_overhead_chart(load_data(tmp_path, data))


def test_plot_draws_it_into_the_summary(tmp_path):
    out = tmp_path / "out"
    result = run_plot(EMPTY_REPORT, "--out", out)
    assert result.returncode == 0, result.stderr
    assert_chart_files(out, "overhead")
    md = (out / "summary.md").read_text()
    assert ("### What does each model cost per task?\n\n**Reading:** threads dispatch 100 ns per task, "
            "0.25× threads-asio's (400 ns; goal ≤ 0.7×: met)") in md
    assert "![What does each model cost per task?](overhead.png)" in md
    assert "0.25× threads-asio&#x27;s" in (out / "summary.html").read_text()


def test_across_machines(tmp_path):
    first = EMPTY_REPORT
    data = other_machine(empty_data(), host="laptop", cpu="Test CPU 8-core", usable_cpus=8)
    for b in data["benchmarks"]:  # this machine dispatches twice as fast, threads-asio four times
        b["dispatch_ns_per_task"] /= 4 if b["model"] == "threads-asio" else 2
    second = write_report(tmp_path / "laptop.json", data)
    reports = [load_report(str(first)), load_report(str(second))]
    assert oc.wants_machines_overhead(reports)
    assert oc.machines_overhead_reading(reports) == (
        "per task on each: Test CPU 2-core, P=2 (empty-box) · empty_report.json: threads 100 ns "
        "(0.25× threads-asio's), floor 50 ns; Test CPU 8-core, P=8 (laptop) · laptop.json: threads 50 ns "
        "(0.5× threads-asio's), floor 25 ns")
    fig = oc.draw_machines_overhead(reports, "t")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Test CPU 2-core, P=2 (empty-box) · empty_report.json", "Test CPU 8-core, P=8 (laptop) · laptop.json"]
    floors = sorted(line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":")
    assert floors == [25.0, 50.0]  # each machine's own floor
    save_figure(fig, tmp_path, "mo")
    assert_chart_files(tmp_path, "mo")

    # plot.py's plan with both, and a third report without empty entries; only the
    # cost-per-task charts are drawn (the others have their own tests)
    from concbench_plot.charts import summary_page

    plain = load_report(str(REPORT))
    charts, notes, _ = chart_plan.plan(reports + [plain])
    overhead = [c for c in charts if "overhead" in c.kind]
    assert [(c.base, c.section) for c in overhead] == [
        ("machines-overhead", "Across machines"),
        ("empty-box-p2_overhead", "Test CPU 2-core, P=2 (empty-box) · empty_report.json"),
        ("laptop-p8_overhead", "Test CPU 8-core, P=8 (laptop) · laptop.json")]
    assert overhead[0].reading == oc.machines_overhead_reading(reports)
    assert any(n.startswith("Intel(R) Xeon(R) Platinum 8488C, P=2 (bench-vm-2) · report_small.json: no successful "
                            "`empty` entry") for n in notes)
    out = tmp_path / "out"
    out.mkdir()
    chart_output.draw_all(overhead, str(out))
    for c in overhead:
        assert_chart_files(out, c.base)
    md = summary_page.markdown(reports + [plain], overhead, notes)
    assert "### What does each model cost per task? Across machines" in md
    assert "Test CPU 8-core, P=8 (laptop) · laptop.json: threads 50 ns (0.5× threads-asio's)" in md


def test_not_across_machines_when_only_one_has_empty_entries(tmp_path):
    reports = [load_report(str(EMPTY_REPORT)), load_report(str(REPORT))]
    assert not oc.wants_machines_overhead(reports)
