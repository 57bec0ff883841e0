"""The program's steps: parse the command line; plan the suite's entries; calibrate this
machine's constants (as CPython sees them); run every entry; rewrite the report after each.

Exit status: 0 every entry ran and verified; 1 some entry failed (its error is in the
report); 2 a bad command line, output path or http server (one line on stderr).
"""

from __future__ import annotations

import datetime
import os
import sys

import calibration
import cli
import context
import http_server
import measure
import models
import suite
from report_writer import ReportDocument, write_json_atomically

PROGRAM = "concbench_python"
ENTRY_POINT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "concbench_python.py")


def default_report_path() -> str:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return os.path.join("results", f"concbench-python-{stamp}.json")


def fail_usage(message: str) -> int:
    print(f"{PROGRAM}: {message}", file=sys.stderr)
    return 2


def main(argv: list) -> int:
    try:
        options = cli.parse_cli(argv)
    except cli.CliError as e:
        return fail_usage(str(e))
    if options.help:
        print(cli.HELP, end="")
        return 0

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
        return run(options, http_url, argv)
    finally:
        models.finish()  # no pool worker, fork server or resource tracker outlives the run
        if server is not None:
            server.stop()


def run(options, http_url, argv) -> int:
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

    report_path = options.out or default_report_path()
    try:
        if options.out is None:
            os.makedirs(os.path.dirname(report_path), exist_ok=True)
        write_json_atomically(report_path, {"context": {}, "complete": False, "benchmarks": []})
    except OSError as e:
        return fail_usage(f"--out: cannot write the report {report_path}: {e.strerror or e}")

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

    document = ReportDocument(ctx, report_path)
    failed = 0
    start = measure.now()
    try:
        for family_index, plan in enumerate(plans):
            batch = plan.work.make_batch()
            ideal_ns, bound_ns = plan.work.estimate(batch, plan.settings.shape(len(batch)), constants)
            result = measure.measure_entry(plan, options.repetitions, family_index)
            document.add_entry(plan, result.rows, result.timeline, ideal_ns, bound_ns)
            document.write(complete=False)
            failed += result.error is not None
            print(measure.progress_line(plan, result, ideal_ns, measure.now() - start), flush=True)
    except KeyboardInterrupt:
        document.write(complete=False)
        print(f"{PROGRAM}: interrupted; the report so far is {report_path} (complete: false)", file=sys.stderr)
        return 130
    document.write(complete=True)
    print(f"{PROGRAM}: {len(plans)} entries in {measure.now() - start:.0f} s; report {report_path}"
          + (f"; {failed} entries FAILED" if failed else ""))
    return 1 if failed else 0

