"""standings.py: one winner only when its interval is clear of every other contender's; tied
entries named otherwise; a measurement error never wins; no intervals at all: the best."""

from concbench_plot.reports.standings import TIED, names, standing


def _items(*rows):
    return [dict(name=n, value=v, interval=i, error=err) for n, v, i, err in rows]


def _standing(items, higher=False):
    return standing(items, lambda i: i["value"], lambda i: i["interval"], higher_is_better=higher,
                    error=lambda i: i["error"])


def test_intervals_that_do_not_overlap_name_one_winner():
    s = _standing(_items(("threads W=2", 18.3, (18.1, 18.6), ""), ("coroutines", 19.0, (18.8, 19.3), ""),
                         ("sequential", 34.0, (33.9, 34.2), "")))
    assert [i["name"] for i in s.leaders] == ["threads W=2"] and not s.tied and s.has_intervals


def test_intervals_that_overlap_name_the_tied_entries():
    s = _standing(_items(("threads W=2", 18.3, (18.1, 18.9), ""), ("coroutines K=all", 18.5, (18.2, 18.8), ""),
                         ("sequential", 34.0, (33.9, 34.2), "")))
    assert s.tied and [i["name"] for i in s.leaders] == ["threads W=2", "coroutines K=all"]
    assert f"{names([i['name'] for i in s.leaders])} {TIED}" == \
        "threads W=2 and coroutines K=all are tied (intervals overlap, or one has none)"


def test_a_third_entry_overlapping_the_best_ties_even_when_the_runner_up_does_not():
    s = _standing(_items(("a", 10.0, (9.9, 10.1), ""), ("b", 10.5, (10.2, 10.8), ""), ("c", 11.0, (9.95, 12.0), "")))
    assert [i["name"] for i in s.leaders] == ["a", "c"]


def test_highest_speedup_and_a_measurement_error_left_out():
    s = _standing(_items(("thread-per-task", 2.4, (2.38, 2.43), "above P"), ("threads W=2", 1.85, (1.81, 1.89), ""),
                         ("threads W=1", 0.99, (0.98, 1.0), "")), higher=True)
    assert [i["name"] for i in s.leaders] == ["threads W=2"]
    assert [i["name"] for i in s.errors] == ["thread-per-task"]


def test_without_any_interval_the_best_is_named_as_before():
    s = _standing(_items(("a", 10.0, None, ""), ("b", 10.01, None, "")))
    assert [i["name"] for i in s.leaders] == ["a"] and not s.has_intervals


def test_an_entry_without_an_interval_cannot_be_told_apart_from_any():
    s = _standing(_items(("a", 10.0, (9.9, 10.1), ""), ("b", 10.05, None, ""), ("c", 12.0, None, ""),
                         ("d", 13.0, (12.9, 13.1), "")))
    assert [i["name"] for i in s.leaders] == ["a", "b", "c"]
    # The lowest point without an interval is not a winner either: it ties every other.
    s = _standing(_items(("a", 9.0, None, ""), ("b", 10.0, (9.9, 10.1), ""), ("c", 12.0, (11.9, 12.1), "")))
    assert [i["name"] for i in s.leaders] == ["a", "b", "c"]


def test_names():
    assert names(["a"]) == "a" and names(["a", "b", "c"]) == "a, b and c"
