"""What plot/'s scripts run: concbench's reports read, drawn, compared and tabulated.

    reports/     reading a report (and its timeline file): validation, entries, groups
    charts/      the charts plot.py draws, its summary page and where it may write them
    comparison/  what compare.py prints: statistics, the gate, the hardware and build diff
    tables/      the Markdown tables table.py prints (BENCHMARKS.md is made of them)

The scripts beside this folder (plot.py, compare.py, table.py) are its command lines: Python
puts a script's own folder first on sys.path, so they import it as it is, with no install.
"""
