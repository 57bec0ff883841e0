"""Where the report and its timeline file may go: the one output rule, shared with the C++
writer (reports/report_destination.cpp), checked before anything is measured.

- A regular file is replaced by a temporary file beside it and a rename (report_writer.py).
- A symbolic link is followed to its final target, which is written the same way (the
  temporary file beside the TARGET, renamed over it): the link stays a link.
- A device, fifo, socket or directory (also at the end of a link) is refused: replacing it
  with a regular file destroys it (as root, `--out=/dev/null` would replace /dev/null).
- An existing non-empty file that is not a concbench report (a timeline file, for the
  timeline files) is refused unless --force: it is somebody's README.md or config.json. An
  empty file is fine (a `touch`ed name, or one left by an earlier, broken run).

The rule holds for each file a run writes: the report, its timeline file, and the partial
report and its timeline file (NAME.partial.json, the rows so far while the run goes on), all
beside the report's final target.

The check writes real bytes (a temporary file of PROBE_BYTES, removed at once) so that a
full disk or a read-only folder is found before the run rather than after its first entry.
Every refusal is a DestinationError with one line for the person who typed --out.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import stat
import tempfile

# Bigger files are not read to decide (they are not reports: the largest report the
# reference writes, 1,000 repetitions of its default suite, is tens of MB).
MAX_INSPECTED_BYTES = 256 << 20
# The writability check: real bytes (as many as the C++ writer's probe), more than a report's
# first write (its context alone, ~2 KB), so that a full disk or a tiny quota fails here,
# before anything is measured, rather than at the first entry's write.
PROBE_BYTES = 64 * 1024

_KINDS = {stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device", stat.S_IFIFO: "a fifo",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


class DestinationError(Exception):
    """An --out the rule refuses, or that cannot be written: one line."""


@dataclasses.dataclass(frozen=True)
class Destination:
    given: str  # as typed (or derived: NAME.timelines.json)
    target: str  # what is written: `given`, or the final target of the link it is


def kind_of(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def file_mode() -> int:
    """The mode a file gets from open(2) under this umask: 0666 & ~umask (0644 by default),
    not mkstemp's 0600. Read from /proc (no change of the process-wide umask, which threads
    share); else set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _read_json_object(path: str):
    """The file's JSON value, or None when it is too big, unreadable or not JSON (a file
    nested too deeply for the parser is not a report either)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, size = [], 0
        while size <= MAX_INSPECTED_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_INSPECTED_BYTES:
            return None
        return json.loads(b"".join(chunks).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    finally:
        os.close(fd)


def is_concbench_report(path: str) -> bool:
    """A JSON object whose `context` is an object holding `concbench_schema_version`."""
    data = _read_json_object(path)
    return (isinstance(data, dict) and isinstance(data.get("context"), dict)
            and "concbench_schema_version" in data["context"])


def is_concbench_timeline_file(path: str) -> bool:
    """A JSON object with a string `report` and an object `entries`."""
    data = _read_json_object(path)
    return isinstance(data, dict) and isinstance(data.get("report"), str) and isinstance(data.get("entries"), dict)


def _shown(destination: Destination) -> str:
    if destination.target == os.path.abspath(destination.given):
        return destination.given
    return f"{destination.given} (which resolves to {destination.target})"


def check_file(given: str, what: str, force: bool, program: str, content: str = "report") -> Destination:
    """The rule for one file (`what`: "the report", "the timeline file", ...; `content`: what
    an existing file must hold to be replaced without --force, "report" or "timelines");
    returns where to write. Raises DestinationError."""
    if given.endswith("/"):
        raise DestinationError(f"{what} {given} ends with '/' (name a file, e.g. {given}r.json)")
    if os.path.basename(given) in (".", ".."):
        raise DestinationError(f"{what} {given} names a directory (name a file, e.g. {given}/r.json)")
    destination = Destination(given=given, target=os.path.realpath(given))
    try:
        status = os.stat(destination.target)
    except FileNotFoundError:
        status = None
    except OSError as e:
        raise DestinationError(f"cannot check {what} {_shown(destination)}: {e.strerror or e}") from None
    if status is not None:
        if stat.S_ISDIR(status.st_mode):
            raise DestinationError(f"{what} {_shown(destination)} is a directory "
                                   f"(name a file, e.g. {os.path.join(given, 'r.json')})")
        if not stat.S_ISREG(status.st_mode):
            raise DestinationError(f"{what} {_shown(destination)} exists and is {kind_of(status.st_mode)}: "
                                   f"{program} would replace it with a regular file")
        recognised = is_concbench_report if content == "report" else is_concbench_timeline_file
        if status.st_size > 0 and not force and not recognised(destination.target):
            kind = "a concbench report" if content == "report" else "a concbench timeline file"
            raise DestinationError(f"{what} {_shown(destination)} exists and is not {kind}: "
                                   f"{program} would replace it (--force to replace it anyway)")
    probe_writable(destination, what)
    return destination


def probe_writable(destination: Destination, what: str) -> None:
    """Write PROBE_BYTES to a temporary file beside the target, then remove it."""
    folder = os.path.dirname(destination.target)
    failure = None
    try:
        fd, temporary = tempfile.mkstemp(prefix=".probe-", suffix=".json", dir=folder)
    except OSError as e:
        raise DestinationError(f"cannot write {what} {_shown(destination)}: {e.strerror or e}") from None
    try:
        written = 0
        while written < PROBE_BYTES:
            written += os.write(fd, b" " * (PROBE_BYTES - written))
    except OSError as e:
        failure = e
    try:
        os.close(fd)  # a network or quota-limited file system may say only now that it did not fit
    except OSError as e:
        failure = failure or e
    try:
        os.unlink(temporary)
    except OSError:
        pass
    if failure is not None:
        cause = failure.strerror or str(failure)
        if failure.errno == errno.EFBIG:
            cause += " (a file size limit: ulimit -f)"
        raise DestinationError(f"cannot write {what} {_shown(destination)}: a test write of "
                               f"{PROBE_BYTES // 1024} KiB in {folder} failed: {cause}")


def timelines_path_for(report_path: str) -> str:
    """`dir/name.json` -> `dir/name.timelines.json` (as the C++ side names it)."""
    base = report_path[:-len(".json")] if report_path.endswith(".json") else report_path
    return base + ".timelines.json"


def partial_path_for(report_path: str) -> str:
    """`dir/name.json` -> `dir/name.partial.json`; `dir/name` -> `dir/name.partial` (as the
    C++ side names it): the rows so far, while the run goes on."""
    if report_path.endswith(".json"):
        return report_path[:-len(".json")] + ".partial.json"
    return report_path + ".partial"


def check_destinations(given: str, force: bool, program: str) -> tuple:
    """Every file a run writes, checked before anything runs: (the report's path, a link
    followed: the other files go beside what it points at, as on the C++ side; {what: the
    file written}) for the report, its timeline file, the partial report and its timeline file."""
    report = check_file(given, "the report", force, program)
    followed = report.target
    partial = partial_path_for(followed)
    checked = {"the report": report}
    for what, path, content in (("the timeline file", timelines_path_for(followed), "timelines"),
                                ("the partial report", partial, "report"),
                                ("the partial report's timeline file", timelines_path_for(partial), "timelines")):
        checked[what] = check_file(path, what, force, program, content)
    seen = {}
    for what, destination in checked.items():
        if destination.target in seen:
            raise DestinationError(f"{seen[destination.target]} and {what} are the same file, "
                                   f"{destination.target}: each needs its own")
        seen[destination.target] = what
    return followed, {what: destination.target for what, destination in checked.items()}


def recheck_before_rename(target: str, what: str) -> None:
    """The second guard, at every write: never rename over something that is no longer a
    regular file (a fifo or device put there while the run measured)."""
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(status.st_mode):
        raise OSError(errno.EEXIST, f"{what} {target} is now {kind_of(status.st_mode)}, not a regular file: "
                                    "not replaced")
