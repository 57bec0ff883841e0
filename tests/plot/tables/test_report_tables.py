"""table.py's tables (report_tables.py): the Markdown tables
BENCHMARKS.md is made of."""

from plot_support import REPORT, run_table


def test_one_table_per_batch_with_the_reports_figures():
    completed = run_table(str(REPORT))
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert out.count("| entry | median | speedup | efficiency | ideal | bound |") == 3
    assert "**cpu: 17 tasks, scale 1**" in out
    # Every row of the first table starts with an entry label and has six cells.
    rows = [line for line in out.splitlines() if line.startswith("| sequential")]
    assert rows and all(line.count("|") == 7 for line in rows)
    assert "| sequential | " in out and "1.00×" in out


def test_a_failed_entry_shows_its_error():
    out = run_table(str(REPORT)).stdout
    assert "failed: " in out


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    completed = run_table(str(bad))
    assert completed.returncode == 2
    assert completed.stderr.startswith("table.py: ")
    assert len(completed.stderr.strip().splitlines()) == 1


