"""Times, speedups and efficiencies as a reader reads them: `17.8 ms`, `1.96×`, `98 % of ideal`."""

from __future__ import annotations

import math

DISPLAY_UNITS = [("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)]


def pick_unit(seconds: float) -> tuple:
    """(unit name, seconds per unit) so the largest value reads as 1 … 999."""
    for name, factor in DISPLAY_UNITS:
        if seconds >= factor:
            return name, factor
    return DISPLAY_UNITS[-1]


def format_time(seconds: float) -> str:
    """A time with three significant figures in its own sensible unit: `17.8 ms`, `3.41 s`."""
    name, factor = pick_unit(seconds)
    v = seconds / factor
    return f"{v:.3g} {name}" if v < 100 else f"{v:.0f} {name}"


def format_speedup(speedup: float) -> str:
    """`1.96×`; `19.2×`; two significant figures below 0.1× (`0.012×`)."""
    if speedup >= 10:
        return f"{speedup:.1f}×"
    return f"{speedup:.2f}×" if speedup >= 0.1 else f"{speedup:.2g}×"


def format_efficiency(efficiency: float) -> str:
    """`98 % of ideal`; two significant figures below 10 % (`1.2 % of ideal`)."""
    percent = efficiency * 100
    return f"{percent:.0f} % of ideal" if percent >= 9.5 else f"{percent:.2g} % of ideal"


def format_time_interval(seconds: float, interval: tuple | None) -> str:
    """`24.1 ms [23.8, 24.6]`: the interval in the estimate's unit and to its decimals; the time
    alone without one."""
    if interval is None:
        return format_time(seconds)
    name, factor = pick_unit(seconds)
    v = seconds / factor
    decimals = 0 if v >= 100 else max(0, 2 - math.floor(math.log10(v)))
    low, high = interval[0] / factor, interval[1] / factor
    return f"{v:.{decimals}f} {name} [{low:.{decimals}f}, {high:.{decimals}f}]"


def _ratio(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"


def format_speedup_interval(speedup: float, interval: tuple | None) -> str:
    """`1.90× [1.62, 2.15]`; the speedup alone without an interval."""
    text = format_speedup(speedup)
    return text if interval is None else f"{text} [{_ratio(interval[0])}, {_ratio(interval[1])}]"


def format_ratio_interval(value: float, interval: tuple | None) -> str:
    """An efficiency (or any ratio near 1): `0.98 [0.95, 0.99]`."""
    text = f"{value:.2f}"
    return text if interval is None else f"{text} [{interval[0]:.2f}, {interval[1]:.2f}]"
