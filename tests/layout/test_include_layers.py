"""The rooms of the C++ code and the one-way arrows between them (README.md "How the code is
laid out"): every `#include "…"` names a file from the project root, and a room includes only
the rooms below it. A new include that points upwards (the process layer reaching for a
scenario, a runner reaching for the CLI) fails here with the file and line, before it turns the
layers into a knot that no one can test one at a time.
"""

import pathlib
import re
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]

# Each room and the rooms it may include (besides itself). Order follows the drawing in
# README.md, top to bottom; workloads/ (with http/, calibration/, system/) is the floor.
ALLOWED = {
    "benchmarks": {"benchmarks/cli", "benchmarks/entries", "benchmarks/suites", "runners", "runners/batch",
                   "runners/threads", "runners/process", "runners/scenarios", "reports", "workloads"},
    "benchmarks/entries": {"benchmarks/suites", "benchmarks/cli", "runners", "runners/batch", "runners/threads",
                           "runners/process", "runners/scenarios", "reports", "workloads"},
    "benchmarks/suites": {"benchmarks/cli", "runners", "runners/batch", "runners/scenarios", "reports", "workloads"},
    "benchmarks/cli": {"runners/batch", "runners/process", "reports", "workloads"},
    "benchmarks/harness_costs": {"reports", "workloads"},
    "runners": {"runners/batch", "runners/threads", "runners/process", "runners/scenarios", "workloads"},
    "runners/scenarios": {"runners/batch", "runners/threads", "runners/process", "workloads"},
    "runners/threads": {"runners/batch", "workloads"},
    "runners/process": {"runners/batch", "workloads"},
    "runners/batch": {"workloads"},
    "reports": {"workloads"},
    "workloads": set(),
}
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)


def room_of(path):
    """The room a file belongs to: runners/ and benchmarks/ have sub-rooms, the rest are one."""
    parts = pathlib.PurePosixPath(path).parts
    if parts[0] in ("runners", "benchmarks") and len(parts) > 2:
        return f"{parts[0]}/{parts[1]}"
    return parts[0]


def project_sources():
    listed = subprocess.run(["git", "ls-files", "*.cpp", "*.hpp"], cwd=REPO, capture_output=True, text=True,
                            check=True).stdout.split()
    return [f for f in listed if not f.startswith("tests/")]


def includes(text):
    for match in INCLUDE.finditer(text):
        yield text.count("\n", 0, match.start()) + 1, match.group(1)


def upward_includes(sources):
    """The includes, among (path, text) pairs, that point up or sideways to a room not allowed."""
    upward = []
    for path, text in sources:
        source_room = room_of(path)
        for line, name in includes(text):
            target_room = room_of(name)
            if target_room != source_room and target_room not in ALLOWED[source_room]:
                upward.append(f"{path}:{line} ({source_room}) includes {name} ({target_room})")
    return upward


def read(paths):
    return [(path, (REPO / path).read_text()) for path in paths]


def test_every_room_of_the_code_is_in_the_table():
    rooms = {room_of(f) for f in project_sources()}
    assert rooms - ALLOWED.keys() == set(), "a new room needs its arrows in ALLOWED and README.md"


def test_every_include_is_rooted_at_the_project():
    every = project_sources() + subprocess.run(["git", "ls-files", "tests/*.cpp", "tests/*.hpp"], cwd=REPO,
                                               capture_output=True, text=True, check=True).stdout.split()
    wrong = [f"{path}:{line}: {name}" for path, text in read(every) for line, name in includes(text)
             if not (REPO / name).is_file()]
    assert wrong == []


def test_includes_point_only_down_the_layers():
    assert upward_includes(read(project_sources())) == []


def test_the_arrows_have_no_cycle():
    # A cycle in the table itself would let two rooms include each other.
    state = {}

    def visit(room, path):
        if state.get(room) == "open":
            pytest.fail("cycle: " + " -> ".join(path + [room]))
        if state.get(room) == "done":
            return
        state[room] = "open"
        for below in sorted(ALLOWED[room]):
            visit(below, path + [room])
        state[room] = "done"

    for room in sorted(ALLOWED):
        visit(room, [])


def test_an_upward_include_is_named_with_its_file_and_line():
    sources = [("runners/process/fork_server.cpp", '#include "runners/process/fork_server.hpp"\n\n'
                '#include "runners/scenarios/scenario_worker.hpp"\n'),
               ("workloads/cpu_workload.cpp", '#include "runners/batch/runner.hpp"\n'),
               ("runners/threads/sequential_runner.cpp", '#include "runners/batch/runner.hpp"\n')]
    assert upward_includes(sources) == [
        "runners/process/fork_server.cpp:3 (runners/process) includes runners/scenarios/scenario_worker.hpp"
        " (runners/scenarios)",
        "workloads/cpu_workload.cpp:1 (workloads) includes runners/batch/runner.hpp (runners/batch)"]
