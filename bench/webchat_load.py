"""Load test of the web chat: N concurrent users asking through gradio_client.

Usage::

    python bench/webchat_load.py                 # starts the app in-process on a free port
    python bench/webchat_load.py --url http://127.0.0.1:7860 --users 20 --rounds 3

Each simulated user has its own ``gradio_client.Client`` (created before the
clock starts) and asks the example questions in turn; all users start together.
Prints a table of latencies (p50/p95/max), errors, wall time and throughput for
the chat endpoint (``/respond``) and the JSON endpoint (``/ask``). A request is an
error when it raises or when the reply has no text.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@dataclass(frozen=True)
class RequestResult:
    """One request's outcome."""

    seconds: float
    error: str = ""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int):
    """Start the web chat in this process (index built if missing); return the Blocks."""
    from settings import load_settings
    from webchat.bootstrap import load_backend
    from webchat.layout import build_demo, launch_options

    settings = load_settings(port=port, host="127.0.0.1")
    demo = build_demo(load_backend(settings), settings)
    demo.launch(prevent_thread_lock=True, quiet=True, **launch_options(settings))
    return demo, settings


def one_request(client, endpoint: str, question: str) -> RequestResult:
    """Ask once; time it; classify the reply."""
    started = time.perf_counter()
    try:
        if endpoint == "/respond":
            history, _ = client.predict(question, [], "", "extractive", api_name="/respond")
            content = history[-1]["content"] if history else ""
            text = content if isinstance(content, str) else " ".join(str(c.get("text", "")) for c in content)
        else:
            text = client.predict(question, "", "", api_name="/ask").get("answer", "")
    except Exception as error:  # counted and reported, not raised
        return RequestResult(time.perf_counter() - started, f"{type(error).__name__}: {error}"[:120])
    elapsed = time.perf_counter() - started
    return RequestResult(elapsed, "" if text.strip() else "empty reply")


def run_endpoint(url: str, endpoint: str, users: int, rounds: int) -> tuple[list[RequestResult], float]:
    """All users ask ``rounds`` questions each at once; return results and wall seconds."""
    from gradio_client import Client

    from webchat.layout import EXAMPLE_QUESTIONS

    clients = [Client(url, verbose=False) for _ in range(users)]
    barrier = threading.Barrier(users)

    def user(i: int) -> list[RequestResult]:
        barrier.wait()
        return [one_request(clients[i], endpoint, EXAMPLE_QUESTIONS[(i + r) % len(EXAMPLE_QUESTIONS)])
                for r in range(rounds)]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        results = [r for batch in pool.map(user, range(users)) for r in batch]
    wall = time.perf_counter() - started
    for client in clients:
        client.close()
    return results, wall


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print the table; exit code 1 when any request failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="running web chat (default: start one in-process)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="questions per user per endpoint")
    args = parser.parse_args(argv)
    if args.users <= 0 or args.rounds <= 0:
        parser.error(f"--users and --rounds must be > 0, got {args.users} and {args.rounds}")

    demo = None
    url = args.url
    concurrency = "?"
    if url is None:
        demo, settings = start_app(free_port())
        url = f"http://127.0.0.1:{settings.port}/"
        concurrency = str(settings.concurrency_limit)
    try:
        print(f"url={url} users={args.users} rounds={args.rounds} concurrency_limit={concurrency}")
        print(f"{'endpoint':<10} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
              f"{'wall s':>7} {'req/s':>6}")
        failed = 0
        for endpoint in ("/respond", "/ask"):
            results, wall = run_endpoint(url, endpoint, args.users, args.rounds)
            latencies = [r.seconds * 1000 for r in results]
            errors = [r.error for r in results if r.error]
            failed += len(errors)
            print(f"{endpoint:<10} {len(results):>8} {len(errors):>6} {statistics.median(latencies):>8.0f} "
                  f"{percentile(latencies, 95):>8.0f} {max(latencies):>8.0f} {wall:>7.1f} "
                  f"{len(results) / wall:>6.1f}")
            for error in sorted(set(errors))[:5]:
                print(f"    error: {error}")
    finally:
        if demo is not None:
            demo.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
