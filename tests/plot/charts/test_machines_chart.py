"""Charts across machines (machines_chart.py) and plot.py given several reports."""

import pytest

from concbench_plot.charts import machines_chart as mc
from concbench_plot.reports.formatting import format_time
from concbench_plot.reports.report_loading import load_report
from plot_support import assert_chart_files, cpu_scale1_only, load_fixture, other_machine, save_figure, write_report


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    base = tmp_path_factory.mktemp("machines")
    first = load_report(str(write_report(base / "xeon.json", cpu_scale1_only(load_fixture()))))
    second = load_report(str(write_report(base / "laptop.json", other_machine(cpu_scale1_only(load_fixture())))))
    return [first, second]


def test_groups_matched_by_workload_and_headline_params(pair, tmp_path):
    data = other_machine(load_fixture())
    for b in data["benchmarks"]:  # a group only the second report has
        if b["workload"] == "sleep":
            b["params"]["sleep_ms"] = 5
    third = load_report(str(write_report(tmp_path / "third.json", data)))
    matched = mc.matched_groups([pair[0], third])
    assert [key for key, _ in matched] == [("cpu", "scale-1")]
    assert mc.matched_groups(pair)[0][1] == [pair[0].groups[0], pair[1].groups[0]]


def test_grouped_tutorial_labels_each_machine(pair, tmp_path):
    groups = [r.groups[0] for r in pair]
    fig = mc.draw_machines_tutorial(pair, groups, "t")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["Intel(R) Xeon(R) Platinum 8488C, P=2 (bench-vm-2) · xeon.json",
                      "Test CPU 8-core, P=8 (laptop) · laptop.json"]
    bars = [p for p in fig.axes[0].patches]
    models = {e.model for e in groups[0].entries if not e.failed}
    assert len(bars) == 2 * len(models)  # one bar per model per machine
    save_figure(fig, tmp_path, "mt")
    assert_chart_files(tmp_path, "mt")


def test_fastest_per_model_and_reading(pair):
    groups = [r.groups[0] for r in pair]
    best = mc.fastest_per_model(groups[0])
    assert best["threads"].run_name == "cpu/threads/W:2/pool:cold/scale:1"
    assert "cpu/threads/W:4/pool:warm/scale:1" not in [e.run_name for e in best.values()]  # failed
    reading = mc.machines_tutorial_reading(pair, groups)
    fast = min(best.values(), key=lambda e: e.median_s)
    assert f"· xeon.json: {fast.label} {format_time(fast.median_s)}" in reading
    assert f"· laptop.json: {fast.label} {format_time(fast.median_s * 0.8)}" in reading


def test_grouped_scaling_one_line_per_machine(pair, tmp_path):
    groups = [r.groups[0] for r in pair]
    assert mc.shared_series(groups) == ["threads (cold pool)"]
    fig = mc.draw_machines_scaling(pair, groups, "s")
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts[:2] == ["Intel(R) Xeon(R) Platinum 8488C, P=2 (bench-vm-2) · xeon.json",
                         "Test CPU 8-core, P=8 (laptop) · laptop.json"]
    save_figure(fig, tmp_path, "ms")
    assert_chart_files(tmp_path, "ms")
    assert "peak speedup on each" in mc.machines_scaling_reading(pair, groups)


def test_plot_draws_the_machine_charts(drawn_pair):
    result, out, _ = drawn_pair
    assert result.returncode == 0, result.stderr
    for base in ("machines-tutorial-cpu-scale-1", "machines-scaling-cpu-scale-1"):
        assert_chart_files(out, base)
    summary = (out / "summary.md").read_text()
    assert "## Across machines" in summary
    assert "Intel(R) Xeon(R) Platinum 8488C, P=2 (bench-vm-2)" in summary and "Test CPU 8-core, P=8 (laptop)" in summary
