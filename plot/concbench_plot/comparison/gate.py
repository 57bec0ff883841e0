"""compare.py's --fail-above gate: which entries trip it, and why it fails closed whatever the
ratios (an entry that failed or was not run in OTHER, or nothing compared at all)."""

from __future__ import annotations

from concbench_plot.comparison.pair_comparison import PairComparison
from concbench_plot.comparison.text_output import plural, shorten


def gate_trips(pair: PairComparison, threshold: float) -> list:
    """Entries whose corrected interval lies wholly above `threshold`."""
    return [r for r in pair.compared
            if r.stats.interval is not None and r.stats.interval[0] > threshold]


def gate_closures(pair: PairComparison) -> list:
    """Why the gate cannot pass OTHER whatever the ratios say (it fails closed): entries that
    succeeded in BASE but failed in OTHER (wholly, or in repetitions BASE did not lose), or
    that an interrupted OTHER never ran; or nothing compared at all. One text per entry (the
    entry's name first), or one for the pair; empty when the gate may judge OTHER."""
    reasons = []
    for r in pair.entries:
        b, o = r.base, r.other
        if b.failed:
            continue  # failing in both is not OTHER's regression
        why = shorten(" ".join(o.error_message.split()), 80)
        if o.failed:
            reasons.append(f"{r.name} failed in {pair.other_tag} ({why})")
        elif o.failed_repetitions > b.failed_repetitions:
            reasons.append(f"{r.name}: {o.failed_repetitions} of {o.repetitions} repetitions failed in "
                           f"{pair.other_tag} ({why})")
    if not pair.other.complete:
        bases = {e.run_name: e for e in pair.base.entries}
        reasons += [f"{name} was not run: {pair.other_tag} is an interrupted run (complete: false)"
                    for name in pair.only_base if not bases[name].failed]
    if not pair.compared and not reasons:
        reasons.append(f"nothing was compared: none of the {plural(len(pair.entries), 'entry', 'entries')} "
                       f"in common has repetition times on both sides")
    return reasons
