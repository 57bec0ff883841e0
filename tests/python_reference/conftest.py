"""Fixtures for the CPython reference's tests: its entry point, a tiny http server, one tiny run.

The http server is concbench's own (`concbench serve`) when CONCBENCH_BINARY names the built
binary, else a small stdlib server here that honours the same two query parameters
(`delay_ms`, `bytes`) with HTTP/1.1 keep-alive. Under `/short/` and `/status/` it answers
wrongly (one byte short; status 500) whenever a delay is asked for, so that the
calibration (delay 0) passes and the measured entries fail: the entry-error path.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import threading
import time
import urllib.parse

import pytest

from reference_support import TINY_RUN_FLAGS, run_cli


# After every test: no process it started is left, alive or a zombie (tests/process_leak_check.py):
# neither a run's own processes (the reference as a subprocess, re-parented here when it exits)
# nor the pools, workers, fork server or resource tracker of a run made in this process.
import process_leak_check
# The per-test check: an autouse fixture, which pytest finds by its name in a conftest.
no_process_left_behind = process_leak_check.no_process_left_behind

process_leak_check.become_subreaper()


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind_by_the_session():
    """The per-test check (process_leak_check.no_process_left_behind) cannot see what a session fixture (tiny_run, http_url)
    leaves: such a fixture is set up before the first test's snapshot. Each of them asks
    for this one, so that it is set up before them and torn down after them (its failure
    is reported at the last test)."""
    before = process_leak_check.descendants()
    yield
    left = process_leak_check.leftovers(before)
    assert not left, "processes left behind by this session's fixtures: " + "; ".join(left)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

    def do_GET(self):  # noqa: N802 - the stdlib's name
        parts = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parts.query)
        delay_ms = float(query.get("delay_ms", ["0"])[0])
        size = int(query.get("bytes", ["0"])[0])
        if delay_ms > 0:
            time.sleep(delay_ms / 1e3)
        status = 200
        if delay_ms > 0 and parts.path.startswith("/short/"):
            size = max(0, size - 1)
        if delay_ms > 0 and parts.path.startswith("/status/"):
            status = 500
        body = b"x" * size
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


@pytest.fixture(scope="session")
def stdlib_server(no_process_left_behind_by_the_session):
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def http_url(no_process_left_behind_by_the_session, stdlib_server):
    """concbench's own server when CONCBENCH_BINARY is set, else the stdlib one."""
    binary = os.environ.get("CONCBENCH_BINARY")
    if not binary:
        yield stdlib_server
        return
    process = subprocess.Popen([binary, "serve", "--port=0", "--stop-on-stdin-eof"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    url = process.stdout.readline().strip()
    assert url.startswith("http://"), f"concbench serve printed {url!r}"
    yield url
    process.stdin.close()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def tiny_run(no_process_left_behind_by_the_session, tmp_path_factory, http_url):
    report_path = tmp_path_factory.mktemp("tiny-run") / "py.json"
    completed = run_cli([*TINY_RUN_FLAGS, f"--http-url={http_url}", f"--out={report_path}"])
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return {"completed": completed, "path": report_path, "report": json.loads(report_path.read_text())}
