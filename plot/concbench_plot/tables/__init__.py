"""table.py: a report as Markdown tables, the figures BENCHMARKS.md quotes."""
