"""concbench_python: the CPython reference — the tutorials' experiments on this interpreter,
written as a concbench report (run: /usr/bin/python3 benchmarks/python/concbench_python.py).

Why it exists: concbench's charts answer "which model wins, by how much" in C++, where there
is no GIL. The tutorials it grew from made their claims in CPython (threads do not speed up
CPU work; a process pool does, after its start-up; asyncio holds thousands of waits). This
program measures those claims on the machine at hand, with the C++ side's method (one batch
per iteration, repetitions, verification outside the timed interval, ideal and bound) and
in its report format, so plot/ draws both and entries line up by name.

The program is the package beside this file, cpython_reference: Python puts a script's own
folder first on sys.path, and multiprocessing hands the parent's sys.path to its spawn and
forkserver workers, so they import the package as this process does. This file stays thin on
purpose: those workers re-import the main module (as `__mp_main__`), and a worker should pay
at start-up only for what a task needs, as the tutorials' small scripts do; the program
itself (cpython_reference/program.py) is imported only when run.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from cpython_reference import program

    sys.exit(program.main(sys.argv[1:]))
