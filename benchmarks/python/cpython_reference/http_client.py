"""The two stdlib HTTP clients of the http workload: blocking (http.client) and asyncio streams.

Why two: the tutorials' web scraper fetches with a blocking client from threads and
processes and with an asyncio client from coroutines. concbench's C++ side keeps a
connection open per worker (HTTP/1.1 keep-alive, its default `keep_alive: true`); so do
these, so that `http/python-threads/W:8/...` measures what `http/threads/W:8/...` measures.

Both return (status, body bytes) and never judge them: verification is the workload's,
outside the timed interval. Anything that is not a complete HTTP/1.1 response with a
Content-Length raises, and the runner turns that into the task's error.
"""

from __future__ import annotations

import http.client
import os
import threading
import urllib.parse


# asyncio is imported inside the async client: a process worker doing blocking GETs should not
# pay its import at start-up.


class HttpProtocolError(Exception):
    """The server's answer is not a response this minimal client understands."""


def split_url(url: str) -> tuple[str, int, str]:
    """(host, port, path ending in '/') of an http:// URL."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"'{url}' is not an http:// URL")
    path = parts.path or "/"
    if not path.endswith("/"):
        path += "/"
    return parts.hostname, parts.port or 80, path


# ---------------------------------------------------------------------------------------
# Blocking: one persistent http.client connection per (process, thread)

_connections: dict[tuple[int, int, str, int], http.client.HTTPConnection] = {}
_connections_lock = threading.Lock()


def _connection(host: str, port: int, timeout_s: float) -> http.client.HTTPConnection:
    key = (os.getpid(), threading.get_ident(), host, port)
    with _connections_lock:
        conn = _connections.get(key)
        if conn is None:
            conn = http.client.HTTPConnection(host, port, timeout=timeout_s)
            _connections[key] = conn
    return conn


def close_connections() -> None:
    """Closes this process's connections (between batches, outside the timed interval), so
    that every batch starts as the C++ runners' batches do: with no connection open."""
    with _connections_lock:
        mine = [k for k in _connections if k[0] == os.getpid()]
        for key in mine:
            _connections.pop(key).close()
        # Connections inherited over fork belong to the parent: forget them, never close them.
        for key in [k for k in _connections if k[0] != os.getpid()]:
            _connections.pop(key)


def get_blocking(host: str, port: int, target: str, timeout_s: float) -> tuple[int, bytes]:
    """GET `target` on this thread's keep-alive connection; (status, body)."""
    conn = _connection(host, port, timeout_s)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        body = response.read()
    except Exception:
        conn.close()  # the next request on this thread opens a fresh connection
        raise
    return response.status, body


# ---------------------------------------------------------------------------------------
# asyncio streams: a minimal HTTP/1.1 GET

class AsyncConnection:
    """One keep-alive connection of one asyncio lane (K lanes, or one per task for K:all)."""

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port
        self.reader = None  # asyncio.StreamReader
        self.writer = None  # asyncio.StreamWriter

    async def get(self, target: str) -> tuple[int, bytes]:
        import asyncio

        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        try:
            return await self._exchange(target)
        except BaseException:
            await self.close()
            raise

    async def _exchange(self, target: str) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        request = (f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                   "Connection: keep-alive\r\n\r\n")
        self.writer.write(request.encode("ascii"))
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status_line = lines[0].split(" ", 2)
        if len(status_line) < 2 or not status_line[0].startswith("HTTP/1.") or not status_line[1].isdigit():
            raise HttpProtocolError(f"bad status line {lines[0][:60]!r}")
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        if "content-length" not in headers:
            raise HttpProtocolError("response without Content-Length (chunked bodies are not supported)")
        length = int(headers["content-length"])
        body = await self.reader.readexactly(length)
        if headers.get("connection", "").lower() == "close" or status_line[0] == "HTTP/1.0":
            await self.close()
        return int(status_line[1]), body

    async def close(self) -> None:
        writer, self.reader, self.writer = self.writer, None, None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass
