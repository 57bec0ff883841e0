"""The per-entry figures of a real small run (the session's small_run): memory and CPU from the
untimed probe batch, task latency and the overhead split from the timeline, the stability
verdict, and the machine's state and warnings in the context."""

PROCESS_MODELS = {"processes-fork", "processes-spawn"}
TIME_ROWS = {"iteration", "mean", "median"}
PROBE_COUNTERS = ("peak_rss_bytes", "rss_growth_bytes", "bytes_per_task", "cpu_user_ns", "cpu_system_ns",
                  "voluntary_switches", "involuntary_switches")
TIMELINE_COUNTERS = ("task_p50_ns", "task_p99_ns", "startup_ns", "teardown_ns", "imbalance_ns")


def statistic(row):
    return row.get("aggregate_name", "iteration") if row["run_type"] == "aggregate" else "iteration"


# Workloads measured as batches of tasks (benchmarks/entries/task_entry); start-up entries and scenarios
# have their own measurement.
BATCH_WORKLOADS = {"cpu", "sleep", "http", "empty"}


def batch_rows(report):
    return [row for row in report["benchmarks"]
            if row["workload"] in BATCH_WORKLOADS and "error_occurred" not in row]


def test_probe_figures_are_on_every_time_row_with_sane_values(small_run):
    rows = batch_rows(small_run["report"])
    assert rows
    for row in rows:
        if statistic(row) not in TIME_ROWS:
            assert "peak_rss_bytes" not in row, row["name"]
            continue
        for key in PROBE_COUNTERS:
            assert key in row, (key, row["name"])
        assert row["peak_rss_bytes"] > 0, row["name"]
        assert 0 <= row["rss_growth_bytes"] <= row["peak_rss_bytes"], row["name"]
        assert row["bytes_per_task"] == row["rss_growth_bytes"] / row["tasks"]
        assert row["cpu_user_ns"] >= 0 and row["cpu_system_ns"] >= 0
        assert row["voluntary_switches"] >= 0 and row["involuntary_switches"] >= 0
        if row["model"] in PROCESS_MODELS:
            assert row["workers_pss_bytes"] > 0, row["name"]
        else:
            assert "workers_pss_bytes" not in row, row["name"]


def test_probe_figures_are_the_entrys_not_a_repetitions(small_run):
    by_entry = {}
    for row in batch_rows(small_run["report"]):
        if statistic(row) in TIME_ROWS:
            by_entry.setdefault(row["run_name"], set()).add(row["peak_rss_bytes"])
    assert all(len(values) == 1 for values in by_entry.values()), by_entry


def test_cpu_work_shows_in_the_cpu_time_of_every_process(small_run):
    # The cpu workload counts in whichever process runs it: a process model's workers must
    # have been counted, or its CPU time would be near zero.
    for row in batch_rows(small_run["report"]):
        if row["workload"] == "cpu" and statistic(row) == "iteration":
            assert row["cpu_user_ns"] + row["cpu_system_ns"] > 0, row["name"]


def test_sleeps_give_up_the_cpu(small_run):
    for row in batch_rows(small_run["report"]):
        if row["workload"] == "sleep" and statistic(row) == "iteration" and row["model"] == "sequential":
            assert row["voluntary_switches"] >= row["tasks"], row["name"]


def test_timeline_figures_on_every_iteration_row(small_run):
    for row in batch_rows(small_run["report"]):
        if statistic(row) != "iteration":
            continue
        for key in TIMELINE_COUNTERS:
            assert key in row and row[key] >= 0, (key, row["name"])
        assert row["task_p50_ns"] <= row["task_p99_ns"] * (1 + 1e-9), row["name"]
        if "dispatch_gap_ns_per_task" in row:
            assert row["tasks"] > row["peak_concurrency"], row["name"]


def test_every_entry_has_a_stability_verdict(small_run):
    for row in small_run["report"]["benchmarks"]:
        stability = row["stability"]  # two repetitions each in the small run
        assert stability["verdict"] in ("stable", "noisy")
        assert stability["cv"] >= 0 and stability["outliers"] >= 0
        assert stability["repetitions"] == 2
        assert (stability["verdict"] == "noisy") == (stability["cv"] > 0.03)


def test_noisy_entries_say_so_in_the_progress_line(small_run):
    stdout = small_run["completed"].stdout
    noisy = {row["run_name"] for row in small_run["report"]["benchmarks"]
             if row.get("stability", {}).get("verdict") == "noisy"}
    for line in stdout.splitlines():
        if line.startswith("[") and "FAILED" not in line:
            name = line.split("] ", 1)[1].split("  ", 1)[0]
            assert ("noisy: cv" in line) == (name in noisy), line


def test_context_records_the_machines_state(small_run):
    context = small_run["report"]["context"]
    assert isinstance(context["cpu_governor"], str) and context["cpu_governor"]
    virtualisation = context["virtualisation"]
    assert virtualisation["vm"] and virtualisation["container"]
    assert isinstance(virtualisation["hypervisor_flag"], bool)
    for key in ("load_average_start", "load_average_end"):
        assert len(context[key]) == 3 and all(value >= 0 for value in context[key]), key
    assert 0 <= context["steal_fraction"] <= 1
    assert context["affinity_cpus"]
    assert isinstance(context["pinned"], bool)
    assert context["debug_build"] is False  # ctest runs on the release build
    assert isinstance(context["warnings"], list)


def test_every_recorded_warning_was_printed(small_run):
    stdout = small_run["completed"].stdout
    for warning in small_run["report"]["context"]["warnings"]:
        assert f"concbench: warning: {warning}" in stdout, warning
