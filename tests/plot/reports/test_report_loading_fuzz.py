"""A bounded mutation fuzz of the report loader (reports are read only here, in Python: the
C++ side writes them and never reads one back). Every mutated report must either load or be
refused with ReportError: never another exception, which plot.py and compare.py would show as
a traceback instead of one line and exit status 2. A report that loads must then survive
what plot.py and compare.py do with it before drawing (chart_plan.plan: every chart's reading;
compare_pair: the statistics against the original), so what the loader lets through is what
the tools can use. Seeded, so a failure reproduces; atheris-free, a fixed number of mutants.

The mutations: a truncated file, flipped bytes, a value of another type, a field gone, rows
shuffled or duplicated; and hostile inputs, each one a loader must refuse or bound:
times of zero, below zero, absurdly large or small, in another unit; models the code does not
name; W, loop threads, K and task counts of zero or below; nesting thousands deep; rows that
repeat a repetition (with and without process_index)."""

import copy
import json
import random

import pytest

from concbench_plot.charts import chart_plan
from concbench_plot.comparison.pair_comparison import compare_pair
from concbench_plot.reports.model_names import KNOWN_MODELS
from concbench_plot.reports.report_loading import MAX_TIME_S, MIN_TIME_S, ReportError, load_report, to_seconds
from plot_support import REPORT, load_fixture

MUTATIONS = 400

ODD_VALUES = [None, True, False, 0, -1, 1e308, -1e-308, "", "x", "NaN", [], {}, [1, "a"], {"k": None},
              2 ** 63, "ms", "iteration", "aggregate"]
# Numbers at and beyond the edges of what a time, a count or a ratio may be.
ODD_NUMBERS = [0, 0.0, -0.0, -1, -1e-9, 5e-324, 1e-300, 1e-12, 1e-9, 1, 1e6, 9.9e8, 1e9, 1e12, 1e15, 2e15,
               1e18, 1e19, 1e300, 1e308, 2 ** 31, 2 ** 53 + 1, 2 ** 63, 2 ** 64, -2 ** 63]
NUMBER_FIELDS = ["real_time", "cpu_time", "ideal", "bound", "efficiency", "speedup", "workers", "loop_threads",
                 "inflight", "tasks", "repetition_index", "peak_rss_bytes", "task_p50_ns", "ns_per_increment"]
MODELS = KNOWN_MODELS + ["", "threads ", "Threads", "python-", "python-green-threads", "fibers", "x" * 200]


def paths(node, prefix=()):
    """Every place in the document a value can be replaced at."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, prefix + (index,))


def replace_at(document, path, value):
    if not path:
        return value
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return document


def delete_at(document, path):
    if not path:
        return document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    return document


def hostile(rng, original) -> str:
    """One hostile report, as text: an impossible time, count or model, deep nesting, a repeated row."""
    document = copy.deepcopy(original)
    rows = document["benchmarks"]
    row = rng.choice(rows)
    kind = rng.randrange(6)
    if kind == 0:  # an edge number in a time, count or ratio field
        for _ in range(rng.randint(1, 3)):
            rng.choice(rows)[rng.choice(NUMBER_FIELDS)] = rng.choice(ODD_NUMBERS)
    elif kind == 1:  # another unit: a time now 1e6 times larger or smaller
        row["time_unit"] = rng.choice(["ns", "us", "ms", "s"])
    elif kind == 2:  # a model, on every row of an entry (so the rows agree) or on one
        model = rng.choice(MODELS)
        for r in rows if rng.random() < 0.7 else [row]:
            if r["run_name"] == row["run_name"]:
                r["model"] = model
    elif kind == 3:  # W and its kin, on every row of an entry
        key, value = rng.choice(["workers", "loop_threads", "inflight", "tasks"]), rng.choice([0, -1, 1, 2 ** 40, 2.5])
        for r in rows:
            if r["run_name"] == row["run_name"]:
                r[key] = value
    elif kind == 4:  # nesting, shallow enough to read or deep enough to break a parser
        depth = rng.choice([1, 10, 58, 59, 60, 61, 200, 999, 5000, 50_000])
        if rng.random() < 0.5:  # in one entry's params (json.dumps itself would recurse: spliced in)
            for r in rows:
                if r["run_name"] == row["run_name"]:
                    r["params"]["deep"] = "DEEP"
            return json.dumps(document).replace('"DEEP"', "[" * depth + "1" + "]" * depth)
        return "[" * depth + json.dumps(document) + "]" * depth * rng.randint(0, 1)
    else:  # a repetition again: the same index (malformed), another, or another process
        twin = copy.deepcopy(row)
        choice = rng.randrange(3)
        if choice == 1 and isinstance(twin.get("repetition_index"), int):
            twin["repetition_index"] += 1000
        elif choice == 2:
            for r in rows:
                r["process_index"] = 0
            twin["process_index"] = 1
        rows.insert(rng.randrange(len(rows) + 1), twin)
    return json.dumps(document)


def mutated_texts(seed):
    rng = random.Random(seed)
    original = load_fixture()
    text = REPORT.read_text()
    all_paths = list(paths(original))
    for _ in range(MUTATIONS):
        kind = rng.randrange(7)
        if kind == 0:  # a truncated file
            yield text[:rng.randrange(len(text))]
        elif kind == 1:  # flipped bytes
            chars = list(text)
            for _ in range(rng.randint(1, 8)):
                chars[rng.randrange(len(chars))] = chr(rng.randrange(32, 127))
            yield "".join(chars)
        elif kind == 2:  # a value of another type
            document = replace_at(copy.deepcopy(original), rng.choice(all_paths), rng.choice(ODD_VALUES))
            yield json.dumps(document)
        elif kind == 3:  # a field gone
            document = delete_at(copy.deepcopy(original), rng.choice(all_paths))
            yield json.dumps(document)
        elif kind == 4:  # rows duplicated, reordered or mixed
            document = copy.deepcopy(original)
            rows = document["benchmarks"]
            rng.shuffle(rows)
            if rows and rng.random() < 0.5:
                rows.append(copy.deepcopy(rng.choice(rows)))
            yield json.dumps(document)
        else:
            yield hostile(rng, original)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_mutated_report_loads_or_is_refused_with_one_named_error(seed, tmp_path, fixture_report):
    outcomes = {"loaded": 0, "refused": 0}
    for number, text in enumerate(mutated_texts(seed)):
        path = tmp_path / f"mutant-{number}.json"
        path.write_text(text)
        try:
            report = load_report(str(path))
        except ReportError as error:
            assert "\n" not in str(error) and str(error).startswith(f"{path}: "), str(error)
            outcomes["refused"] += 1
            continue
        except Exception as error:  # noqa: BLE001 - exactly what the test looks for
            pytest.fail(f"seed {seed}, mutant {number}: {type(error).__name__}: {error}\n{text[:400]}")
        outcomes["loaded"] += 1
        try:  # what plot.py and compare.py do with a report before drawing or printing
            chart_plan.plan([report])
            compare_pair(fixture_report, report, "A", "B", 0.05)
            compare_pair(report, fixture_report, "A", "B", 0.05)
        except Exception as error:  # noqa: BLE001
            pytest.fail(f"seed {seed}, mutant {number} loaded, then {type(error).__name__}: {error}\n{text[:400]}")
    assert outcomes["loaded"] > 20 and outcomes["refused"] > 100, outcomes  # both paths exercised


def test_every_hostile_mutant_is_refused_or_within_limits(tmp_path):
    """The hostile mutations alone: what loads holds only times, counts and models within the
    loader's limits (the checks, not luck, let it through)."""
    rng = random.Random(13)
    original = load_fixture()
    for number in range(300):
        text = hostile(rng, original)
        path = tmp_path / f"hostile-{number}.json"
        path.write_text(text)
        try:
            report = load_report(str(path))
        except ReportError as error:
            assert "\n" not in str(error)
            continue
        for entry in report.entries:
            assert entry.model in KNOWN_MODELS and entry.workers >= 1
            for row in entry.iterations + list(entry.aggregates.values()):
                if row.get("aggregate_unit") == "percentage" or "real_time" not in row:
                    continue
                seconds = to_seconds(row["real_time"], row["time_unit"])
                assert 0 <= seconds <= MAX_TIME_S
                if not row.get("error_occurred") and row.get("aggregate_name") != "stddev":
                    assert seconds >= MIN_TIME_S
            keys = [(r["name"], r.get("repetition_index"), r.get("process_index")) for r in entry.iterations]
            assert len(keys) == len(set(keys)), "a duplicated repetition was let through"
