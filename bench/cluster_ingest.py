"""Ingest on a local cluster: Dask distributed against Ray, at 1 and 2 workers, against one process.

Usage (hold the CPU lock: it saturates the cores)::

    python bench/make_corpus.py --n 12 --seed 3 --out /tmp/corpus12
    flock /tmp/bhyt-cpu.lock python bench/cluster_ingest.py /tmp/corpus12 --framework dask
    flock /tmp/bhyt-cpu.lock python bench/cluster_ingest.py /tmp/corpus12 --framework ray   # needs `pip install ray`
    flock /tmp/bhyt-cpu.lock python bench/cluster_ingest.py /tmp/corpus12 --framework local

For each worker count it starts a real cluster on loopback (a scheduler or head
with no CPU of its own, and one-process workers with one embedder thread each;
Ray's workers are the processes of one worker node with a CPU each, since a
second Ray node on the same host does not start),
times start-up (launch to every worker registered), then ingests the folder
twice through ``index/cluster_ingest.py`` with an empty in-memory vector cache
each time: the first run pays the workers' model loading, the second is the
steady state. Prints one table: plans/s and kchars/s embedded per run. The
cluster is stopped by killing the process groups this script started.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.cluster_ingest import ClusterError, ClusterIngest  # noqa: E402
from index.vector_cache import VectorCache  # noqa: E402
from settings import load_settings  # noqa: E402

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _spawn(command: list[str], log: Path) -> subprocess.Popen:
    env = dict(os.environ, OMP_NUM_THREADS="1")
    return subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env,
                            start_new_session=True, cwd=ROOT)


def stop(processes: list[subprocess.Popen]) -> None:
    """Stop the process groups this script started (workers first, then the scheduler or head)."""
    for process in reversed(processes):
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for process in reversed(processes):
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start_dask(workers: int, logs: Path) -> tuple[str, list[subprocess.Popen]]:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [_spawn([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                         "--no-dashboard"], logs / "scheduler.log")]
    for i in range(workers):
        processes.append(_spawn([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                 "--no-dashboard", "--memory-limit", "0", "--name", f"w{i}"],
                                logs / f"worker{i}.log"))
    from distributed import Client

    with Client(address, timeout=60, set_as_default=False) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, processes


def start_ray(workers: int, logs: Path) -> tuple[str, list[subprocess.Popen]]:
    import ray

    port = free_port()
    address = f"127.0.0.1:{port}"
    ray_cli = [sys.executable, "-m", "ray.scripts.scripts"]
    processes = [_spawn([*ray_cli, "start", "--head", "--node-ip-address", "127.0.0.1", "--port", str(port),
                         "--num-cpus", "0", "--include-dashboard", "false", "--block"], logs / "head.log")]
    deadline = time.monotonic() + 120
    # One worker node with a CPU per worker process: a second raylet on the same host does not start
    # (it times out on ports the first one holds), so Ray's workers share one node here.
    processes.append(_spawn([*ray_cli, "start", "--address", address, "--node-ip-address", "127.0.0.1",
                             "--num-cpus", str(workers), "--block"], logs / "worker.log"))
    while time.monotonic() < deadline:
        try:
            ray.init(address=address, logging_level="ERROR", log_to_driver=False)
            cpus = sum(n["Resources"].get("CPU", 0) for n in ray.nodes() if n["Alive"])
            ray.shutdown()
            if cpus >= workers:
                return address, processes
        except (ConnectionError, RuntimeError):
            pass
        time.sleep(0.5)
    stop(processes)
    raise RuntimeError("ray workers did not register")


class RaySession:
    """The session interface of ``index/cluster_ingest.py`` over Ray tasks (for this comparison only)."""

    def __init__(self, address: str, connect_timeout: float, worker_grace: float) -> None:
        self.address = address
        self.initial_workers = 0
        self._remote: dict[Any, Any] = {}

    def __enter__(self) -> RaySession:
        import ray

        try:
            ray.init(address=self.address, logging_level="ERROR", log_to_driver=False)
        except (ConnectionError, RuntimeError) as exc:
            raise ClusterError(f"Không kết nối được cụm Ray tại '{self.address}'.") from exc
        self.initial_workers = int(sum(n["Resources"].get("CPU", 0) for n in ray.nodes() if n["Alive"]))
        return self

    def __exit__(self, *exc_info: object) -> None:
        import ray

        ray.shutdown()

    def submit(self, function: Any, *args: Any) -> Any:
        import ray

        if function not in self._remote:
            self._remote[function] = ray.remote(num_cpus=1, max_retries=3)(function)
        return self._remote[function].remote(*args)

    def wait_some(self, futures: list[Any]) -> list[Any]:
        import ray

        ray.wait(futures, num_returns=1)
        ready, _ = ray.wait(futures, num_returns=len(futures), timeout=0)
        return ready

    def result(self, future: Any, file_name: str) -> Any:
        import ray

        return ray.get(future)


def run_local(corpus: Path, settings: Any) -> dict:
    """One process: read, then embed every passage with the default threads (both cores)."""
    from index.clause_text import embedding_text
    from index.embedders import make_embedder
    from ingest.batch import ingest_paths

    started = time.perf_counter()
    report = ingest_paths([corpus], settings=settings)
    embedder = make_embedder(settings.get("embedder"))
    texts = [embedding_text(c, d.meta) for d in report.documents for c in d.clauses]
    for i in range(0, len(texts), 128):
        embedder.encode_passages(texts[i:i + 128])
    seconds = time.perf_counter() - started
    return {"plans": len(report.documents), "chars": sum(map(len, texts)), "seconds": seconds}


def run_cluster(corpus: Path, settings: Any, address: str, session: Any) -> dict:
    cache = VectorCache(":memory:")
    cluster = ClusterIngest("dask", address, session=session, connect_timeout=60)
    outcome = cluster.ingest([corpus], settings=settings, cache=cache)
    cache.close()
    return {"plans": len(outcome.ingest.documents), "chars": outcome.chars, "seconds": outcome.seconds}


def row(label: str, result: dict, startup: float | None) -> str:
    rate = result["plans"] / result["seconds"]
    kchars = result["chars"] / result["seconds"] / 1000
    start = f"{startup:.1f}" if startup is not None else "–"
    return f"| {label} | {start} | {result['plans']} | {result['seconds']:.1f} | {rate:.3f} | {kchars:.2f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--framework", choices=("dask", "ray", "local"), required=True)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--logs", type=Path, default=Path("/tmp/bhyt-cluster-bench"))
    args = parser.parse_args(argv)
    settings = load_settings()
    print("| run | start-up s | plans | seconds | plans/s | kchars/s |")
    print("|---|---|---|---|---|---|")
    if args.framework == "local":
        for attempt in ("cold", "warm"):
            print(row(f"one process, 2 threads ({attempt})", run_local(args.corpus, settings), None), flush=True)
        return 0
    for workers in args.workers:
        logs = args.logs / f"{args.framework}-{workers}"
        logs.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        start = start_dask if args.framework == "dask" else start_ray
        address, processes = start(workers, logs)
        startup = time.perf_counter() - started
        try:
            session = RaySession if args.framework == "ray" else None
            for attempt in ("cold", "warm"):
                result = run_cluster(args.corpus, settings, address, session)
                print(row(f"{args.framework}, {workers} worker(s) ({attempt})", result,
                          startup if attempt == "cold" else None), flush=True)
        finally:
            stop(processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
