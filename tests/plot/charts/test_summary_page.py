"""summary.md and summary.html (summary_page.py): every chart embedded, each with a
reading computed from the data, the machines and reports named at the top."""

import base64
import html.parser
import re

import pytest

from concbench_plot.charts import chart_plan
from concbench_plot.reports.report_loading import load_report
from plot_support import SWEEP_REPORT, load_fixture


class Page(html.parser.HTMLParser):
    """The images and the text of an HTML page."""

    def __init__(self):
        super().__init__()
        self.images, self.links, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        for key in ("src", "href"):
            if key in attrs and tag != "img":
                self.links.append(attrs[key])

    def handle_data(self, data):
        self.text.append(data)


def charts_in(out):
    return sorted(p.stem for p in out.glob("*.png"))


@pytest.fixture(scope="module")
def small(drawn):
    result, out = drawn
    assert result.returncode == 0, result.stderr
    return out


def test_markdown_embeds_every_chart(small):
    md = (small / "summary.md").read_text()
    assert md.startswith("# concbench summary")
    assert "**Intel(R) Xeon(R) Platinum 8488C, P=2 (bench-vm-2)** — `report_small.json`" in md.splitlines()[4]
    embedded = re.findall(r"!\[[^\]]*\]\(([^)]+)\.png\)", md)
    assert sorted(embedded) == charts_in(small)
    assert md.count("**Reading:** ") == len(embedded)


def test_html_is_self_contained_and_embeds_every_chart(small):
    page = Page()
    page.feed((small / "summary.html").read_text())
    srcs = [img["src"] for img in page.images]
    assert len(srcs) == len(charts_in(small))
    for src in srcs:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG")
    assert page.links == [], "nothing external: no scripts, styles or links to fetch"
    text = " ".join(page.text)
    assert "Intel(R) Xeon(R) Platinum 8488C, P=2 (bench-vm-2)" in text and "report_small.json" in text
    assert text.count("Reading:") == len(srcs)


def test_tutorial_reading_matches_the_fixture(small):
    # cpu scale 1: the fastest entry by its median row is thread-per-task; its speedup and
    # efficiency as the report wrote them.
    medians = {b["run_name"]: b for b in load_fixture()["benchmarks"]
               if b.get("aggregate_name") == "median" and b["workload"] == "cpu" and b["params"]["scale"] == 1
               and not b.get("error_occurred")}
    seconds = {n: b["real_time"] * {"ms": 1e-3, "us": 1e-6}[b["time_unit"]] for n, b in medians.items()}
    fastest = min(seconds, key=seconds.get)
    assert fastest == "cpu/thread-per-task/scale:1"
    row = medians[fastest]
    expected = (f"thread-per-task W=17 is fastest ({seconds[fastest] * 1e3:.3g} ms): {row['speedup']:.2f}× "
                f"faster than sequential, {row['efficiency'] * 100:.0f} % of ideal; 1 entry failed")
    assert f"**Reading:** {expected}" in (small / "summary.md").read_text()
    assert expected in (small / "summary.html").read_text()


def test_notes_say_what_was_not_drawn(small):
    md = (small / "summary.md").read_text()
    notes = md.split("## Not drawn", 1)[1]
    assert "cpu: 17 tasks, scale 100: one repetition per entry" in notes
    assert "no workload was run at two or more task counts" in notes


def test_sweep_report_summary_has_memory_chart_and_reading():
    # The plan and the Markdown need no drawing: quick. (The chart itself: test_sweep_chart.py.)
    from concbench_plot.charts import summary_page

    report = load_report(str(SWEEP_REPORT))
    charts, notes, warnings = chart_plan.plan([report])
    assert warnings == []
    kinds = {c.kind for c in charts}
    assert {"tutorial", "scaling", "distribution", "timeline", "sweep"} <= kinds
    md = summary_page.markdown([report], charts, notes)
    assert "![How does it grow with the task count? sleep: sleep ms 10, time scale 1]" \
           "(sweep-sleep-sleep-ms-10-time-scale-1.png)" in md
    assert "sequential time ∝ N^1.00" in md
    assert "**Test CPU 4-core, P=4 (sweep-box)** — `sweep_report.json`" in md
    assert "memory against task count not drawn" not in md
