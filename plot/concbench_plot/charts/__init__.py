"""plot.py's charts: one module per kind of chart (each with its `wants_…` test, its drawing
and its one-line reading), the style they share, the plan of what to draw for a set of
reports, the summary page, and the folder the files are written into."""
