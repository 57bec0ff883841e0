"""plot.py as a user runs it (plot_command.py, chart_plan.py, chart_output.py), on
tests/fixtures/report_small.json: the charts it draws, bad input, and writing DIR all or
nothing.

Run with `/usr/bin/python3 -m pytest tests/plot` (the interpreter with Debian's matplotlib).
"""

import os

import pytest

from concbench_plot.charts import chart_output, chart_plan, chart_style, plot_command, tutorial_chart
from concbench_plot.reports.report_loading import load_report
from plot_support import PLOT, REPORT, assert_chart_files, entry, load_fixture, run_plot, write_report

# The fixture's groups: (workload, params) -> the chart's file stem.
EXPECTED_STEMS = {
    "tutorial-cpu-scale-1",
    "tutorial-cpu-scale-100",
    "tutorial-sleep-n20-ms20-ts1",
}
# Every chart plot.py draws from the fixture: the tutorial charts, then speedup against W
# and repetitions where the group has several W / repetitions (cpu scale-100 has neither),
# and the task timelines of each workload's largest group. No task count is swept.
EXPECTED_CHARTS = EXPECTED_STEMS | {
    "scaling-cpu-scale-1", "scaling-sleep-n20-ms20-ts1",
    "distribution-cpu-scale-1", "distribution-sleep-n20-ms20-ts1",
    "timeline-cpu-scale-1", "timeline-sleep-n20-ms20-ts1",
}
SUMMARY = ["summary.html", "summary.md"]
MARKER = ".concbench-charts"  # written into every chart folder (chart_folder.py), not printed


def one_group(data):
    """The report cut down to its cpu scale-100 group (one chart: quicker to draw)."""
    data["benchmarks"] = [b for b in data["benchmarks"] if b["params"].get("scale") == 100]
    return data


def files_in(directory):
    return sorted(p.name for p in directory.rglob("*")) if directory.exists() else []


def assert_bad_input(result, out_dir, mentions):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("plot.py: "), lines[0]
    assert mentions in lines[0], lines[0]
    assert result.stdout == ""
    assert files_in(out_dir) == [], "no output may be left behind on bad input"


# --- drawing from the fixture ------------------------------------------------------------


# `drawn` (conftest.py): plot.py run once on the fixture into a missing directory.


def test_draws_png_and_svg_per_chart(drawn):
    import matplotlib.image

    result, out = drawn
    assert result.returncode == 0, result.stderr
    # The fixture is a schema-1 report: drawn without intervals, and said so in one line.
    assert result.stderr == (f"plot.py: note: {REPORT}: schema 1: no intervals and no lead estimator; figures "
                             "shown as medians, without intervals\n")
    expected = sorted([f"{s}.{e}" for s in EXPECTED_CHARTS for e in ("png", "svg")] + SUMMARY)
    assert sorted(result.stdout.splitlines()) == sorted(str(out / n) for n in expected)
    assert files_in(out) == sorted(expected + [MARKER])
    for stem in EXPECTED_CHARTS:
        assert_chart_files(out, stem)
    for stem in EXPECTED_STEMS:
        png = out / f"{stem}.png"
        assert png.stat().st_size > 10_000
        image = matplotlib.image.imread(png)
        height, width = image.shape[:2]
        assert 600 <= width <= 3000 and 200 <= height <= 3000, image.shape
        assert image.shape[2] in (3, 4)
        assert image.std() > 0.05, "the chart is not blank"


def test_script_is_executable_with_debian_python_shebang():
    assert os.access(PLOT, os.X_OK)
    first = PLOT.read_text().splitlines()[0]
    assert first == "#!/usr/bin/python3"
    style = (PLOT.parent / "concbench_plot" / "charts" / "chart_style.py").read_text()  # where pyplot is imported, headless
    assert style.index('matplotlib.use("Agg")') < style.index("import matplotlib.pyplot")


def test_help():
    result = run_plot("-h")
    assert result.returncode == 0
    assert "--out" in result.stdout and "REPORT.json" in result.stdout


def test_missing_out_is_one_line_and_exit_2(tmp_path):
    result = run_plot(REPORT)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("plot.py: ") and "--out" in result.stderr


def draw_in_process(capsys, *args):
    """plot.py's main() in this process (faster than a subprocess); returns printed paths."""
    assert plot_command.main([str(a) for a in args]) == 0
    return capsys.readouterr().out.splitlines()


def test_timelines_file_may_be_missing(tmp_path, capsys):
    data = one_group(load_fixture())
    assert data["timelines_file"]
    alone = write_report(tmp_path / "alone.json", data)  # its timelines_file is not beside it
    out = tmp_path / "out"
    assert plot_command.main([str(alone), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert sorted(os.path.basename(p) for p in captured.out.splitlines()) == sorted(
        ["tutorial-cpu-scale-100.png", "tutorial-cpu-scale-100.svg"] + SUMMARY)
    note = [line for line in captured.err.splitlines() if "schema 1: no intervals" not in line]
    assert len(note) == 1 and note[0].startswith("plot.py: note: ") and "report_small.timelines.json" in note[0]
    assert "task timelines not drawn" in (out / "summary.md").read_text()


def test_several_reports_get_a_prefix_each(drawn_pair):
    result, out, _ = drawn_pair
    assert result.returncode == 0, result.stderr
    names = files_in(out)
    per_report = [n for n in names if "_" in n]
    assert {n.split("_")[0] for n in per_report} == {"bench-vm-2-p2", "laptop-p8"}
    assert {n.split("_", 1)[1] for n in per_report if n.startswith("laptop-p8_")} == {
        f"{k}-cpu-scale-1.{e}" for k in ("tutorial", "scaling", "distribution") for e in ("png", "svg")}
    assert {"machines-tutorial-cpu-scale-1.png", "machines-scaling-cpu-scale-1.png"} <= set(names)
    assert len(result.stdout.splitlines()) == len(names) - 1  # all but the marker
    assert MARKER in names


def test_the_same_machine_twice_is_told_apart_by_file_name(fixture_report, tmp_path):
    data = one_group(load_fixture())
    again = load_report(str(write_report(tmp_path / "again.json", data)))
    data["context"]["host_name"] = "laptop"
    data["context"]["usable_cpus"] = 8
    other = load_report(str(write_report(tmp_path / "other.json", data)))
    assert chart_plan.report_prefixes([fixture_report]) == [""]
    assert chart_plan.report_prefixes([fixture_report, other, again]) == [
        "bench-vm-2-p2-report-small_", "laptop-p8_", "bench-vm-2-p2-again_"]


# --- bad input ---------------------------------------------------------------------------


def _without_model(data):
    del data["benchmarks"][4]["model"]
    return data


BAD_REPORTS = {
    "missing-file": (None, "no such file"),
    "not-json": ("{\"context\": {", "not JSON"),
    "empty-file": ("", "not JSON"),
    "no-benchmarks": ({"context": {"concbench_schema_version": 1}}, "no 'benchmarks' list"),
    "plain-google-benchmark": ({"context": {"num_cpus": 2}, "benchmarks": []},
                               "concbench_schema_version"),
    "top-level-list": ([1, 2], "not a concbench report"),
    "entry-without-model": (_without_model, "missing required field 'model'"),
    "empty-benchmarks": (lambda d: {**d, "benchmarks": []}, "no benchmark entries"),
    "bad-time-unit": (lambda d: d["benchmarks"][0].update(time_unit="min") or d, "time_unit"),
    "non-finite": ("BUILD", "non-finite"),
}


@pytest.mark.parametrize("case", sorted(BAD_REPORTS))
def test_bad_input_exit_2_one_line_no_output(case, tmp_path):
    content, mentions = BAD_REPORTS[case]
    path = tmp_path / f"{case}.json"
    if content == "BUILD":
        text = REPORT.read_text().replace('"real_time": 34.12,', '"real_time": NaN,', 1)
        assert "NaN" in text
        write_report(path, text)
    elif callable(content):
        write_report(path, content(load_fixture()))
    elif content is not None:
        write_report(path, content)
    out = tmp_path / "out"
    result = run_plot(path, "--out", out)
    assert_bad_input(result, out, mentions)
    assert str(path) in result.stderr
    assert not out.exists(), "the out dir is created only after the input is validated"


def test_bad_second_report_writes_nothing_for_the_first(tmp_path):
    bad = write_report(tmp_path / "bad.json", "not json")
    out = tmp_path / "out"
    out.mkdir()
    result = run_plot(REPORT, bad, "--out", out)
    assert_bad_input(result, out, "bad.json")


def test_out_is_a_file(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    result = run_plot(REPORT, "--out", target)
    assert result.returncode == 2
    assert result.stderr.startswith("plot.py: ") and len(result.stderr.splitlines()) == 1


def test_out_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_plot(REPORT, "--out", blocker / "charts")  # its parent is a file
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("plot.py: --out ") and "cannot create" in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_damaged_timeline_file_is_a_note_not_bad_input(tmp_path, capsys):
    data = one_group(load_fixture())
    path = write_report(tmp_path / "r.json", data)
    (tmp_path / data["timelines_file"]).write_text("[1, 2")
    assert plot_command.main([str(path), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert err.startswith("plot.py: note: ") and "unreadable" in err


# --- incomplete runs ---------------------------------------------------------------------


def test_incomplete_report_is_drawn_with_a_warning(tmp_path):
    data = one_group(load_fixture())
    data["complete"] = False
    path = write_report(tmp_path / "partial.json", data)
    out = tmp_path / "out"
    result = run_plot(path, "--out", out)
    assert result.returncode == 0, result.stderr
    warning = [line for line in result.stderr.splitlines() if not line.startswith("plot.py: note: ")]
    assert len(warning) == 1
    assert warning[0].startswith("plot.py: warning: ") and "incomplete" in warning[0]
    assert files_in(out) == sorted(["tutorial-cpu-scale-100.png", "tutorial-cpu-scale-100.svg", MARKER] + SUMMARY)
    assert "INCOMPLETE run" in (out / "summary.md").read_text()
    report = load_report(str(path))
    assert not report.complete
    title = tutorial_chart.chart_title(report, report.groups[0])
    assert "(incomplete run)" in title.splitlines()[0]
    complete = load_report(str(REPORT))
    assert "incomplete" not in tutorial_chart.chart_title(complete, complete.groups[0])


def test_no_sequential_no_speedup_still_drawn(report_data, tmp_path, capsys):
    report_data["benchmarks"] = [b for b in report_data["benchmarks"] if b["model"] != "sequential"]
    for b in report_data["benchmarks"]:
        b.pop("speedup", None)
    path = write_report(tmp_path / "r.json", report_data)
    report = load_report(str(path))
    assert all(e.speedup is None for e in report.entries)
    report_data["benchmarks"] = [b for b in report_data["benchmarks"] if b["workload"] == "sleep"]
    path = write_report(tmp_path / "sleep.json", report_data)
    printed = draw_in_process(capsys, path, "--out", tmp_path / "out")
    assert "tutorial-sleep-n20-ms20-ts1.png" in {os.path.basename(p) for p in printed}
    assert any("scaling-sleep" in p for p in printed), "no speedup without sequential, but efficiency"


def test_unknown_model_and_partial_failure_are_drawn(report_data, tmp_path, capsys):
    rows = [b for b in report_data["benchmarks"] if b["run_name"] == "cpu/threads/W:1/pool:cold/scale:1"]
    for b in rows:
        b["model"] = "threads-asio"
    first = rows[0]
    first.update(error_occurred=True, error_message="task 1 under threads-asio: time-out")
    first.pop("efficiency")
    first.pop("speedup")
    path = write_report(tmp_path / "r.json", report_data)
    report = load_report(str(path))
    e = entry(report, "cpu/threads/W:1/pool:cold/scale:1")
    assert not e.failed and e.failed_repetitions == 1 and len(e.times_s) == 2
    assert chart_style.model_colour("threads-asio") != chart_style.model_colour("threads")
    assert chart_style.model_colour("some-new-model") == chart_style.model_colour("some-new-model")
    report_data["benchmarks"] = [b for b in report_data["benchmarks"] if b["params"].get("scale") == 1]
    path = write_report(tmp_path / "cpu1.json", report_data)
    out = tmp_path / "out"
    printed = {os.path.basename(p) for p in draw_in_process(capsys, path, "--out", out)}
    assert {"tutorial-cpu-scale-1.png", "summary.html"} <= printed


# --- writing: all or nothing, DIR left as it was on a failure -------------------------------


def snapshot(directory):
    """{relative path: bytes, or None for a directory}: what DIR holds, to compare."""
    return {str(p.relative_to(directory)): (None if p.is_dir() else p.read_bytes())
            for p in sorted(directory.rglob("*"))}


def test_unwritable_file_in_existing_dir_is_exit_2_naming_it(tmp_path):
    data = one_group(load_fixture())
    path = write_report(tmp_path / "r.json", data)
    out = tmp_path / "trap"
    out.mkdir()
    (out / MARKER).write_text("a chart folder")
    (out / "keep.txt").write_text("mine")
    (out / "tutorial-cpu-scale-100.png").write_bytes(b"an older chart")
    (out / "summary.html").mkdir()  # a directory where a file must go
    (out / "summary.html" / "inside").write_text("x")
    before = snapshot(out)
    result = run_plot(path, "--out", out)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"plot.py: cannot write {out / 'summary.html'}: Is a directory"), lines[0]
    assert result.stdout == ""
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "trap"], "no staging folder left"


def test_failure_while_moving_in_puts_the_old_files_back(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.png").write_bytes(b"old a")
    (out / "keep.txt").write_text("mine")
    staging, created = chart_output.make_staging(str(out))
    assert created == [] and os.path.dirname(staging) == str(tmp_path)
    for name in ("a.png", "b.png", "c.png"):
        (tmp_path / staging / name).write_bytes(b"new " + name.encode())
    (out / "c.png").mkdir()  # appears after the check: the third move fails
    before = snapshot(out)
    with pytest.raises(chart_output.WriteError) as caught:
        chart_output.install(staging, str(out), ["a.png", "b.png", "c.png"])
    assert caught.value.target == str(out / "c.png") and caught.value.cause == "Is a directory"
    assert snapshot(out) == before  # a.png is the old one again, b.png is gone, keep.txt stays


def test_success_replaces_its_own_files_and_keeps_the_rest(tmp_path):
    data = one_group(load_fixture())
    path = write_report(tmp_path / "r.json", data)
    out = tmp_path / "charts"
    out.mkdir()
    (out / MARKER).write_text("a chart folder, drawn before")
    (out / "keep.txt").write_text("mine")
    (out / "tutorial-cpu-scale-100.png").write_bytes(b"an older chart")
    result = run_plot(path, "--out", out)
    assert result.returncode == 0, result.stderr
    assert (out / "keep.txt").read_text() == "mine"
    assert (out / "tutorial-cpu-scale-100.png").read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["charts", "r.json"], "no staging folder left"


def test_new_dir_gets_the_usual_permissions(tmp_path):
    data = one_group(load_fixture())
    path = write_report(tmp_path / "r.json", data)
    out = tmp_path / "deeper" / "charts"
    result = run_plot(path, "--out", out)
    assert result.returncode == 0, result.stderr
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
    assert sorted(p.name for p in (tmp_path / "deeper").iterdir()) == ["charts"]
