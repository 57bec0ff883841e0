"""The http flags and `concbench serve` as a hostile user meets them from the command line.
Each refusal is one line and exit status 2, each failure names what went wrong, and a server
never keeps what its clients abandoned. Servers listen on 127.0.0.1 only;
time bounds are generous and never measure speed."""

import os
import resource
import socket
import subprocess
import threading
import time

import pytest


def run(binary, args, timeout=120, **kwargs):
    """Runs to the end; a process that outlives `timeout` is killed and the test fails."""
    process = subprocess.Popen([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, **kwargs)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        pytest.fail(f"{args} still running after {timeout} s; stdout {stdout!r}, stderr {stderr!r}")
    return process.returncode, stdout, stderr


def one_line_refusal(binary, args, prefix="concbench"):
    code, stdout, stderr = run(binary, args, timeout=30)
    assert code == 2, (args, code, stdout, stderr)
    assert stdout == "", (args, stdout)
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), (args, stderr)
    assert all(" " <= c <= "~" for c in lines[0]), ("a control character in the message", lines[0])
    return lines[0]


class SilentServer:
    """Accepts connections on 127.0.0.1 and reads, but never answers (a hung server)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self):
        self.listener.close()
        self.thread.join(timeout=10)
        for connection in self.connections:
            connection.close()


# (a) The probe (calibration) request had its own 10 s time-out, whatever the user said.
def test_the_probe_request_honours_http_timeout_ms(concbench_binary, tmp_path):
    server = SilentServer()
    try:
        code, stdout, stderr = run(concbench_binary, [
            "--workloads=http", "--models=sequential", f"--http-url=http://127.0.0.1:{server.port}/",
            "--http-timeout-ms=2000", f"--out={tmp_path / 'r.json'}"])
    finally:
        server.close()
    assert code == 1, (code, stdout, stderr)
    assert "no complete response within 2000 ms" in stderr, stderr


# (b) A CR LF in --http-url was sent as it was (header injection) and its error spanned lines.
@pytest.mark.parametrize("url,shown", [
    ("http://127.0.0.1:9/\r\nX-Injected: 1", "\\r\\nX-Injected: 1"),
    ("http://127.0.0.1:9/a b", "a space at byte 20"),
    ("http://127.0.0.1:9/\x1b[2K", "\\x1b[2K"),
    ("http://127.0.0.1\n:9/", "\\n"),
])
def test_a_url_with_a_control_character_or_a_space_is_refused_in_one_line(
        concbench_binary, url, shown):
    line = one_line_refusal(concbench_binary, ["--workloads=http", f"--http-url={url}", "--list"])
    assert line.startswith("concbench: --http-url: bad URL '"), line
    assert shown in line, line


# (d) `serve --port=0 --port=1` served on port 1.
@pytest.mark.parametrize("args", [
    ["--port=0", "--port=1"],
    ["--port", "0", "--port=1"],
    ["--close", "--close"],
    ["--threads=2", "--threads=3"],
])
def test_a_serve_flag_given_twice_is_refused(concbench_binary, args):
    line = one_line_refusal(concbench_binary, ["serve", *args], prefix="concbench serve: ")
    assert "is given twice" in line, line


# (d) `serve --threads=100000` printed its URL, then failed.
def test_serve_threads_out_of_range_is_refused_before_the_url(concbench_binary):
    line = one_line_refusal(concbench_binary, ["serve", "--port=0", "--threads=100000"],
                            prefix="concbench serve: ")
    assert "--threads must be 1..1024, got 100000" in line, line


def limit_address_space():
    # 1 GiB of address space: the process starts, but not a thousand thread stacks.
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    resource.setrlimit(resource.RLIMIT_STACK, (8 << 20, 8 << 20))


# (d) Threads the system refuses fail the server before it says it serves.
def test_serve_threads_that_cannot_start_fail_before_the_url(concbench_binary):
    code, stdout, stderr = run(concbench_binary, ["serve", "--port=0", "--threads=1000"], timeout=30,
                               preexec_fn=limit_address_space)
    assert code == 1, (code, stdout, stderr)
    assert stdout == "", ("printed its URL though it cannot serve", stdout)
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("concbench serve: cannot start thread "), stderr
    assert "of 1000 for the server" in lines[0], lines[0]


def open_descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


# (e) 200 abandoned long-delay requests kept 212 descriptors in CLOSE-WAIT after 32 s.
def test_abandoned_delayed_requests_release_their_descriptors(concbench_binary):
    server = subprocess.Popen([concbench_binary, "serve", "--port=0", "--delay-ms=30000"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        port = int(url.rsplit(":", 1)[1].strip("/"))
        baseline = open_descriptors(server.pid)
        clients = []
        for i in range(200):
            client = socket.create_connection(("127.0.0.1", port))
            client.sendall(f"GET /{i} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            clients.append(client)
        # Generous: the server has accepted them all once it holds a descriptor for each.
        assert wait_for(lambda: open_descriptors(server.pid) >= baseline + 200, 20), \
            (open_descriptors(server.pid), baseline)
        for client in clients:
            client.close()
        # Generous, and still well short of the 30 s delay a server that does not watch waits out.
        assert wait_for(lambda: open_descriptors(server.pid) <= baseline, 10), \
            f"{open_descriptors(server.pid) - baseline} descriptors still open for clients that left"
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert server.returncode == 0, server.returncode


# (f) --cpu-scale=1e-5 was accepted though the help says 0.01 ... 1000.
@pytest.mark.parametrize("value", ["1e-5", "0.009", "0.001,1"])
def test_cpu_scale_below_the_documented_minimum_is_refused(concbench_binary, value):
    line = one_line_refusal(concbench_binary, ["--workloads=cpu", f"--cpu-scale={value}", "--list"])
    assert line.startswith("concbench: --cpu-scale: ") and "is below 0.01" in line, line


def test_cpu_scale_at_the_documented_bounds_is_accepted(concbench_binary):
    code, stdout, stderr = run(concbench_binary, ["--workloads=cpu", "--cpu-scale=0.01,1000", "--list"],
                               timeout=60)
    assert code == 0, (code, stdout, stderr)
    assert "scale:0.01" in stdout and "scale:1000" in stdout, stdout
