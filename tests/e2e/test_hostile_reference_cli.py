"""A seeded fuzz of the CPython reference's command line (benchmarks/python/cpython_reference/cli.py), as
tests/fuzz/fuzz_cli_options.cpp fuzzes the C++ one: every argv must either parse into options
within the limits the rest of the reference relies on, or be refused with CliError carrying
one line (never another exception). A sample of the mutants then runs as a user would run
them (with --list, so nothing is measured): exit 0, or exit 2 with one line on stderr.
Atheris-free: a fixed number of mutants from fixed seeds, so a failure reproduces."""

from __future__ import annotations

import math
import pathlib
import random
import subprocess

import pytest

from cpython_reference import cli, models

REPO = pathlib.Path(__file__).resolve().parents[2]
PYTHON = "/usr/bin/python3"
REFERENCE = REPO / "benchmarks" / "python" / "concbench_python.py"

MUTANTS = 3000
RUN_AS_A_USER = 40  # of them, through the program (each a Python start-up: ~0.3 s)

FLAGS = ["--suite", "--workloads", "--models", "--workers", "--cpu-scale", "--time-scale", "--http-url",
         "--benchmark_repetitions", "--out", "--test-fault", "--list", "--force", "--help", "-h",
         "--benchmark_out", "--benchmark_format", "--bogus", "--", "-", "--=", "--list=", "--force=yes"]
VALUES = ["quick", "default", "full", "cpu", "sleep", "http", "messaging", "cpu,sleep", "cpu,cpu", "cpu,",
          ",", "", " ", "python-threads", "python-sequential,python-asyncio", "threads", "python-threads,",
          "1", "2", "0", "-1", "1,2,py-default", "py-default", "10000", "10001", "2,2", "1e3", "0x10",
          "0.01", "1e-5", "100", "100.0001", "1e308", "nan", "inf", "-inf", "-0", "0.5,0.5", "1,abc",
          "http://127.0.0.1:8080/", "http://", "ftp://x", "http://h/\r\nX-Injected: 1", "raise", "wrong",
          "explode", "/tmp/r.json", "-", "r.json\nsecond line", "\x00", "\udcff", "é", "1000", "1001",
          "9" * 40, "1_000", "+5", "٣"]


def mutant(rng: random.Random) -> list:
    """An argv: flags with values glued (`--flag=value`), apart (`--flag value`), missing,
    doubled; stray words; pieces of values cut or joined."""
    argv = []
    for _ in range(rng.randint(0, 6)):
        flag = rng.choice(FLAGS)
        form = rng.randrange(5)
        value = rng.choice(VALUES)
        if rng.random() < 0.15:  # a value cut short or two run together
            value = value[:rng.randrange(len(value) + 1)] + (rng.choice(VALUES) if rng.random() < 0.5 else "")
        if form == 0:
            argv.append(f"{flag}={value}")
        elif form == 1:
            argv += [flag, value]
        elif form == 2:
            argv.append(flag)
        elif form == 3:
            argv.append(value)
        else:
            argv += [f"{flag}={value}", f"{flag}={rng.choice(VALUES)}"]
    if argv and rng.random() < 0.1:  # a character flipped
        i = rng.randrange(len(argv))
        if argv[i]:
            j = rng.randrange(len(argv[i]))
            argv[i] = argv[i][:j] + chr(rng.randrange(1, 0x250)) + argv[i][j + 1:]
    return argv


def check_limits(options: cli.Options) -> None:
    """What parses is within the limits the reference relies on."""
    assert options.suite in cli.KNOWN_SUITES
    assert set(options.workloads) <= set(cli.KNOWN_WORKLOADS)
    assert len(set(options.workloads)) == len(options.workloads)
    if options.models is not None:
        assert options.models and set(options.models) <= set(models.ALL_MODELS)
    if options.workers is not None:
        assert len(set(options.workers)) == len(options.workers)
        for label in options.workers:
            assert label == "py-default" or 1 <= int(label) <= cli.MAX_WORKERS
    if options.cpu_scales is not None:
        assert all(0 < s <= cli.MAX_CPU_SCALE and math.isfinite(s) for s in options.cpu_scales)
    assert 0 < options.time_scale <= cli.MAX_TIME_SCALE and math.isfinite(options.time_scale)
    assert 1 <= options.repetitions <= cli.MAX_REPETITIONS
    if options.http_url is not None:
        assert options.http_url.startswith("http://") and len(options.http_url) > len("http://")
    if options.out is not None:
        assert options.out != ""
    assert options.test_fault in (None, "raise", "wrong")
    assert isinstance(options.force, bool) and isinstance(options.list, bool)


def mutants(seed: int) -> list:
    rng = random.Random(seed)
    return [mutant(rng) for _ in range(MUTANTS)]


@pytest.mark.parametrize("seed", [1, 2])
def test_reference_argv_parses_or_is_one_line_refusal(seed):
    outcomes = {"parsed": 0, "refused": 0}
    for number, argv in enumerate(mutants(seed)):
        try:
            options = cli.parse_cli(argv)
        except cli.CliError as error:
            message = str(error)
            assert message and "\n" not in message and "\r" not in message, (number, argv, message)
            outcomes["refused"] += 1
            continue
        except Exception as error:  # noqa: BLE001 - exactly what the test looks for
            pytest.fail(f"seed {seed}, mutant {number} {argv!r}: {type(error).__name__}: {error}")
        check_limits(options)
        outcomes["parsed"] += 1
    assert outcomes["parsed"] > 50 and outcomes["refused"] > 1000, outcomes  # both paths exercised


def test_reference_force_is_a_flag_without_value():
    assert cli.parse_cli(["--force"]).force is True
    assert cli.parse_cli([]).force is False
    with pytest.raises(cli.CliError, match="--force takes no value"):
        cli.parse_cli(["--force=yes"])
    assert "--force" in cli.HELP


def test_reference_argv_with_a_newline_is_refused_on_one_line():
    with pytest.raises(cli.CliError) as caught:
        cli.parse_cli(["--bo\ngus"])
    assert str(caught.value) == "unknown flag '--bo\\ngus' (see --help)"


def test_reference_command_line_as_a_user_runs_it(tmp_path):
    """A sample of the mutants through the program itself, always with --list (nothing is
    measured, nothing written): exit 0, or 2 with exactly one line on stderr."""
    rng = random.Random(7)
    parsed, refused = [], []
    for argv in mutants(3):
        try:
            cli.parse_cli(argv)
            parsed.append(argv)
        except cli.CliError:
            refused.append(argv)
    sample = rng.sample(parsed, RUN_AS_A_USER // 2) + rng.sample(refused, RUN_AS_A_USER // 2)
    statuses = set()
    for argv in sample:
        argv = ["--list", *[a.replace("\x00", "0") for a in argv]]  # exec() cannot pass a NUL
        completed = subprocess.run([PYTHON, str(REFERENCE), *argv], capture_output=True, text=True,
                                   errors="backslashreplace", timeout=120, cwd=str(tmp_path))
        assert "Traceback" not in completed.stderr, (argv, completed.stderr)
        statuses.add(completed.returncode)
        if completed.returncode == 0:
            continue
        assert completed.returncode == 2, (argv, completed.returncode, completed.stderr)
        lines = completed.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("concbench_python: "), (argv, completed.stderr)
    assert statuses == {0, 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "--list writes nothing"
