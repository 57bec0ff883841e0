"""The CPython reference's program (run through ../concbench_python.py). Nothing is imported
here: spawn and forkserver workers import this package for every task function they are
sent, and should pay only for the modules a task needs (task_execution.py, workloads.py)."""
