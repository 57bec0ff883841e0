"""The README's example charts: every image it links exists, and plot/example_charts.py
(which redraws them) names charts plot.py actually draws from the committed reports."""

import importlib.util
import os
import re

from concbench_plot.charts import chart_plan
from concbench_plot.reports.report_loading import load_report
from plot_support import REPO

CHARTS_DIR = REPO / "reports" / "examples" / "charts"


def example_charts():
    spec = importlib.util.spec_from_file_location("example_charts", REPO / "plot" / "example_charts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def readme_images():
    text = (REPO / "README.md").read_text()
    return re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)


def test_every_readme_image_exists():
    images = readme_images()
    assert images, "the README shows the example charts"
    for link in images:
        assert (REPO / link).is_file(), link


def test_the_script_writes_exactly_the_readme_charts():
    charts = example_charts().CHARTS
    linked = {os.path.basename(link) for link in readme_images() if link.startswith("reports/examples/charts/")}
    assert set(charts) == linked
    assert sorted(p.name for p in CHARTS_DIR.glob("*.png")) == sorted(charts), "charts/ holds only what the README shows"


def test_the_script_names_charts_plot_draws():
    module = example_charts()
    reports = [load_report(path) for path in module.report_paths()]
    charts, _, _ = chart_plan.plan(reports)  # what plot.py would draw, without drawing it
    drawn = {f"{c.base}.png" for c in charts}
    assert set(module.CHARTS.values()) <= drawn, set(module.CHARTS.values()) - drawn


def test_the_script_is_executable_with_debian_python():
    script = REPO / "plot" / "example_charts.py"
    assert os.access(script, os.X_OK)
    assert script.read_text().splitlines()[0] == "#!/usr/bin/python3"
