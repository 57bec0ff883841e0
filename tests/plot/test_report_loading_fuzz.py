"""A bounded mutation fuzz of the report loader (reports are read only here, in Python: the
C++ side writes them and never reads one back). Every mutated report must either load or be
refused with ReportError: never another exception, which plot.py and compare.py would show as
a traceback instead of one line and exit status 2. Seeded, so a failure reproduces."""

import copy
import json
import random
import sys

import pytest

from conftest import REPO, REPORT, load_fixture

sys.path.insert(0, str(REPO / "plot"))
import report_loading as rl  # noqa: E402

MUTATIONS = 400

ODD_VALUES = [None, True, False, 0, -1, 1e308, -1e-308, "", "x", "NaN", [], {}, [1, "a"], {"k": None},
              2 ** 63, "ms", "iteration", "aggregate"]


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


def mutated_texts(seed):
    rng = random.Random(seed)
    original = load_fixture()
    text = REPORT.read_text()
    all_paths = list(paths(original))
    for _ in range(MUTATIONS):
        kind = rng.randrange(5)
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
        else:  # rows duplicated, reordered or mixed
            document = copy.deepcopy(original)
            rows = document["benchmarks"]
            rng.shuffle(rows)
            if rows and rng.random() < 0.5:
                rows.append(copy.deepcopy(rng.choice(rows)))
            yield json.dumps(document)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_mutated_report_loads_or_is_refused_with_one_named_error(seed, tmp_path):
    for number, text in enumerate(mutated_texts(seed)):
        path = tmp_path / f"mutant-{number}.json"
        path.write_text(text)
        try:
            rl.load_report(str(path))
        except rl.ReportError as error:
            assert "\n" not in str(error) and str(path) in str(error)
        except Exception as error:  # noqa: BLE001 - exactly what the test looks for
            pytest.fail(f"seed {seed}, mutant {number}: {type(error).__name__}: {error}\n{text[:400]}")
