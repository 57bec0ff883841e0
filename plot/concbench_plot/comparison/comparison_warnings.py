"""Differences between two reports that make their comparison questionable but not
meaningless (schema version, suite, params), and an incomplete run: warnings on stderr."""

from __future__ import annotations

import json

from concbench_plot.comparison.pair_comparison import EPHEMERAL_PARAMS, params_key
from concbench_plot.reports.naming import canonical_params
from concbench_plot.reports.report_data import Report


def pair_warnings(base: Report, other: Report, common_names: list) -> list:
    """Differences that make a comparison questionable but not meaningless."""
    out = []
    # Version 2 only added optional context fields, but a reader should hear of the difference.
    bv = base.context.get("concbench_schema_version")
    ov = other.context.get("concbench_schema_version")
    if bv != ov:
        out.append(f"{base.path} has concbench_schema_version {bv}, {other.path} has {ov}: "
                   "fields may mean different things")
    bs, os_ = base.context.get("suite"), other.context.get("suite")
    if bs != os_:
        out.append(f"{base.path} ran suite {bs!r}, {other.path} ran suite {os_!r}")
    by_name_b = {e.run_name: e for e in base.entries}
    by_name_o = {e.run_name: e for e in other.entries}
    differing = [n for n in common_names
                 if params_key(by_name_b[n].params) != params_key(by_name_o[n].params)]
    shown = 5
    for name in differing[:shown]:
        out.append(f"{name}: params differ between {base.path} and {other.path} "
                   f"({params_difference(by_name_b[name].params, by_name_o[name].params)}): "
                   "compared anyway")
    if len(differing) > shown:
        out.append(f"… and {len(differing) - shown} more entries whose params differ "
                   f"between {base.path} and {other.path}")
    return out


def params_difference(a: dict, b: dict) -> str:
    """`scale 1 vs 2, nums only in BASE`: which keys differ, values shortened."""
    def short(v):
        text = canonical_params(v) if isinstance(v, (dict, list)) else json.dumps(v)
        return text if len(text) <= 20 else text[:19] + "…"

    parts = []
    for key in sorted(set(a) | set(b)):
        if key in EPHEMERAL_PARAMS:
            continue
        if key not in b:
            parts.append(f"{key} only in BASE")
        elif key not in a:
            parts.append(f"{key} only in OTHER")
        elif canonical_params(a[key]) != canonical_params(b[key]):
            parts.append(f"{key} {short(a[key])} vs {short(b[key])}")
    return ", ".join(parts)


def report_warnings(report: Report) -> list:
    if not report.complete:
        return [f"{report.path}: incomplete run (\"complete\": false): comparing the entries "
                "it finished"]
    return []
