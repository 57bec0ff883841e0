"""How params, groups and machines are named: params as canonical text (equal objects, equal
text), and in titles and file names `cpu: 17 tasks, scale 1`, `cpu-scale-1`, `Xeon, P=2 (vm)`,
`vm-p2`."""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any


def canonical_params(params: Any) -> str:
    """Params as a canonical JSON string: equal objects give equal strings (1 == 1.0)."""

    def norm(v):
        if isinstance(v, dict):
            return {k: norm(v[k]) for k in sorted(v)}
        if isinstance(v, list):
            return [norm(x) for x in v]
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v

    return json.dumps(norm(params), sort_keys=True, separators=(",", ":"))


# The params that name a group in titles and file names; other workloads show all scalars.
HEADLINE_PARAMS = {
    "cpu": ["scale"],
    "sleep": ["tasks", "sleep_ms", "shape", "seed", "time_scale"],
    # The server's URL (an ephemeral port) is in params but names nothing a reader compares.
    "http": ["delay_ms", "body_bytes", "keep_alive"],
    # The program (/bin/true) and the start count name nothing a reader compares.
    "fork-cost": ["parent_rss_mb", "start"],
}


def _fmt_number(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:g}" if isinstance(v, float) else str(v)


def _scalar_items(params: dict) -> list:
    return [(k, v) for k, v in sorted(params.items())
            if isinstance(v, (int, float, str, bool)) and v is not None]


def params_title(workload: str, params: dict, tasks: int | None) -> str:
    """`17 tasks, scale 100`; `20 tasks × 20 ms`; otherwise `N tasks, key value, …`."""
    parts = []
    if workload == "sleep" and "sleep_ms" in params:
        n = params.get("tasks", tasks)
        parts.append(f"{_fmt_number(n)} tasks × {_fmt_number(params['sleep_ms'])} ms"
                     if n is not None else f"{_fmt_number(params['sleep_ms'])} ms each")
        if params.get("time_scale", 1) != 1:
            parts.append(f"time scale {_fmt_number(params['time_scale'])}")
        return ", ".join(parts)
    n = params.get("tasks", tasks)
    if n is not None:
        parts.append(f"{_fmt_number(n)} tasks")
    headline = HEADLINE_PARAMS.get(workload)
    items = [(k, params[k]) for k in headline if k in params] if headline else _scalar_items(params)
    for k, v in items:
        if k == "tasks":
            continue
        parts.append(f"{k.replace('_', ' ')} {_fmt_number(v)}")
    return ", ".join(parts)


def slugify(text: str) -> str:
    text = re.sub(r"[^A-Za-z0-9.]+", "-", str(text)).strip("-.")
    return text or "x"


def params_slug(workload: str, params: dict) -> str:
    headline = HEADLINE_PARAMS.get(workload)
    items = [(k, params[k]) for k in headline if k in params] if headline else _scalar_items(params)
    if workload == "sleep":
        short = {"tasks": "n", "sleep_ms": "ms", "time_scale": "ts"}
        return slugify("_".join(f"{short.get(k, k)}{_fmt_number(v)}" for k, v in items)) or "default"
    return slugify("_".join(f"{k}-{_fmt_number(v)}" for k, v in items)) or "default"


def assign_slugs(groups: list) -> None:
    """A file-name slug per group, unique within the report (a params hash on collision)."""
    for g in groups:
        g.slug = f"{slugify(g.workload)}-{params_slug(g.workload, g.params)}"
    counts: dict[str, int] = {}
    for g in groups:
        counts[g.slug] = counts.get(g.slug, 0) + 1
    for g in groups:
        if counts[g.slug] > 1:
            digest = hashlib.sha1(canonical_params(g.params).encode()).hexdigest()[:8]
            g.slug += f"-{digest}"


def machine_label(context: dict) -> str:
    cpu = context.get("cpu_model") or "unknown CPU"
    p = context.get("usable_cpus")
    host = context.get("host_name")
    text = f"{cpu}, P={p}" if p is not None else str(cpu)
    return f"{text} ({host})" if host else text


def machine_slug(context: dict, fallback: str) -> str:
    host = context.get("host_name")
    p = context.get("usable_cpus")
    base = slugify(host) if host else slugify(os.path.splitext(os.path.basename(fallback))[0])
    return f"{base}-p{p}" if p is not None else base
