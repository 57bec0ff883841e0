"""compare.py: reports from different machines (or builds, or days) compared entry by entry,
with distribution-free statistics, a gate for CI, and the hardware and build side by side."""
