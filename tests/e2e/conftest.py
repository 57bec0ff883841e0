"""Fixtures for the end-to-end tests: the built concbench binary and one small real run."""

import json
import os
import pathlib
import subprocess

import pytest

from e2e_support import SMALL_RUN_FLAGS

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def concbench_binary():
    binary = os.environ.get("CONCBENCH_BINARY")
    if not binary or not pathlib.Path(binary).is_file():
        pytest.fail("CONCBENCH_BINARY must name the built concbench binary (ctest sets it)")
    return binary


@pytest.fixture(scope="session")
def small_run(concbench_binary, tmp_path_factory):
    """One small run, shared by the e2e files: ctest runs each file in a pytest of its own (one
    after the other), so with CONCBENCH_E2E_CACHE set the first makes the run and the others read
    it, as long as the binary is the same file, unchanged."""
    cache = os.environ.get("CONCBENCH_E2E_CACHE")
    binary = pathlib.Path(concbench_binary).resolve()
    stamp = f"{binary} {binary.stat().st_mtime_ns} {' '.join(SMALL_RUN_FLAGS)}"
    out_dir = pathlib.Path(cache) / "small-run" if cache else tmp_path_factory.mktemp("small-run")
    report_path = out_dir / "r.json"
    saved = out_dir / "completed.json"
    if cache and saved.exists() and json.loads(saved.read_text()).get("stamp") == stamp:
        fields = json.loads(saved.read_text())
        completed = subprocess.CompletedProcess(fields["args"], fields["returncode"], fields["stdout"],
                                                fields["stderr"])
    else:
        out_dir.mkdir(parents=True, exist_ok=True)
        saved.unlink(missing_ok=True)
        completed = subprocess.run(
            [concbench_binary, *SMALL_RUN_FLAGS, f"--out={report_path}"],
            capture_output=True, text=True, timeout=300)
        if cache:
            saved.write_text(json.dumps({"stamp": stamp, "args": completed.args, "returncode": completed.returncode,
                                         "stdout": completed.stdout, "stderr": completed.stderr}))
    return {
        "completed": completed,
        "report_path": report_path,
        "report": json.loads(report_path.read_text()) if report_path.exists() else None,
    }


# After every test: no process it started is left, alive or a zombie (tests/process_leak_check.py).
import process_leak_check
# The per-test check: an autouse fixture, which pytest finds by its name in a conftest.
no_process_left_behind = process_leak_check.no_process_left_behind

process_leak_check.become_subreaper()
