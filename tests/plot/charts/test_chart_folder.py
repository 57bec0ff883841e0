"""Which folders plot.py may write into (chart_folder.py): every
name it writes is one it recognises as its own, and a folder of anything else is refused."""

import os

from concbench_plot.charts import chart_folder


def test_chart_names_are_every_name_plot_writes(drawn, drawn_pair):
    for out in (drawn[1], drawn_pair[1]):
        names = os.listdir(out)
        assert chart_folder.MARKER in names
        assert all(chart_folder.is_plot_file(n) for n in names), [n for n in names if not chart_folder.is_plot_file(n)]
    for name in ("README.md", "config.json", "report.json", "r.timelines.json", "notes.png.txt", "summary.txt"):
        assert not chart_folder.is_plot_file(name), name


def check(folder):
    try:
        chart_folder.check_out_folder(str(folder))
        return ""
    except chart_folder.NotAChartFolder as e:
        return str(e)


def test_which_folders_plot_may_write_into(tmp_path):
    assert "is the root folder" in check("/")
    assert "is the root folder" in check("/tmp/..")
    root_link = tmp_path / "root"
    root_link.symlink_to("/")
    assert "is the root folder" in check(root_link)
    assert check(tmp_path / "new") == ""  # created
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check(empty) == ""
    old_charts = tmp_path / "old-charts"  # drawn before the marker: only plot.py's names
    old_charts.mkdir()
    for name in ("tutorial-cpu-scale-1.png", "laptop-p8_scaling-sleep-n20.svg", "summary.md"):
        (old_charts / name).write_text("x")
    assert check(old_charts) == ""
    marked = tmp_path / "marked"
    marked.mkdir()
    (marked / chart_folder.MARKER).write_text("")
    (marked / "my-notes.txt").write_text("kept")
    assert check(marked) == ""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("README.md", "CMakeLists.txt", "plot", "src", "summary.html"):
        (project / name).write_text("x")
    message = check(project)
    assert message.startswith(f"--out {project}: an existing folder that is not a concbench chart folder")
    assert "CMakeLists.txt, README.md, plot and 1 more" in message
    inside = tmp_path / "charts-with-a-folder"
    inside.mkdir()
    (inside / "tutorial-x.png").mkdir()  # a plot.py name, but a folder: not plot.py's
    assert "not a concbench chart folder" in check(inside)
