"""C++ against CPython (cpython_chart.py): each C++ model beside its CPython twin, on the
fixture, and the README's headline pair of committed example reports."""

import pytest

from concbench_plot.charts import cpython_chart as cc
from concbench_plot.reports.report_loading import load_report
from plot_support import (REPO, as_cpython, assert_chart_files, cpu_scale1_only, load_fixture, run_plot, save_figure,
                          write_report)

EXAMPLES = REPO / "reports" / "examples"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    base = tmp_path_factory.mktemp("twins")
    cpp = write_report(base / "cpp.json", cpu_scale1_only(load_fixture()))
    py = write_report(base / "py.json", as_cpython(cpu_scale1_only(load_fixture()), slower=90.0))
    return load_report(str(py)), load_report(str(cpp))


def test_every_row_pairs_a_model_with_its_twin(pair):
    py, cpp = pair
    assert cc.cpython_pairs([cpp, py]) == [(py, cpp)]
    (cpp_group, py_group), = cc.twin_groups(py, cpp)
    rows, (cpp_alone, py_alone) = cc.twin_rows(cpp_group, py_group)
    assert [(r[0], r[2]) for r in rows] == [("sequential", "python-sequential"), ("threads", "python-threads"),
                                           ("coroutines", "python-asyncio")]
    assert all(r[1] is not None and r[3] is not None for r in rows), "both sides measured on every row"
    assert cpp_alone == ["thread-per-task"] and py_alone == []
    threads = next(r for r in rows if r[0] == "threads")
    assert threads[1].run_name == "cpu/threads/W:2/pool:cold/scale:1"  # the fastest (W=4 warm failed)
    assert threads[3].speedup == pytest.approx(threads[1].speedup)  # over its OWN sequential


def test_chart_draws_both_panels_and_names_both_reports(pair, tmp_path):
    py, cpp = pair
    (cpp_group, py_group), = cc.twin_groups(py, cpp)
    title = cc.chart_title(py, cpp, cpp_group)
    assert "cpp.json" in title and "py.json" in title and "CPython 3.11.2" in title
    fig = cc.draw_cpython_chart(py, cpp, cpp_group, py_group, title)
    speed, times = fig.axes
    assert times.get_xscale() == "log", "milliseconds and seconds on one readable axis"
    assert speed.get_xscale() == "linear"
    assert len(speed.patches) == len(times.patches) == 6  # three rows, two languages
    labels = [t.get_text() for t in speed.get_yticklabels()]
    assert labels == ["sequential", "python-sequential", "threads", "python-threads", "coroutines", "python-asyncio"]
    texts = " ".join(t.get_text() for t in speed.texts)
    assert "not measured" not in texts
    assert "×" in texts
    save_figure(fig, tmp_path, "twins")
    assert_chart_files(tmp_path, "twins")
    reading = cc.cpython_reading(cpp_group, py_group)
    assert reading.startswith("speedup over own sequential, C++ vs CPython: threads ")


def test_plot_draws_it_given_both_reports(pair, tmp_path):
    py, cpp = pair
    out = tmp_path / "out"
    result = run_plot(cpp.path, py.path, "--out", out)
    assert result.returncode == 0, result.stderr
    names = {p.name for p in out.iterdir()}
    assert {"cpython-vs-cpp-cpu-scale-1.png", "cpython-vs-cpp-cpu-scale-1.svg"} <= names
    assert_chart_files(out, "cpython-vs-cpp-cpu-scale-1")
    assert not any(n.startswith("machines-") for n in names), "C++ and CPython are not two machines"
    assert any(n.startswith("bench-vm-2-p2-cpython_") for n in names)
    assert "## C++ against CPython" in (out / "summary.md").read_text()


def test_the_committed_examples_pair_up():
    """The README's headline: the C++ example of the CPython report's machine, every twin
    measured on both sides."""
    reports = [load_report(str(EXAMPLES / n)) for n in
               ("2-vcpu.quick.json", "1-cpu-taskset.quick.json", "python-cpu-scale1.json")]
    pairs = cc.cpython_pairs(reports)
    assert [(p.path, c.path) for p, c in pairs] == [(reports[2].path, reports[0].path)]
    groups = cc.twin_groups(*pairs[0])
    assert [g.slug for g, _ in groups] == ["cpu-scale-1"]
    rows, _ = cc.twin_rows(*groups[0])
    assert [r[0] for r in rows] == ["sequential", "threads", "coroutines", "processes-fork", "processes-spawn"]
    assert all(r[1] is not None and r[3] is not None for r in rows)
