"""The pytest side of "after every test: nothing left running". The pytest process becomes a
child subreaper (prctl PR_SET_CHILD_SUBREAPER), so whatever a test's processes leave behind —
a fork server, a worker, an http server, orphaned when concbench exits — is re-parented to
pytest instead of pid 1, where it shows up. After each test, every descendant of pytest that
did not exist before it, alive or a zombie, is a leak: the test fails naming it (pid, name,
state, parent), and it is killed and reaped so that the next test starts clean."""

import ctypes
import os
import pathlib
import signal
import time

import pytest

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def _stat(pid):
    """(name, state, parent) of `pid`, or None when it is gone."""
    try:
        text = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    return name, fields[0], int(fields[1])


def descendants(pid=None):
    """Every process below `pid` (default: this one), zombies included, as {pid: start time}."""
    found = {}
    pending = [pid or os.getpid()]
    while pending:
        parent = pending.pop()
        try:
            tasks = list(pathlib.Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue  # it ended while we looked: its children are someone else's now
        for task in tasks:
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child in found:
                    continue
                try:
                    started = pathlib.Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[19]
                except (OSError, IndexError):
                    continue
                found[child] = started
                pending.append(child)
    return found


def describe(pid):
    stat = _stat(pid)
    if stat is None:
        return f"pid {pid} (gone)"
    name, state, parent = stat
    what = "zombie, never reaped" if state == "Z" else f"state {state}, still running"
    return f"pid {pid} {name} ({what}; parent {parent})"


def new_descendants(before):
    return {pid: started for pid, started in descendants().items() if before.get(pid) != started}


def leftovers(before, seconds=2.0):
    """The processes that appeared since `before` (descendants()) and are still there after
    up to `seconds`, described; each is then killed and reaped."""
    deadline = time.monotonic() + seconds
    left = new_descendants(before)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = new_descendants(before)
    found = [describe(pid) for pid in sorted(left)]
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for pid in left:
        try:
            os.waitpid(pid, 0)  # only our own children (and orphans re-parented to us) can be reaped
        except ChildProcessError:
            pass
    return found


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """The per-test check; a conftest.py imports it to apply it to its folder's tests."""
    before = descendants()
    yield
    left = leftovers(before)
    assert not left, "processes left behind by this test: " + "; ".join(left)
