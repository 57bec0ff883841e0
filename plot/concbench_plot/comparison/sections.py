"""The sections compare.py prints, in order: the legend, a table per OTHER report with its
notes, the speedups over each machine's own sequential run, the hardware and build side by
side, and the gate."""

from __future__ import annotations

import string

from concbench_plot.comparison import comparison_statistics as cs
from concbench_plot.comparison import context_diff
from concbench_plot.comparison.gate import gate_closures, gate_trips
from concbench_plot.comparison.own_speedups import entry_speedup, sequential_index
from concbench_plot.comparison.pair_comparison import PairComparison, ordered_entries
from concbench_plot.comparison.text_output import (Out, fmt_count, fmt_interval, fmt_p, fmt_percent, fmt_ratio, plural,
                                                   shorten)
from concbench_plot.reports.formatting import format_speedup_interval, format_time_interval
from concbench_plot.reports.model_names import is_sequential
from concbench_plot.reports.report_data import Report


def tags_for(count: int) -> list:
    letters = string.ascii_uppercase
    return [letters[i] if i < len(letters) else f"R{i + 1}" for i in range(count)]


def write_legend(out: Out, reports: list, tags: list, alpha: float):
    out.heading("concbench comparison", 1)
    items = []
    for i, (r, tag) in enumerate(zip(reports, tags)):
        role = "BASE" if i == 0 else "other"
        date = r.context.get("date")
        items.append(f"{tag} ({role}): {out.code(r.path)} — {r.machine_label}"
                     + (f", {date}" if date else ""))
    out.bullets(items)
    out.para(f"Familywise error rate alpha = {alpha:g} per comparison with {tags[0]}. "
             "Ratios are OTHER/BASE: above 1 means slower than BASE.")
    lacking = [f"{tag}: {r.lacks}." for r, tag in zip(reports, tags) if r.lacks]
    if lacking:
        out.para(*lacking)


def write_pair(out: Out, pair: PairComparison):
    a, b = pair.base_tag, pair.other_tag
    m = pair.family_size
    out.heading(f"{b} vs {a}: {plural(m, 'entry', 'entries')} compared")
    starved = too_few_repetitions(pair)
    # Most entries starved: say so first, with what would do, before ~80 rows that say nothing.
    prominent = len(starved) * 2 > m
    if prominent:
        write_too_few(out, pair, starved)
    level = 1 - pair.interval_alpha
    own = fmt_percent(1 - pair.alpha)
    est = pair.estimator
    with_intervals = any(r.intervals_overlap is not None for r in pair.compared)
    out.para(
        *([""] if prominent else []),
        f"Estimator compared: {est}" + (" (both reports' lead estimator), each with its 95 % interval "
                                        "[low, high]; a difference is significant only when the U test "
                                        "rejects AND the two intervals do not overlap." if with_intervals else
                                        " (no intervals in these reports: the U test alone decides)."),
        f"{b}/{a}: ratio of the {est}s. HL: Hodges–Lehmann ratio (median of all pairwise ratios of "
        "repetitions).",
        f"\"{own} own\": the entry's own distribution-free interval of the HL ratio, NOT corrected "
        f"for the other entries: what its repetitions alone say (with {plural(m, 'entry', 'entries')}, "
        f"about {fmt_count(m * pair.alpha)} of these may miss by chance alone).",
        f"\"{fmt_percent(level)} corrected\": the same interval at {fmt_percent(level)} each "
        f"(Bonferroni, 1 − {pair.alpha:g}/{m}), so all {m} hold together with ≥ "
        f"{fmt_percent(1 - pair.alpha)}; the gate uses these.",
        f"Verdict: two-sided Mann–Whitney U test (\"test\": exact null distribution — with ties, "
        f"the exact permutation distribution over midranks — or, beyond 50 repetitions a side, the "
        f"normal approximation), Holm-corrected over the {plural(m, 'entry', 'entries')}; \"p\" is "
        "unadjusted, \"Holm p\" adjusted.")
    headers = ["entry", f"{a} {est}", f"{b} {est}", f"{b}/{a}", "HL", f"{own} own",
               f"{fmt_percent(level)} corrected", "reps", "test", "p", "Holm p", "verdict"]
    rows = []
    for r in pair.compared:
        s = r.stats
        rows.append([out.code(r.name), format_time_interval(r.estimate(r.base), r.interval(r.base)),
                     format_time_interval(r.estimate(r.other), r.interval(r.other)),
                     fmt_ratio(r.ratio), fmt_ratio(s.ratio_hl), fmt_interval(s.entry_interval),
                     fmt_interval(s.interval), f"{s.m}v{s.n}", s.method, fmt_p(s.p),
                     fmt_p(r.adjusted_p), r.verdict])
    means = pair.geometric_means()
    if means is not None:
        rows.append([f"geometric mean ({plural(m, 'entry', 'entries')})", "", "", fmt_ratio(means[0]),
                     fmt_ratio(means[1]), "", "", "", "", "", "", ""])
    if rows:
        out.table(headers, rows, "lrrrrrrrlrrl")
    else:
        out.para("No entry could be compared (see below).")
    write_pair_notes(out, pair, starved if not prominent else [])


def too_few_repetitions(pair: PairComparison) -> list:
    """Entries whose verdict is "insufficient repetitions" or whose corrected interval is
    unbounded: the table's correction asks more of them than their repetitions can give."""
    return [r for r in pair.compared
            if r.verdict == "insufficient repetitions" or r.stats.interval is None]


def write_too_few(out: Out, pair: PairComparison, starved: list):
    insufficient = [r for r in starved if r.verdict == "insufficient repetitions"]
    unbounded = [r for r in starved if r.stats.interval is None]
    sizes = sorted({(r.stats.m, r.stats.n) for r in starved})
    shown = ", ".join(f"{m} vs {n} repetitions the smallest possible p is "
                      f"{fmt_p(cs.min_p_value(m, n, cs.choose_method(m, n)))}"
                      for m, n in sizes[:4])
    need = cs.repetitions_needed(pair.interval_alpha)
    m = pair.family_size
    out.para(
        "",
        f"TOO FEW REPETITIONS for {plural(m, 'entry', 'entries')}: {len(insufficient)} of "
        f"{plural(m, 'verdict', 'verdicts')} {'is' if len(insufficient) == 1 else 'are'} "
        f"\"insufficient repetitions\" and {len(unbounded)} of "
        f"{plural(m, 'corrected interval', 'corrected intervals')} "
        f"{'is' if len(unbounded) == 1 else 'are'} \"unbounded\". With {shown}, but each entry must reach {fmt_p(pair.interval_alpha)} = "
        f"{pair.alpha:g}/{m} (the first Holm step, and every corrected interval): even completely "
        "separated repetitions cannot, so these cannot trip the gate either.",
        (f"{need} repetitions per side would do: concbench --benchmark_repetitions={need}. "
         if need else "")
        + f"Meanwhile the \"{fmt_percent(1 - pair.alpha)} own\" column shows each entry's own "
          "evidence, uncorrected.")


def write_pair_notes(out: Out, pair: PairComparison, starved: list):
    """What follows the table: the verdict counts, a too-few-repetitions note when it was not
    given above, failed repetitions, entries not compared, entries in one report only."""
    a, b = pair.base_tag, pair.other_tag
    counts = {}
    for r in pair.compared:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    if counts:
        summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        out.para("", f"Verdicts ({b} vs {a}): {summary}.")
    if starved:
        write_too_few(out, pair, starved)
    partial = [r for r in pair.compared
               if r.base.failed_repetitions or r.other.failed_repetitions]
    if partial:
        out.para("", "Compared on their successful repetitions only (some repetitions failed):")
        out.bullets([f"{out.code(r.name)}: {a} {r.base.failed_repetitions} failed, "
                     f"{b} {r.other.failed_repetitions} failed" for r in partial])
    if pair.not_compared:
        out.para("", f"Not compared ({len(pair.not_compared)}):")
        out.bullets([f"{out.code(r.name)}: {r.problem}" for r in pair.not_compared])
    for tag, report, names in ((a, pair.base, pair.only_base), (b, pair.other, pair.only_other)):
        if names:
            out.para("", f"Only in {tag} ({len(names)}): " + only_in_summary(out, report, names))


def only_in_summary(out: Out, report: Report, names: list) -> str:
    """Short: a workload whose entries are all missing from the other report is one item
    ("all 35 http entries"); the rest are named."""
    only = set(names)
    per_workload: dict = {}
    for e in ordered_entries(report):
        per_workload.setdefault(e.workload, []).append(e.run_name)
    items = []
    for workload, all_names in per_workload.items():
        missing = [n for n in all_names if n in only]
        if len(missing) == len(all_names) and len(missing) > 1:
            items.append(f"all {len(missing)} {out.code(workload)} entries")
        else:
            items += [out.code(n) for n in missing]
    return ", ".join(items) + "."


def write_speedups(out: Out, reports: list, tags: list):
    out.heading("Speedup over each machine's own sequential run")
    ps = [f"{t}: P={r.context.get('usable_cpus', '?')}" for r, t in zip(reports, tags)]
    leads = sorted({r.lead_name for r in reports})
    out.para(f"Speedup = that report's sequential {'/'.join(leads)} ÷ the entry's (same workload and "
             "params; [low, high]: its 95 % interval where the report gives one), so machines with "
             "different core counts compare fairly. A speedup whose interval lies wholly above P is a "
             "measurement error (⚠), not a result. "
             f"Above 1 in a ÷ column: that machine scales better than {tags[0]}. "
             "Sequential rows (1× by definition) are left out.", f"{'; '.join(ps)}.")
    indexes = [sequential_index(r) for r in reports]
    by_name = [{e.run_name: e for e in r.entries} for r in reports]
    headers = ["entry", f"{tags[0]} speedup"]
    align = "lr"
    for t in tags[1:]:
        headers += [f"{t} speedup", f"{t}÷{tags[0]}"]
        align += "rr"
    rows = []
    for e in ordered_entries(reports[0]):
        if is_sequential(e.model) or not any(e.run_name in names for names in by_name[1:]):
            continue
        speedups = [entry_speedup(names[e.run_name], idx) if e.run_name in names else None
                    for names, idx in zip(by_name, indexes)]
        if all(s is None for s in speedups):
            continue
        entries = [names.get(e.run_name) for names in by_name]
        cells = [_speedup_cell(s, x) for s, x in zip(speedups, entries)]
        row = [out.code(e.run_name), cells[0]]
        for s, cell in zip(speedups[1:], cells[1:]):
            row.append(cell)
            row.append(fmt_ratio(s / speedups[0]) if s and speedups[0] else "—")
        rows.append(row)
    if rows:
        out.table(headers, rows, align)
    else:
        out.para("No entry in common has a sequential run to compare with.")


def _speedup_cell(speedup, e) -> str:
    """`1.85× [1.81, 1.89]`; with ⚠ when the entry's figures are a measurement error."""
    if not speedup:
        return "—"
    interval = e.speedup_interval if e is not None and e.speedup is not None else None
    return format_speedup_interval(speedup, interval) + (" ⚠" if e is not None and e.measurement_error else "")


# Widest context cell in the table; longer values are cut there and given in full below the
# table, so one long row (warnings, a command line) does not stretch every column of every
# other row. Text: about 120 columns of values whatever the number of reports; Markdown
# (rendered, and wrapped by the renderer): a fixed 80.
def context_cell_width(markdown: bool, reports: int) -> int:
    return 80 if markdown else max(30, min(60, 120 // max(1, reports)))


def write_context(out: Out, reports: list, tags: list):
    out.heading("Hardware and build")
    rows = context_diff.context_rows([r.context for r in reports])
    mark = "≠"
    width = context_cell_width(out.markdown, len(reports))
    table, long_rows = [], []
    for row in rows:
        if any(len(v) > width for v in row.values):
            long_rows.append(row)
        table.append([mark if row.differs else "", row.label, *(shorten(v, width) for v in row.values)])
    out.para(f"\"{mark}\": the reports differ on this row (as displayed). \"—\": absent."
             + (" \"…\": cut here, in full below the table." if long_rows else ""))
    out.table(["", "context", *tags], table, "ll" + "l" * len(tags))
    for row in long_rows:
        write_context_in_full(out, row, tags)


def write_context_in_full(out: Out, row, tags: list):
    """One long context row below the table: each report's value whole, a list of sentences
    (warnings) one item a line; reports with the same value share one line."""
    same: dict = {}
    for tag, value, items in zip(tags, row.values, row.items):
        sentences = tuple(items) if items and len(items) > 1 and any(" " in i for i in items) else None
        same.setdefault((value, sentences), []).append(tag)
    out.para("", f"{row.label}{' (≠)' if row.differs else ''}, in full:")
    bullet, sub = ("- ", "  - ") if out.markdown else ("  ", "    - ")
    for (value, sentences), who in same.items():
        if sentences:
            out.lines.append(f"{bullet}{', '.join(who)}:")
            for item in sentences:
                out.lines += out.wrap(sub + item, " " * len(sub))
        else:
            out.lines += out.wrap(f"{bullet}{', '.join(who)}: {value}", " " * (len(bullet) + 2))
    if out.markdown:
        out.lines.append("")


def write_gate(out: Out, pairs: list, threshold: float) -> list:
    out.heading(f"Gate: --fail-above {threshold:g}")
    tripped_all = []
    for pair in pairs:
        tripped = gate_trips(pair, threshold)
        blind = [r for r in pair.compared if r.stats.interval is None]
        tag = f"{pair.other_tag} vs {pair.base_tag}"
        closures = gate_closures(pair)
        if closures:
            out.para(f"{tag}: FAILED CLOSED: {pair.other_tag} cannot pass the gate, whatever its ratios "
                     f"({len(closures)} {'reason' if len(closures) == 1 else 'reasons'}):")
            out.bullets(closures)
        if tripped:
            out.para(f"{tag}: TRIPPED by {plural(len(tripped), 'entry', 'entries')} "
                     f"whose corrected interval lies wholly above {threshold:g}:")
            out.bullets([f"{out.code(r.name)}: {pair.other_tag}/{pair.base_tag} "
                         f"{fmt_ratio(r.ratio)}, corrected interval {fmt_interval(r.stats.interval)}" for r in tripped])
        elif closures:
            if pair.compared:
                out.para(f"{tag}: no entry's corrected interval lies wholly above {threshold:g} (the ratios "
                         "alone would have passed).")
        else:
            out.para(f"{tag}: passed (no entry's corrected interval lies wholly above {threshold:g}).")
        if blind:
            out.para(f"{tag}: {len(blind)} of {plural(pair.family_size, 'entry', 'entries')} could not trip the gate "
                     "(corrected interval unbounded: too few repetitions).")
        tripped_all += [(pair, r) for r in tripped]
    return tripped_all
