"""The models a report can name: which exist, the order bars are drawn in, whose sequential
run a speedup is over, and which CPython model is the twin of which C++ one."""

from __future__ import annotations

# The order bars appear in (top to bottom); unknown models go after these, by name.
MODEL_ORDER = [
    "sequential",
    "threads",
    "threads-asio",
    "thread-per-task",
    "coroutines",
    "processes-fork",
    "processes-spawn",
]
# Every model a concbench report can name, and nothing else: the C++ models
# (runners/batch/model.cpp), the start-up floors (benchmarks/suites/suite.cpp), the CPython
# reference's (benchmarks/python/cpython_reference/models.py). A test reads them from there. Any other name is refused: a
# chart of a model this plot/ does not know would be drawn without its meaning.
STARTUP_FLOORS = ["floor-fork-server", "floor-posix-spawn"]
CPYTHON_MODELS = ["python-sequential", "python-threads", "python-asyncio", "python-processes-fork",
                  "python-processes-spawn", "python-processes-forkserver"]
KNOWN_MODELS = MODEL_ORDER + STARTUP_FLOORS + CPYTHON_MODELS


def model_rank(model: str) -> tuple:
    if model in MODEL_ORDER:
        return (0, MODEL_ORDER.index(model), "")
    if model.startswith("python-"):
        rest = model[len("python-"):]
        return (1, MODEL_ORDER.index(rest) if rest in MODEL_ORDER else len(MODEL_ORDER), rest)
    return (2, 0, model)


def is_sequential(model: str) -> bool:
    """The baselines: C++'s `sequential` and the CPython reference's `python-sequential`."""
    return model in ("sequential", "python-sequential")


def sequential_model_for(model: str) -> str:
    """Whose sequential run a model's speedup is over: CPython models compare with CPython's."""
    return "python-sequential" if model.startswith("python-") else "sequential"


# CPython's models and their C++ twins: the CPython reference (benchmarks/python) names its
# entries by the C++ grammar, model aside (`cpu/python-threads/W:2/...` is the twin of
# `cpu/threads/W:2/...`). python-processes-forkserver has no twin.
CPYTHON_TWINS = {"python-sequential": "sequential", "python-threads": "threads", "python-asyncio": "coroutines",
                 "python-processes-fork": "processes-fork", "python-processes-spawn": "processes-spawn"}


def is_cpython_report(report) -> bool:
    """A report of the CPython reference (concbench_python.py): every model is `python-…`."""
    return bool(report.entries) and all(e.model.startswith("python-") for e in report.entries)
