"""Reading a JSON file someone hands us, which may be hostile: a fifo or a device (open()
blocks, or read() never ends: /dev/zero), a file far bigger than any report, or text nested
far deeper than any report (json's parser recurses: `[` x 100000 is a RecursionError, which
the callers catch; and every walk over the result, canonical_params for one, recurses again,
so a parsed value is refused beyond MAX_DEPTH, measured without recursion).

Used by report_loading.py (the report) and timeline_data.py (its timeline file): each says
what it refuses in its own words (JsonFileError carries the reason only, one line).
"""

from __future__ import annotations

import os
import stat

# The biggest file read. A concbench report is a few MB (reports/examples: 1.5 MB for 869
# rows, ~1.7 KB a row; its timeline file twice that); 1 GiB is ~600,000 rows, e.g. the whole
# default suite at several thousand repetitions per entry, and about all one Python process
# can hold as parsed rows (~10x the text) on a machine that ran the benchmarks.
MAX_BYTES = 1 << 30
# The deepest nesting read. A report nests 5 levels (document, benchmarks, row, params, a
# list in params); a timeline file 4. 64 leaves room for any format change while staying far
# below Python's recursion limit (1000) for the parser and every walk after it.
MAX_DEPTH = 64

_KINDS = {stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device", stat.S_IFIFO: "a fifo",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


class JsonFileError(Exception):
    """Why the file is not read: one line, without the path (the caller names it)."""


def kind_of(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def read_bytes(path: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes. Only a regular file is opened (checked before opening, and again on
    the open descriptor: a fifo put there meanwhile neither blocks the open, O_NONBLOCK, nor
    is read), and at most max_bytes + 1 are read. FileNotFoundError and IsADirectoryError go
    through (the callers word them); every other refusal is JsonFileError."""
    status = os.stat(path)  # FileNotFoundError: the caller's "no such file"
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(21, "Is a directory", path)
    if not stat.S_ISREG(status.st_mode):
        raise JsonFileError(f"is {kind_of(status.st_mode)}, not a file (not read)")
    if status.st_size > max_bytes:
        raise JsonFileError(f"is {status.st_size:,} bytes, above the {max_bytes:,} read (not a concbench file)")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise JsonFileError(f"is {kind_of(status.st_mode)}, not a file (not read)")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 24, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise JsonFileError(f"grew above the {max_bytes:,} bytes read while being read (not a concbench file)")
        return b"".join(chunks)
    finally:
        os.close(fd)


def nesting_depth(value, limit: int = MAX_DEPTH) -> int:
    """How deep arrays and objects nest in a parsed value (a scalar is 0, `[]` is 1),
    counted without recursion and at most up to limit + 1."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def check_nesting(value, limit: int = MAX_DEPTH) -> None:
    if nesting_depth(value, limit) > limit:
        raise JsonFileError(too_deep(limit))


def too_deep(limit: int = MAX_DEPTH) -> str:
    return f"nested more than {limit} levels deep (a concbench file nests 5)"
