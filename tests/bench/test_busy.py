"""bench/busy.py: another job on the machine, as the latency benchmarks start it with --busy N."""

from __future__ import annotations

import os
import time

import pytest

from tests.bench.scripts import load_script


def _cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads CPU time from /proc")
def test_a_busy_process_burns_a_core_until_stopped():
    busy = load_script("busy")
    processes = busy.start_busy(1)
    try:
        time.sleep(1.0)
        assert _cpu_seconds(processes[0].pid) >= 0.3  # it works, not sleeps
        assert processes[0].poll() is None
    finally:
        busy.stop_busy(processes)
    assert processes[0].poll() is not None


def test_the_load_benchmark_refuses_bad_user_counts_in_words_it_names():
    load = load_script("webchat_load")
    for bad in ("0", "1,x", "", "-4"):
        with pytest.raises(SystemExit) as stopped:
            load.main(["--users", bad, "--url", "http://127.0.0.1:9/"])
        assert stopped.value.code == 2
