"""The one output rule in the CPython reference (cpython_reference/report_destination.py and
the writer in report_writer.py), in process: which existing files it recognises as its own,
what it refuses and why, the mode files get, and a failed write leaving no trace. The same
rule as a user meets it (devices, fifos, links, a full disk) is in
tests/e2e/test_hostile_python_tools.py. Device nodes and fifos only in tmp_path."""

from __future__ import annotations

import json
import os
import stat

import pytest

from cpython_reference import report_destination as rd
from cpython_reference import report_writer


def write(path, text):
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("text, recognised", [
    ('{"context": {"concbench_schema_version": 1}, "benchmarks": []}', True),
    ('{"context": {"concbench_schema_version": 1}}', True),
    ('{"context": {}, "benchmarks": []}', False),  # no concbench_schema_version: not a report of ours
    ('{"context": "concbench_schema_version"}', False),
    ('[{"context": {"concbench_schema_version": 1}}]', False),
    ("# notes\n", False),
    ('{"context": {"concbench_schema_version": 1}', False),  # cut short
    ("[" * 100_000, False),  # too deep for the parser: not a report, not a traceback
])
def test_what_counts_as_a_concbench_report(tmp_path, text, recognised):
    assert rd.is_concbench_report(write(tmp_path / "r.json", text)) is recognised


@pytest.mark.parametrize("text, recognised", [
    ('{"report": "r.json", "entries": {}}', True),
    ('{"report": 1, "entries": {}}', False),
    ('{"report": "r.json", "entries": []}', False),
    ('{"context": {"concbench_schema_version": 1}}', False),
])
def test_what_counts_as_a_concbench_timeline_file(tmp_path, text, recognised):
    assert rd.is_concbench_timeline_file(write(tmp_path / "t.json", text)) is recognised


def test_a_file_too_big_to_inspect_is_not_a_report(tmp_path, monkeypatch):
    path = write(tmp_path / "r.json", '{"context": {"concbench_schema_version": 1}, "pad": "' + "x" * 100 + '"}')
    assert rd.is_concbench_report(path)
    monkeypatch.setattr(rd, "MAX_INSPECTED_BYTES", 64)
    assert not rd.is_concbench_report(path)


def test_a_fifo_is_never_opened_to_inspect_it(tmp_path):
    fifo = tmp_path / "r.json"
    os.mkfifo(fifo)
    assert not rd.is_concbench_report(str(fifo))  # O_NONBLOCK: no wait for a writer
    with pytest.raises(rd.DestinationError, match="exists and is a fifo: concbench_python would replace it"):
        rd.check_file(str(fifo), "the report", force=True, program="concbench_python")


def test_force_never_replaces_a_device(tmp_path):
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    with pytest.raises(rd.DestinationError, match="is a character device"):
        rd.check_file(str(device), "the report", force=True, program="concbench_python")
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_a_link_resolves_to_its_final_target(tmp_path):
    (tmp_path / "real").mkdir()
    final = tmp_path / "real" / "r.json"
    (tmp_path / "hop.json").symlink_to(final)  # dangling: the target does not exist yet
    (tmp_path / "r.json").symlink_to("hop.json")
    destination = rd.check_file(str(tmp_path / "r.json"), "the report", force=False, program="concbench_python")
    assert destination.target == str(final)
    report_writer.write_json_atomically(destination.target, {"a": 1})
    assert (tmp_path / "r.json").is_symlink() and (tmp_path / "hop.json").is_symlink()
    assert json.loads(final.read_text()) == {"a": 1}


def test_every_file_of_a_run_is_checked_beside_the_followed_link(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "r.json").symlink_to("data/x.json")
    followed, targets = rd.check_destinations(str(tmp_path / "r.json"), False, "concbench_python")
    data = tmp_path / "data"
    assert followed == str(data / "x.json")
    assert targets == {"the report": str(data / "x.json"), "the timeline file": str(data / "x.timelines.json"),
                       "the partial report": str(data / "x.partial.json"),
                       "the partial report's timeline file": str(data / "x.partial.timelines.json")}
    os.mkfifo(data / "x.partial.json")
    with pytest.raises(rd.DestinationError, match=r"^the partial report .*x.partial.json exists and is a fifo"):
        rd.check_destinations(str(tmp_path / "r.json"), True, "concbench_python")
    os.unlink(data / "x.partial.json")
    (data / "x.partial.timelines.json").write_text("not mine")
    with pytest.raises(rd.DestinationError, match="is not a concbench timeline file: concbench_python would "
                                                  r"replace it \(--force to replace it anyway\)"):
        rd.check_destinations(str(tmp_path / "r.json"), False, "concbench_python")


def test_two_files_of_a_run_may_not_be_one_file(tmp_path):
    (tmp_path / "r.timelines.json").symlink_to("r.json")
    with pytest.raises(rd.DestinationError, match="the report and the timeline file are the same file"):
        rd.check_destinations(str(tmp_path / "r.json"), False, "concbench_python")


def test_partial_and_timeline_names_are_the_cpp_sides():
    assert rd.partial_path_for("a/r.json") == "a/r.partial.json"
    assert rd.partial_path_for("a/r") == "a/r.partial"
    assert rd.timelines_path_for(rd.partial_path_for("a/r.json")) == "a/r.partial.timelines.json"
    assert rd.timelines_path_for("a/r") == "a/r.timelines.json"


def test_the_probe_writes_real_bytes_and_leaves_nothing(tmp_path):
    rd.check_file(str(tmp_path / "r.json"), "the report", force=False, program="concbench_python")
    assert list(tmp_path.iterdir()) == []
    assert rd.PROBE_BYTES == 64 * 1024  # as the C++ writer's probe (reports/atomic_file.hpp)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_files_get_the_umask_mode(tmp_path, mask):
    previous = os.umask(mask)
    try:
        assert rd.file_mode() == 0o666 & ~mask
        path = tmp_path / "r.json"
        report_writer.write_json_atomically(str(path), {"a": 1})
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"previous": true}\n')
    with pytest.raises(ValueError):  # NaN is refused (allow_nan=False) halfway through the dump
        report_writer.write_json_atomically(str(path), {"a": 1, "b": float("nan")})
    assert path.read_text() == '{"previous": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_the_writer_refuses_to_rename_over_what_is_no_longer_a_file(tmp_path):
    path = tmp_path / "r.json"
    os.mkfifo(path)  # put there after the start's check
    with pytest.raises(OSError, match="is now a fifo, not a regular file: not replaced"):
        report_writer.write_json_atomically(str(path), {"a": 1}, what="the report")
    assert stat.S_ISFIFO(os.lstat(path).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
