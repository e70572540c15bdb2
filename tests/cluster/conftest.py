"""Real Dask clusters on loopback for the cluster-ingest tests: a scheduler and one-thread workers.

The scheduler and each worker run as their own process group (``dask scheduler``
and ``dask worker`` from this interpreter's environment, free ports, no
dashboard), in a scratch working directory so that workers read files by the
absolute paths the driver sends. Finalizers stop exactly those process groups,
whatever the tests did.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DASK = Path(sys.executable).parent / "dask"


def free_port() -> int:
    """A TCP port nothing listens on at the moment (loopback)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LocalCluster:
    """A running scheduler (``address``) and its worker processes (each its own process group)."""

    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)

    def kill_worker(self, number: int) -> None:
        """Kill a worker and its nanny at once, as a machine that is lost."""
        os.killpg(self.workers[number].pid, signal.SIGKILL)
        self.workers[number].wait(timeout=20)


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def local_cluster(scratch: Path, workers: int) -> Iterator[LocalCluster]:
    """Start a scheduler and ``workers`` one-thread workers; stop them all on leaving."""
    import distributed  # extra 'cluster', installed by `make test`: missing, these tests fail rather than skip

    address = f"tcp://127.0.0.1:{free_port()}"
    # One embedder thread per worker: two workers × one thread = the two cores of the test machine.
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    processes: list[subprocess.Popen] = []

    def spawn(name: str, *args: str) -> subprocess.Popen:
        with (scratch / f"{name}.log").open("w") as log:
            process = subprocess.Popen([str(DASK), *args], cwd=scratch, env=env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        processes.append(process)
        return process

    try:
        port = address.rsplit(":", 1)[1]
        cluster = LocalCluster(address, spawn("scheduler", "scheduler", "--host", "127.0.0.1", "--port", port,
                                              "--no-dashboard"))
        for i in range(workers):
            cluster.workers.append(spawn(f"worker{i}", "worker", address, "--nthreads", "1", "--no-dashboard",
                                         "--memory-limit", "0", "--name", f"w{i}"))
        with distributed.Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=90)
        yield cluster
    finally:
        _stop(processes[1:] + processes[:1])  # workers first, then the scheduler


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory) -> Iterator[str]:
    """``tcp://127.0.0.1:<port>`` of a running scheduler with two registered workers."""
    with local_cluster(tmp_path_factory.mktemp("cluster"), 2) as cluster:
        yield cluster.address
