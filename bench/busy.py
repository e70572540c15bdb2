"""Another job on the machine, for benchmarks: processes that each keep one core busy.

"One answer takes 80 ms idle and 1.7 s beside one busy process" was the finding that set the
thread counts (settings ``web_embed_threads``, ``concurrency_limit``); benchmarks measure
latency again beside such a process with ``--busy N``.
"""

from __future__ import annotations

import subprocess
import sys

# Pure-Python arithmetic at default priority: one core's worth of work, no memory growth.
BUSY_LOOP = "while True:\n    sum(i * i for i in range(10_000))\n"


def start_busy(n: int) -> list[subprocess.Popen]:
    """``n`` processes that each keep one core busy until killed (see :func:`stop_busy`)."""
    return [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(n)]


def stop_busy(processes: list[subprocess.Popen]) -> None:
    """Kill the busy processes and reap them."""
    for process in processes:
        process.kill()
    for process in processes:
        process.wait(timeout=10)
