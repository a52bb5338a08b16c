"""Cold start of `qogam ask`: a new process that loads the knowledge base, builds the index, answers."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 7


def main() -> None:
    script = shutil.which("qogam") or str(Path(sys.executable).with_name("qogam"))
    command = [script, "ask", "--json", "Что такое маслихат?"]
    subprocess.run(command, capture_output=True, check=True)  # warm the OS file cache once
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        samples.append(time.perf_counter() - started)
    print(f"cold start of `qogam ask` ({RUNS} runs): median {statistics.median(samples):.2f} s, "
          f"max {max(samples):.2f} s")


if __name__ == "__main__":
    main()
