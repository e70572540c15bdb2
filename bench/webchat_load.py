"""Load test of the web chat against a separate server process, through gradio_client.

Usage::

    python bench/webchat_load.py                       # starts `python app.py` on a free loopback port
    python bench/webchat_load.py --url http://127.0.0.1:7860/ --duration 60 --users 20 --burst 100

Scenarios, each bounded in time (the script stops by itself):

- ``first``: the first answer after the server says it is up (start-up loads every
  model, so this should cost what the next answer costs);
- ``idle``: one normal user asking questions in a loop;
- ``sustained``: ``--users`` users (default 20; a list "1,4,20" gives one row per count) looping for ``--duration`` seconds
  (default 60), half on ``/ask``, half on ``/respond``, each reading an answer for
  ``--think`` seconds on average before the next question, and starting at a random moment
  within the first think time (default 0: all at once and no pause, a stress test beyond what
  the rate limit admits; ``--rate-limit 20 --think 4`` is 20 people
  asking about as fast as the default limit lets them);
- ``burst``: ``--burst`` users (default 100) asking once, all at the same instant;
- ``attack``: ``--attackers`` clients (default 8) looping 2,000-character questions
  while one normal user loops normal questions; the normal user's latencies are
  reported (compare with ``idle``).

Normal questions come from the training question files, each asked once before any
repeats (the server caches recent query vectors, so repeating a handful of questions would
measure the cache); attackers' long questions are numbered, so none repeats. The run ends
with how many requests repeated an earlier question.

``--busy N`` runs N other processes that each keep one core busy for the whole run (another job on
the machine: "a second process busy" is what made one answer take 1.7 s before the thread settings);
``--index DIR`` serves that index instead of the default one (e.g. a 3,400-plan index built by
``bench/scale.py``).

Every user has its own ``gradio_client.Client`` (created before the clock starts),
with the client time-out the README recommends (``httpx_kwargs={"timeout": 60}``).
The server is started with the rate limit off (``--rate-limit 0``: sustained users ask without
pause) unless ``--rate-limit`` says otherwise; every simulated user has an address of its own
(``X-Forwarded-For`` from loopback), so ``--rate-limit 20 --only attack`` measures the attack
against the default per-client limit, as attackers on the Internet meet it. Prints, per scenario, requests/s,
p50/p95/p99 and errors by kind: ``overload`` (our Vietnamese queue-full refusal,
retryable), ``rate limit``, ``gradio queue full`` (Gradio's English refusal),
``timeout``, ``empty reply`` and other exception types.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from bench.busy import start_busy, stop_busy  # noqa: E402 - after the project root is on sys.path

SCENARIOS = ("idle", "sustained", "burst", "attack")
CLIENT_TIMEOUT_S = 60  # the client time-out README.md recommends
START_TIMEOUT_S = 600
NORMAL_QUESTIONS = (
    "Đến hết năm 2026, phần dân số nắm thẻ BHYT phải chiếm bao nhiêu?",
    "Ai vận động bà con mua thẻ BHYT, cơ quan nào phụ trách chính?",
    "Người cận nghèo mua thẻ BHYT được nhà nước giúp đỡ ra sao?",
    "tien mua bhyt cho nha ngheo do ai chi tra",
)
LONG_QUESTION = ("Người cận nghèo mua thẻ BHYT được nhà nước hỗ trợ bao nhiêu phần trăm mức đóng hằng năm, "
                 "và cơ quan nào chịu trách nhiệm? " * 30)[:2000]
# The server keeps recent query vectors: every request asks a question not asked before in the run
# (the training question files, in turn; a numbered long question for the attackers), so the load
# is what new questions cost. Questions past the file's end repeat, and are counted.
QUESTION_FILES = sorted((PROJECT_ROOT / "eval" / "gold").glob("train_*.jsonl"))


class QuestionFeed:
    """Questions for the load scenarios, each handed out once before any repeats (thread-safe)."""

    def __init__(self) -> None:
        import json

        self.questions = [json.loads(line)["question"] for path in QUESTION_FILES
                          for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        self.questions = list(dict.fromkeys(self.questions)) or list(NORMAL_QUESTIONS)
        self._next = 0
        self._long = 0
        self._lock = threading.Lock()

    def normal(self) -> str:
        with self._lock:
            self._next += 1
            return self.questions[(self._next - 1) % len(self.questions)]

    def long(self) -> str:
        with self._lock:
            self._long += 1
            return f"Câu hỏi {self._long}: {LONG_QUESTION}"[:2000]

    @property
    def repeats(self) -> int:
        """Normal questions handed out that had been handed out before in this run."""
        return max(0, self._next - len(self.questions))


@dataclass(frozen=True)
class RequestResult:
    """One request's outcome: seconds taken and the kind of error ("" when answered)."""

    seconds: float
    error: str = ""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, log_path: Path, rate_limit: int = 0,
                 index_dir: str | None = None) -> tuple[subprocess.Popen, float]:
    """``python app.py`` on ``port`` in its own process; returns it and the seconds until it answered HTTP."""
    env = dict(os.environ, BHYT_RATE_LIMIT_PER_MINUTE=str(rate_limit), BHYT_LOG_QUESTIONS="false",
               GRADIO_ANALYTICS_ENABLED="False")
    if index_dir:
        env["BHYT_INDEX_DIR"] = index_dir
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed with the process
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(PROJECT_ROOT / "app.py"), "--host", "127.0.0.1",
                                "--port", str(port)], cwd=PROJECT_ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - started < START_TIMEOUT_S:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url + "gradio_api/info", timeout=2) as response:
                if response.status == 200:
                    return process, time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"the server was not up within {START_TIMEOUT_S} s")


def error_kind(error: Exception) -> str:
    """A short name for what went wrong."""
    text = str(error)
    if "quá tải" in text:
        return "overload (vi, retryable)"
    if "quá nhanh" in text:
        return "rate limit (vi)"
    if "Queue is full" in text:
        return "gradio queue full (en)"
    if "timed out" in text.lower() or "timeout" in type(error).__name__.lower():
        return "timeout"
    return type(error).__name__


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
        return RequestResult(time.perf_counter() - started, error_kind(error))
    return RequestResult(time.perf_counter() - started, "" if text.strip() else "empty reply")


_ADDRESSES = itertools.count(1)


def make_clients(url: str, n: int) -> list:
    """``n`` clients, each with the recommended time-out and an address of its own.

    Every simulated user sends ``X-Forwarded-For: 10.x.y.z`` (its own): the server's HTTP layer
    takes it as the client address from a loopback proxy, so the per-client rate limit, when
    on, holds each user to its own count as it would on the Internet.
    """
    from gradio_client import Client

    def client(_: int):
        n = next(_ADDRESSES)
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        return Client(url, verbose=False, headers={"X-Forwarded-For": address},
                      httpx_kwargs={"timeout": CLIENT_TIMEOUT_S})

    with ThreadPoolExecutor(max_workers=min(n, 16)) as pool:
        return list(pool.map(client, range(n)))


def loop_users(clients: list, duration: float, plan, pause=lambda i: 0.0,
               start=lambda i: 0.0) -> tuple[list[list[RequestResult]], float]:
    """Each client asks ``plan(i, r) -> (endpoint, question)`` in a loop for ``duration`` seconds,
    waiting ``pause(i)`` seconds after each answer; client ``i`` starts ``start(i)`` seconds in."""
    barrier = threading.Barrier(len(clients))

    def user(i: int) -> list[RequestResult]:
        barrier.wait()
        end = time.perf_counter() + duration
        time.sleep(start(i))
        results, r = [], 0
        while time.perf_counter() < end:
            endpoint, question = plan(i, r)
            results.append(one_request(clients[i], endpoint, question))
            r += 1
            time.sleep(pause(i))
        return results

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        per_user = list(pool.map(user, range(len(clients))))
    return per_user, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def row(name: str, results: list[RequestResult], wall: float) -> str:
    """One table line: requests, req/s, p50/p95/p99 of answered requests (ms), errors by kind."""
    answered = [r.seconds * 1000 for r in results if not r.error]
    errors = Counter(r.error for r in results if r.error)
    stats = ([f"{percentile(answered, q):>8.0f}" for q in (50, 95, 99)] if answered else [f"{'-':>8}"] * 3)
    kinds = ", ".join(f"{kind}: {count}" for kind, count in errors.most_common()) or "-"
    return (f"{name:<28} {len(results):>6} {len(results) / wall:>6.1f} {' '.join(stats)} "
            f"{sum(errors.values()):>6}  {kinds}")


def main(argv: list[str] | None = None) -> int:
    """Run every scenario and print the table; exit code 1 when a request was lost (an error not retryable)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running web chat (default: start `python app.py` on a free port)")
    parser.add_argument("--users", default="20", help="sustained users; a list (1,4,20) gives one row per count")
    parser.add_argument("--busy", type=int, default=0, help="other processes keeping one core busy each, all run long")
    parser.add_argument("--index", default=None, help="index directory the started server serves (BHYT_INDEX_DIR)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the sustained scenario")
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--attackers", type=int, default=8)
    parser.add_argument("--attack-duration", type=float, default=30.0)
    parser.add_argument("--idle-duration", type=float, default=15.0)
    parser.add_argument("--rate-limit", type=int, default=0,
                        help="questions per minute per client on the server this starts (0: off, as sustained "
                             "users ask without pause; 20: the default setting, for the attack)")
    parser.add_argument("--pace", type=float, default=None,
                        help="seconds the normal user (idle, attack) waits after each answer; default 60 / "
                             "--rate-limit when the limit is on (a person reading answers stays within it), else 0")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds each sustained user reads an answer before asking again (each pause drawn "
                             "uniformly from 0.5x to 1.5x, seeded); default 0: the users ask without pause, a stress test")
    parser.add_argument("--only", default=",".join(SCENARIOS), help=f"scenarios to run, of {','.join(SCENARIOS)}")
    args = parser.parse_args(argv)
    pace = args.pace if args.pace is not None else (60.0 / args.rate_limit if args.rate_limit > 0 else 0.0)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    if not chosen or set(chosen) - set(SCENARIOS):
        parser.error(f"--only takes scenarios of {','.join(SCENARIOS)}, got {args.only!r}")
    try:
        user_counts = [int(n) for n in str(args.users).split(",") if n.strip()]
    except ValueError:
        parser.error(f"--users takes counts such as 20 or 1,4,20, got {args.users!r}")
    if not user_counts or min(user_counts) <= 0:
        parser.error(f"--users must be > 0, got {args.users!r}")
    for name in ("burst", "attackers"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name} must be > 0, got {getattr(args, name)}")
    if args.busy < 0:
        parser.error(f"--busy must be >= 0, got {args.busy}")

    process = None
    url = args.url
    startup = float("nan")
    if url is None:
        log_path = Path(tempfile.mkdtemp(prefix="bhyt-load-")) / "app.log"
        port = free_port()
        process, startup = start_server(port, log_path, args.rate_limit, args.index)
        url = f"http://127.0.0.1:{port}/"
        print(f"server: separate process (pid {process.pid}), log {log_path}")
    busy = start_busy(args.busy)
    try:
        print(f"url={url} cores={os.cpu_count()} client time-out={CLIENT_TIMEOUT_S} s; start-up {startup:.1f} s; "
              f"other busy processes: {args.busy}")
        print(f"{'scenario':<28} {'reqs':>6} {'req/s':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
              f"{'errors':>6}  errors by kind")
        feed = QuestionFeed()
        everything: list[RequestResult] = []
        (first_client,) = make_clients(url, 1)
        first = [one_request(first_client, "/ask", NORMAL_QUESTIONS[3])]
        print(row("first answer after start", first, first[0].seconds))
        everything += first

        if "idle" in chosen:
            time.sleep(pace)  # the first answer was this user's too
            per_user, wall = loop_users([first_client], args.idle_duration, lambda i, r: ("/ask", feed.normal()),
                                        pause=lambda i: pace)
            print(row("idle: 1 normal user", per_user[0], wall))
            everything += per_user[0]

        for users in user_counts if "sustained" in chosen else ():
            clients = make_clients(url, users)
            # People reading answers arrive at their own moments too: user i starts within the first think time.
            thinking = random.Random(7)
            starts = [args.think * thinking.random() for _ in clients]
            per_user, wall = loop_users(clients, args.duration, lambda i, r: (
                ("/ask", "/respond")[i % 2], feed.normal()), pause=lambda i, rng=thinking: args.think * rng.uniform(0.5, 1.5),
                start=lambda i, at=starts: at[i])
            sustained = [r for results in per_user for r in results]
            think = f", think {args.think:g} s" if args.think else ""
            print(row(f"sustained: {users} users x {args.duration:.0f} s{think}", sustained, wall))
            everything += sustained
            for client in clients:
                client.close()

        if "burst" in chosen:
            clients = make_clients(url, args.burst)
            barrier = threading.Barrier(args.burst)
            question = [feed.normal() for _ in range(args.burst)]

            def burst_user(i: int) -> RequestResult:
                barrier.wait()
                return one_request(clients[i], "/ask", question[i])

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.burst) as pool:
                burst = list(pool.map(burst_user, range(args.burst)))
            print(row(f"burst: {args.burst} at once", burst, time.perf_counter() - started))
            everything += burst
            for client in clients:
                client.close()

        if "attack" in chosen:
            clients = make_clients(url, args.attackers + 1)
            per_user, wall = loop_users(clients, args.attack_duration, lambda i, r: (
                ("/ask", feed.normal()) if i == 0 else ("/ask", feed.long())), pause=lambda i: pace if i == 0 else 0.0)
            print(row("attack: normal user", per_user[0], wall))
            print(row(f"attack: {args.attackers} x 2,000 chars", [r for u in per_user[1:] for r in u], wall))
            everything += per_user[0]  # attackers' refusals are the defence working, not losses
            for client in clients:
                client.close()
        print(f"{len(feed.questions)} distinct questions; {feed.repeats} requests repeated an earlier question")
        # Lost: any error but our two Vietnamese, retryable refusals (overload, rate limit).
        lost = sum(1 for r in everything if r.error and not r.error.startswith(("overload", "rate limit")))
    finally:
        stop_busy(busy)
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
