"""What the end-to-end files share besides fixtures, importable by a name no other test folder
uses (every folder has a conftest.py, so `from conftest import …` would take whichever pytest
loaded first)."""

# A full quick suite shrunk to a few seconds: tiny cpu scale, short sleeps, two repetitions.
SMALL_RUN_FLAGS = [
    "--suite=quick",
    "--cpu-scale=0.01",
    "--time-scale=0.05",
    "--benchmark_repetitions=2",
]
