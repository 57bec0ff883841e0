"""How compare.py writes: plain text or Markdown (Out: the same sections, two spellings), and
its numbers as text (ratios, p-values, confidence levels, intervals, counts)."""

from __future__ import annotations

import math
import textwrap


def plural(count: int, one: str, many: str) -> str:
    """`1 entry`, `2 entries`, `0 entries`."""
    return f"{count} {one if count == 1 else many}"


def fmt_ratio(r: float | None) -> str:
    if r is None or not math.isfinite(r):
        return "—"
    return f"{r:.3f}" if 0.1 <= r < 100 else f"{r:.3g}"


def fmt_p(p: float | None) -> str:
    if p is None:
        return "—"
    if p >= 0.995:
        return "1"
    return f"{p:.2g}" if p >= 1e-4 else f"{p:.1e}"


def fmt_percent(level: float) -> str:
    """A confidence level with just enough decimals to show its complement: 95 %, 99.93 %."""
    percent = level * 100
    miss = 100 - percent
    for digits in range(8):
        text = f"{percent:.{digits}f}"
        if miss > 0 and abs((100 - float(text)) - miss) <= 0.1 * miss:
            return f"{text} %"
    return f"{percent:.8f} %"


def fmt_interval(interval: tuple | None) -> str:
    """(low, high, coverage) as `1.180 – 1.220`; None (no order statistic reaches the level)
    as "unbounded"."""
    if interval is None:
        return "unbounded"
    return f"{fmt_ratio(interval[0])} – {fmt_ratio(interval[1])}"


def fmt_count(x: float) -> str:
    """An expected count: `4`, `0.35`."""
    return f"{x:.0f}" if x >= 1 else f"{x:.2g}"


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


# Prose in text mode is folded at this many columns (tables are as wide as their cells).
TEXT_WIDTH = 100


class Out:
    """Plain text or Markdown: the same sections, two spellings."""

    def __init__(self, markdown: bool):
        self.markdown = markdown
        self.lines: list = []

    def heading(self, text: str, level: int = 2):
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        if self.markdown:
            self.lines += ["#" * level + " " + text, ""]
        else:
            self.lines += [text, "=" * len(text) if level <= 2 else "-" * len(text)]

    def para(self, *lines: str):
        """Lines of prose; in Markdown each keeps its own line (a trailing-backslash break).
        A leading "" asks for a blank line before, unless there is one already."""
        lines = list(lines)
        while lines and lines[0] == "" and (not self.lines or self.lines[-1] == ""):
            lines.pop(0)
        if self.markdown:
            self.lines += [line + "\\" if line and following else line
                           for line, following in zip(lines, lines[1:] + [""])] + [""]
        else:
            for line in lines:
                self.lines += self.wrap(line)

    def wrap(self, line: str, indent: str = "") -> list:
        """Text mode: a prose line folded at TEXT_WIDTH columns (continuations indented by
        `indent`); Markdown: the line as it is (the renderer wraps)."""
        if self.markdown or len(line) <= TEXT_WIDTH:
            return [line]
        return textwrap.wrap(line, TEXT_WIDTH, subsequent_indent=indent, break_long_words=False,
                             break_on_hyphens=False) or [line]

    def bullets(self, items: list):
        prefix = "- " if self.markdown else "  "
        for item in items:
            self.lines += self.wrap(prefix + item, " " * (len(prefix) + 2))
        if self.markdown:
            self.lines.append("")

    def code(self, text: str) -> str:
        return f"`{text}`" if self.markdown else text

    def table(self, headers: list, rows: list, align: str):
        """align: one letter per column, "l" or "r"."""
        if self.markdown:
            esc = [[str(c).replace("|", "\\|") for c in row] for row in [headers] + rows]
            self.lines.append("| " + " | ".join(esc[0]) + " |")
            self.lines.append("|" + "|".join("---" if a == "l" else "--:" for a in align) + "|")
            self.lines += ["| " + " | ".join(row) + " |" for row in esc[1:]]
            self.lines.append("")
            return
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        cells = [[str(c) for c in row] for row in [headers] + rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

        def line(row):
            parts = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align)]
            return "  ".join(parts).rstrip()

        self.lines.append(line(cells[0]))
        self.lines.append("  ".join("-" * w for w in widths))
        self.lines += [line(row) for row in cells[1:]]

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + "\n"
