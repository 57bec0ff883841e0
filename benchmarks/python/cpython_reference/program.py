"""The program's steps: parse the command line; plan the suite's entries; calibrate this
machine's constants (as CPython sees them); run every entry; write the rows so far after each.

The rows so far are in NAME.partial.json while the run goes on (rewritten after every
entry); the report itself is written once, at the end or at Ctrl-C (report_writer.py).

Exit status: 0 every entry ran and verified; 1 some entry failed (its error is in the
report), or a write failed (the run stops at once: one line on stderr says where the rows
measured are; the report is left as it was); 2 a bad command line, output path or http
server (one line on stderr), before anything is started or measured.
"""

from __future__ import annotations

import datetime
import os
import signal
import sys

from cpython_reference import calibration, cli, context, http_server, measure, models, report_destination, suite
from cpython_reference.report_writer import ReportDocument, WriteError

PROGRAM = "concbench_python"
# The script beside this package: what a report names as the command that made it.
ENTRY_POINT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "concbench_python.py")


def default_report_path() -> str:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return os.path.join("results", f"concbench-python-{stamp}.json")


def fail_usage(message: str) -> int:
    print(f"{PROGRAM}: {cli.one_line(message)}", file=sys.stderr)
    return 2


def main(argv: list) -> int:
    # A file size limit (ulimit -f) then fails the write (EFBIG), which stops the run with one
    # line, instead of killing it with SIGXFSZ before it can say where its data is.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        options = cli.parse_cli(argv)
    except cli.CliError as e:
        return fail_usage(str(e))
    if options.help:
        print(cli.HELP, end="")
        return 0
    destinations = None
    if not options.list:  # the one output rule, before anything is started or measured
        try:
            destinations = check_out(options)
        except report_destination.DestinationError as e:
            return fail_usage(f"--out: {e}")

    server = None
    http_url = options.http_url
    try:
        if "http" in options.workloads and http_url is None and not options.list:
            binary = http_server.find_binary()
            if binary is None:
                if options.workloads_given:
                    return fail_usage("http needs a server: pass --http-url=URL (e.g. from `concbench serve`) "
                                      "or build concbench (build/release/benchmarks/concbench)")
                print(f"{PROGRAM}: no --http-url and no concbench binary: leaving out http", file=sys.stderr)
                options.workloads = [w for w in options.workloads if w != "http"]
            else:
                try:
                    server = http_server.ConcbenchServer(binary)
                except (OSError, http_server.ServerError) as e:
                    return fail_usage(f"http: could not start concbench's server: {e}")
                http_url = server.url
        return run(options, http_url, argv, destinations)
    finally:
        models.finish()  # no pool worker, fork server or resource tracker outlives the run
        if server is not None:
            server.stop()


def check_out(options) -> tuple:
    """(the report's path with a link followed, {what: file written}) for --out (default:
    results/...): every file the run writes, checked by the one output rule
    (report_destination.py). Raises DestinationError."""
    report_path = options.out or default_report_path()
    try:
        if options.out is None:
            os.makedirs(os.path.dirname(report_path), exist_ok=True)
    except OSError as e:
        raise report_destination.DestinationError(f"cannot write the report {report_path}: {e.strerror or e}") from None
    return report_destination.check_destinations(report_path, options.force, PROGRAM)


def run(options, http_url, argv, destinations) -> int:
    try:
        plans, skipped = suite.plan_suite(options, http_url)
    except ValueError as e:
        return fail_usage(str(e))
    if not plans:
        return fail_usage("the selected workloads and models leave no entry to run")
    if options.list:
        for plan in plans:
            print(plan.name)
        for name, why in skipped:
            print(f"# left out: {name} ({why})")
        print(f"{len(plans)} entries; about {int(suite.estimated_seconds(plans, options.repetitions)) + 1} s "
              f"with {options.repetitions} repetitions")
        return 0

    report_path, targets = destinations
    usable = context.usable_cpus()
    quick = options.suite == "quick"
    print(f"{PROGRAM}: calibrating (P={usable}) ...", flush=True)
    constants = calibration.calibrate(usable, quick)
    if any(p.work.name == "http" for p in plans):
        body_bytes = next(p.work.body_bytes for p in plans if p.work.name == "http")
        try:
            calibration.measure_http(constants, http_url, body_bytes, 10_000.0)
        except (calibration.CalibrationError, OSError) as e:
            return fail_usage(f"http: {e}")
    command_line = [sys.executable, ENTRY_POINT, *argv]
    ctx = context.machine_context(command_line, options.suite, constants)
    if skipped:
        ctx["skipped_entries"] = [{"name": name, "why": why} for name, why in skipped]
        for name, why in skipped:
            print(f"{PROGRAM}: leaving out {name}: {why}", file=sys.stderr)
    c = constants.ns_per_increment_by_busy_cores
    print(f"{PROGRAM}: c_k = {', '.join(f'{x:.1f}' for x in c)} ns per increment, "
          f"sleep overshoot {constants.sleep_overshoot_ns / 1e3:.0f} µs; "
          f"{len(plans)} entries, about {int(suite.estimated_seconds(plans, options.repetitions)) + 1} s", flush=True)
    for model in {p.settings.model for p in plans}:
        models.prepare(model)

    document = ReportDocument(ctx, report_path, targets)
    writes = _Writes(document, len(plans))
    failed = 0
    start = measure.now()
    try:
        writes.partial()  # a destination that cannot take the report shows now, not at the end
        for family_index, plan in enumerate(plans):
            batch = plan.work.make_batch()
            ideal_ns, bound_ns = plan.work.estimate(batch, plan.settings.shape(len(batch)), constants)
            result = measure.measure_entry(plan, options.repetitions, family_index)
            document.add_entry(plan, result.rows, result.timeline, ideal_ns, bound_ns)
            writes.partial()
            failed += result.error is not None
            print(measure.progress_line(plan, result, ideal_ns, measure.now() - start), flush=True)
        writes.final(complete=True)
    except WriteError as e:
        return writes.stopped(e)
    except KeyboardInterrupt:
        try:
            writes.final(complete=False)
        except WriteError as e:
            return writes.stopped(e)
        print(f"{PROGRAM}: interrupted; the report so far is {report_path} (complete: false)", file=sys.stderr)
        return 130
    print(f"{PROGRAM}: {len(plans)} entries in {measure.now() - start:.0f} s; report {report_path}"
          + (f"; {failed} entries FAILED" if failed else ""))
    return 1 if failed else 0


class _Writes:
    """The run's writes: the partial report after every entry, the destination at the end;
    and, when one fails, where the rows measured are."""

    def __init__(self, document: ReportDocument, planned: int):
        self.document = document
        self.planned = planned
        self.partial_entries = None  # entries in the last good partial write; None: none yet

    def partial(self) -> None:
        self.document.write_partial()
        self.partial_entries = len(self.document.entries)

    def final(self, complete: bool) -> None:
        self.document.write(complete)
        self.document.remove_partial()

    def stopped(self, error: WriteError) -> int:
        """One line, as the C++ side says it: what failed, where the rows measured are, that
        the destination was left as it was. Exit status 1: nothing is measured after it."""
        document = self.document
        if self.partial_entries is None:
            rows = "no partial report could be written"
        else:
            rows = (f"the rows measured until the last good write ({self.partial_entries} of {self.planned} "
                    f"entries) are in {document.partial_path}")
        left = f"; {document.report_path} was left as it was" if os.path.exists(document.targets["the report"]) else ""
        print(f"{PROGRAM}: the run was stopped at its first failed write ({cli.one_line(error)}); "
              f"{cli.one_line(rows + left)}", file=sys.stderr)
        return 1
