"""Side-by-side hardware and build diff of report contexts, for compare.py.

A ratio between two machines means little until the reader knows what differs between them:
core count, cache sizes, compiler flags, a debug build, a loaded machine. This module turns
each report's `context` into rows of display text, one column per report, and marks the
rows whose text differs.

Known keys come first, in the order a reader checks them (the machine, then the build, then
the measured constants, then when and how it ran); keys this module does not know, such as
`governor` or `virtualisation` once the reporter writes them, still appear (after the known
ones, by name), so a new context field never needs a change here. Nested objects (`build`,
`machine_constants`) become one row per key (`build.compiler`), and a key absent on one side
is shown as "—".

"Differs" compares the DISPLAYED text (numbers to four significant figures): measured
constants such as core_ghz vary in the fifth digit from run to run on the same machine, and a
mark the reader cannot see in the values would only send them looking for nothing.
"""

from __future__ import annotations

import dataclasses
import json

ABSENT = "—"

# Top-level keys, known ones first, in reading order.
KNOWN_ORDER = [
    "host_name",
    "cpu_model",
    "usable_cpus",
    "physical_cores",
    "num_cpus",
    "memory_bytes",
    "kernel",
    "mhz_per_cpu",
    "cpu_scaling_enabled",
    "governor",
    "virtualisation",
    "caches",
    "build",
    "library_build_type",
    "machine_constants",
    "python_default_workers",
    "suite",
    "concbench_schema_version",
    "date",
    "load_avg",
]
# Inside nested objects, known keys first; the rest by name.
NESTED_ORDER = {
    "build": ["compiler", "flags", "build_type", "boost_version", "benchmark_version",
              "git_commit", "concbench_version"],
}
LABELS = {
    "host_name": "host",
    "cpu_model": "CPU model",
    "usable_cpus": "usable CPUs (P)",
    "physical_cores": "physical cores",
    "num_cpus": "CPUs (num_cpus)",
    "memory_bytes": "memory",
    "mhz_per_cpu": "MHz per CPU",
    "cpu_scaling_enabled": "CPU frequency scaling",
    "library_build_type": "Google Benchmark library build",
    "python_default_workers": "Python's default workers",
    "concbench_schema_version": "schema version",
    "load_avg": "load average (1, 5, 15 min)",
}


@dataclasses.dataclass
class ContextRow:
    key: str  # dotted path: "build.compiler"
    label: str
    values: list  # display text, one per report
    differs: bool
    # Per report, the items of a list of strings (`warnings`, `command_line`), else None: a
    # caller that cannot fit the joined text in a cell can list them one by one.
    items: list = dataclasses.field(default_factory=list)


def _ordered(keys, known) -> list:
    keys = list(keys)
    return [k for k in known if k in keys] + sorted(k for k in keys if k not in known)


def _bytes(n) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            v = n / size
            return f"{v:.3g} {unit}" if not float(v).is_integer() else f"{int(v)} {unit}"
    return f"{n} B"


def _number(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if 1e4 <= abs(v) < 1e15:  # four significant figures, without an exponent: 54120
            return str(int(round(v, 4 - len(str(int(abs(v)))))))
        return str(int(v)) if v.is_integer() else f"{v:.4g}"
    return str(v)


def _cache(c) -> str:
    """`L1d 32 KiB`, `L3 32 MiB (shared by 2)`: Google Benchmark's cache objects."""
    if not isinstance(c, dict):
        return _value(c)
    kind = {"Data": "d", "Instruction": "i"}.get(c.get("type"), "")
    text = f"L{c.get('level', '?')}{kind}"
    if isinstance(c.get("size"), (int, float)):
        text += " " + _bytes(c["size"])
    if isinstance(c.get("num_sharing"), int) and c["num_sharing"] > 1:
        text += f" (shared by {c['num_sharing']})"
    return text


def _value(v, key: str = "") -> str:
    if v is None:
        return "null"
    if key == "memory_bytes" and isinstance(v, (int, float)) and not isinstance(v, bool):
        return _bytes(v)
    if key == "caches" and isinstance(v, list):
        return ", ".join(_cache(c) for c in v) or "none"
    if isinstance(v, list):
        if all(isinstance(x, (int, float, str)) and not isinstance(x, bool) for x in v):
            # Words (a command line) join with spaces; sentences (warnings) and numbers with
            # separators, so one item's end is visible.
            words = all(isinstance(x, str) and " " not in x for x in v)
            sep = " " if words else "; " if all(isinstance(x, str) for x in v) else ", "
            return sep.join(_number(x) for x in v)
        return json.dumps(v, separators=(",", ":"))
    if isinstance(v, dict):
        return json.dumps(v, sort_keys=True, separators=(",", ":"))
    return _number(v)


def _flatten(context: dict) -> dict:
    """{dotted key: display text} for one context; nested objects one level deep."""
    out = {}
    for key, value in context.items():
        if isinstance(value, dict) and key != "caches":
            for sub, v in value.items():
                out[f"{key}.{sub}"] = _value(v, sub)
            if not value:
                out[key] = "{}"
        else:
            out[key] = _value(value, key)
    return out


def _row_order(contexts: list) -> list:
    """Dotted keys in display order over all contexts."""
    top = set()
    nested: dict[str, set] = {}
    for ctx in contexts:
        for key, value in ctx.items():
            top.add(key)
            if isinstance(value, dict) and key != "caches":
                nested.setdefault(key, set()).update(value)
    keys = []
    for key in _ordered(top, KNOWN_ORDER):
        if key in nested and nested[key]:
            keys += [f"{key}.{sub}" for sub in _ordered(nested[key], NESTED_ORDER.get(key, []))]
            # An empty object, or a scalar where other reports have an object: its own row.
            if any(key in c and (not isinstance(c[key], dict) or not c[key]) for c in contexts):
                keys.append(key)
        else:
            keys.append(key)
    return keys


def label(key: str) -> str:
    """A readable name for known keys; the key itself (dotted for nested ones) otherwise."""
    return LABELS.get(key, key)


def _lookup(context: dict, key: str):
    """The raw value at a dotted key (one level deep), or None."""
    if key in context:
        return context[key]
    head, _, sub = key.partition(".")
    inner = context.get(head)
    return inner.get(sub) if sub and isinstance(inner, dict) else None


def _string_items(v):
    if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
        return list(v)
    return None


def context_rows(contexts: list) -> list:
    """One ContextRow per key any context has, values as display text ("—" where absent)."""
    contexts = [c if isinstance(c, dict) else {} for c in contexts]
    flat = [_flatten(c) for c in contexts]
    rows = []
    for key in _row_order(contexts):
        values = [f.get(key, ABSENT) for f in flat]
        rows.append(ContextRow(key=key, label=label(key), values=values,
                               differs=len(set(values)) > 1,
                               items=[_string_items(_lookup(c, key)) for c in contexts]))
    return rows
