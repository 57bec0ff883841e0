"""Who is fastest, or highest: one winner only when its interval is clear of every other
contender's, else the entries it cannot be told apart from, named as tied.

Every reading that says "fastest", "peak" or "best" goes through here, so that a difference
inside the noise is never reported as a win. A report without intervals (schema 1 or 2)
names the best figure as before: it gives nothing to tell a tie by. An entry whose figures
are a measurement error (a speedup beyond P) is never a winner: it is named apart.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from concbench_plot.reports.estimates import overlap


@dataclasses.dataclass
class Standing:
    leaders: list  # the winner alone, or every entry tied with the best (best first)
    errors: list  # entries left out as measurement errors
    has_intervals: bool  # False: no interval anywhere, the best named as before

    @property
    def tied(self) -> bool:
        return len(self.leaders) > 1

    @property
    def best(self):
        return self.leaders[0] if self.leaders else None


def standing(items: list, value: Callable, interval: Callable, higher_is_better: bool = False,
             error: Callable = lambda item: "") -> Standing:
    """The best item by `value`, with every item whose `interval` overlaps the best's. Where
    the others have intervals, an item without one (too few repetitions) cannot be told apart
    from any of them: it is tied with the best, or, being the best, ties every other."""
    errors = [i for i in items if error(i)]
    contenders = [i for i in items if not error(i) and value(i) is not None]
    if not contenders:
        return Standing([], errors, False)
    ordered = sorted(contenders, key=value, reverse=higher_is_better)
    has_intervals = any(interval(i) is not None for i in contenders)
    if not has_intervals:
        return Standing(ordered[:1], errors, False)
    best = ordered[0]
    tied = [i for i in ordered[1:] if overlap(interval(best), interval(i))]
    return Standing([best] + tied, errors, True)


def names(labels: list) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + f" and {labels[-1]}"


TIED = "are tied (intervals overlap, or one has none)"


def entry_time_standing(entries: list) -> Standing:
    """The fastest of these entries by their lead time and its interval."""
    return standing([e for e in entries if not e.failed and e.time_s], lambda e: e.time_s,
                    lambda e: e.interval, error=lambda e: e.measurement_error)


def entry_speedup_standing(entries: list) -> Standing:
    """The highest speedup of these entries, with its interval."""
    return standing([e for e in entries if not e.failed and e.speedup is not None], lambda e: e.speedup,
                    lambda e: e.speedup_interval, higher_is_better=True, error=lambda e: e.measurement_error)
