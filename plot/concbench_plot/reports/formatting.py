"""Times, speedups and efficiencies as a reader reads them: `17.8 ms`, `1.96×`, `98 % of ideal`."""

from __future__ import annotations

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
