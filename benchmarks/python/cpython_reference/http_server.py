"""Starting concbench's own loopback http server when no --http-url is given.

The http workload fetches from the C++ binary's `concbench serve` (the same server, the same
bodies as the C++ report's http entries). It runs in its own process with
`--stop-on-stdin-eof`: it stops when this process closes the pipe, or dies.
"""

from __future__ import annotations

import os
import select
import subprocess

from cpython_reference.context import REPO


class ServerError(Exception):
    pass


def find_binary() -> str | None:
    candidates = [os.environ.get("CONCBENCH_BINARY", ""), os.path.join(REPO, "build", "release", "benchmarks", "concbench")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


class ConcbenchServer:
    def __init__(self, binary: str):
        self.process = subprocess.Popen([binary, "serve", "--port=0", "--bind=127.0.0.1", "--stop-on-stdin-eof"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 10)
        line = self.process.stdout.readline().strip() if ready else ""
        if not line.startswith("http://"):
            self.stop()
            raise ServerError(f"`{binary} serve` did not print its URL (got {line!r})")
        self.url = line

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.terminate()
                self.process.wait(timeout=5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()
