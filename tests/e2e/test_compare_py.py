"""Google Benchmark's own compare.py (libbenchmark-tools) reads concbench's report unchanged.

compare.py imports scipy, which cannot be installed beside Boost 1.81 (docs/pitfalls.md
"Packages"): the test unpacks Debian's scipy into a test-only folder with `apt-get download` +
`dpkg -x` and points PYTHONPATH at it. Where that is impossible (no package lists, no network)
it skips, saying so.
"""

import os
import pathlib
import subprocess
import sysconfig

import pytest

COMPARE = pathlib.Path("/usr/share/benchmark/compare.py")
PACKAGES = ["python3-scipy", "python3-decorator", "liblbfgsb0"]


@pytest.fixture(scope="session")
def scipy_folder(tmp_path_factory):
    cache = pathlib.Path(os.environ.get("CONCBENCH_SCIPY_CACHE", tmp_path_factory.mktemp("scipy")))
    ready = cache / ".unpacked"
    if not ready.exists():
        debs = cache / "debs"
        debs.mkdir(parents=True, exist_ok=True)
        downloaded = subprocess.run(["apt-get", "download", *PACKAGES], cwd=debs,
                                    capture_output=True, text=True, timeout=300)
        if downloaded.returncode != 0:
            reason = (downloaded.stderr.strip().splitlines() or ["no message"])[-1]
            pytest.skip(f"cannot give compare.py its scipy: `apt-get download` failed: {reason}")
        root = cache / "root"
        for deb in debs.glob("*.deb"):
            subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
        ready.touch()
    return cache / "root"


def multiarch_triplet() -> str:
    """Debian's multiarch folder name (x86_64-linux-gnu, aarch64-linux-gnu, ...): from the
    interpreter's own build, which needs no dpkg-dev (a minimal Debian lacks it)."""
    triplet = sysconfig.get_config_var("MULTIARCH")
    if triplet:
        return triplet
    for command in (["gcc", "-print-multiarch"], ["dpkg-architecture", "-qDEB_HOST_MULTIARCH"]):
        try:
            triplet = subprocess.run(command, capture_output=True, text=True).stdout.strip()
        except FileNotFoundError:
            continue
        if triplet:
            return triplet
    pytest.skip("cannot tell this machine's multiarch folder for scipy's libraries")


def compare_env(scipy_root):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(scipy_root / "usr/lib/python3/dist-packages")
    env["LD_LIBRARY_PATH"] = str(scipy_root / "usr/lib" / multiarch_triplet())
    return env


def test_compare_py_reads_the_report_unchanged(small_run, scipy_folder):
    if not COMPARE.exists():
        pytest.skip("libbenchmark-tools is not installed (ci/install-deps.sh installs it)")
    report = str(small_run["report_path"])
    completed = subprocess.run(["/usr/bin/python3", str(COMPARE), "benchmarks", report, report],
                               capture_output=True, text=True, timeout=120, env=compare_env(scipy_folder))
    assert completed.returncode == 0, completed.stderr
    # compare.py matches entries by name: every grammar name appears, compared with itself.
    names = {row["run_name"] for row in small_run["report"]["benchmarks"]}
    for name in names:
        assert name in completed.stdout, name
    assert "OVERALL_GEOMEAN" in completed.stdout


@pytest.fixture(scope="session")
def precision_run(concbench_binary, tmp_path_factory):
    """A tiny precision-driven run: rounds until each entry's p25 interval is within 60 % (the
    fewest repetitions that give one), rows arriving round by round."""
    report_path = tmp_path_factory.mktemp("precision-run") / "r.json"
    completed = subprocess.run(
        [concbench_binary, "--workloads=cpu", "--models=sequential,threads", "--workers=2", "--cpu-scale=0.01",
         "--benchmark_filter=-pool:warm", "--precision=60%", "--budget=2m", f"--out={report_path}"],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    return report_path


def test_compare_py_reads_a_precision_driven_report(precision_run, scipy_folder):
    if not COMPARE.exists():
        pytest.skip("libbenchmark-tools is not installed (ci/install-deps.sh installs it)")
    report = str(precision_run)
    completed = subprocess.run(["/usr/bin/python3", str(COMPARE), "benchmarks", report, report],
                               capture_output=True, text=True, timeout=120, env=compare_env(scipy_folder))
    assert completed.returncode == 0, completed.stderr
    for name in ("cpu/sequential/scale:0.01", "cpu/threads/W:2/pool:cold/scale:0.01"):
        assert name in completed.stdout, completed.stdout
    assert "OVERALL_GEOMEAN" in completed.stdout
