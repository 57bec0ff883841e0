"""The one-page summary: every chart with a one-line reading, in Markdown and in HTML.

summary.md sits beside the charts and links their PNGs; summary.html is self-contained
(the PNGs embedded as base64 data URIs), so it can be mailed or attached to a CI run alone.
Both name the machines and reports at the top, and list what was not drawn and why.
"""

from __future__ import annotations

import base64
import html
import os

from concbench_plot.charts.chart_style import report_name

SUMMARY_FILES = ("summary.md", "summary.html")


def report_lines(report) -> list:
    """(name, machine, details) for the header: what ran where."""
    c = report.context
    build = c.get("build") if isinstance(c.get("build"), dict) else {}
    entries, groups = len(report.entries), len(report.groups)
    details = [f"{entries} {'entry' if entries == 1 else 'entries'} in {groups} {'group' if groups == 1 else 'groups'}"]
    for label, value in (("suite", c.get("suite")), ("date", c.get("date")), ("kernel", c.get("kernel")),
                         ("build", " ".join(str(build[k]) for k in ("compiler", "build_type") if build.get(k))),
                         ("commit", build.get("git_commit"))):
        if value:
            details.append(f"{label} {value}")
    if not report.complete:
        details.append("INCOMPLETE run")
    return [report_name(report), report.machine_label, ", ".join(details)]


def _sections(charts: list) -> list:
    order: list = []
    for c in charts:
        if c.section not in order:
            order.append(c.section)
    return [(s, [c for c in charts if c.section == s]) for s in order]


def markdown(reports: list, charts: list, notes: list) -> str:
    lines = ["# concbench summary", ""]
    lines.append("Machines and reports:")
    lines.append("")
    for name, machine, details in map(report_lines, reports):
        lines.append(f"- **{machine}** — `{name}` ({details})")
    lines.append("")
    for section, members in _sections(charts):
        lines += [f"## {section}", ""]
        for c in members:
            lines += [f"### {c.heading}", "", f"**Reading:** {c.reading}", "",
                      f"![{c.heading}]({c.base}.png)", "", f"[SVG]({c.base}.svg)", ""]
    if notes:
        lines += ["## Not drawn", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)


STYLE = """body{font-family:system-ui,sans-serif;max-width:1180px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
h3{margin-bottom:.2em}.reading{margin:.2em 0 .6em;font-size:1.05em}
img{max-width:100%;border:1px solid #eee}table{border-collapse:collapse}
td,th{padding:.2em .8em;text-align:left;border-bottom:1px solid #eee}code{font-size:.95em}"""


def html_page(reports: list, charts: list, notes: list, png_bytes) -> str:
    """`png_bytes(base)` returns a chart's PNG, embedded as a data URI."""
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>concbench summary</title>", f"<style>{STYLE}</style></head><body>",
           "<h1>concbench summary</h1>", "<table><tr><th>machine</th><th>report</th><th>details</th></tr>"]
    for name, machine, details in map(report_lines, reports):
        out.append(f"<tr><td><b>{e(machine)}</b></td><td><code>{e(name)}</code></td><td>{e(details)}</td></tr>")
    out.append("</table>")
    for section, members in _sections(charts):
        out.append(f"<h2>{e(section)}</h2>")
        for c in members:
            data = base64.b64encode(png_bytes(c.base)).decode("ascii")
            out += [f'<section id="{e(c.base)}"><h3>{e(c.heading)}</h3>',
                    f'<p class="reading"><b>Reading:</b> {e(c.reading)}</p>',
                    f'<img alt="{e(c.heading)}" src="data:image/png;base64,{data}"></section>']
    if notes:
        out.append("<h2>Not drawn</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_summary(folder: str, reports: list, charts: list, notes: list) -> list:
    """Writes summary.md and summary.html into `folder` (where the PNGs are); returns names."""
    def png_bytes(base):
        with open(os.path.join(folder, f"{base}.png"), "rb") as f:
            return f.read()

    with open(os.path.join(folder, "summary.md"), "w", encoding="utf-8") as f:
        f.write(markdown(reports, charts, notes))
    with open(os.path.join(folder, "summary.html"), "w", encoding="utf-8") as f:
        f.write(html_page(reports, charts, notes, png_bytes))
    return list(SUMMARY_FILES)
