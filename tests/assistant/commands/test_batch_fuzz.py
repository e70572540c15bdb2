"""Fuzz check of ``python -m assistant batch``: 2,000 seeded hostile JSON lines, one subprocess run.

Every input line must give exactly one output line, in order, with its line
number (and id when it had one); the run exits 1 (some lines bad) without a
traceback. Marked slow: the few hundred well-formed questions are answered for
real over the tiny index (about 20 s on 2 cores).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.guard import check_question
from settings import SETTINGS_BY_NAME

ROOT = Path(__file__).resolve().parents[3]
LINES = 2000
SEED = 13
MAX_CHARS = SETTINGS_BY_NAME["max_question_chars"].default

WORDS = ["kinh phí", "Huế", "Ninh Bình", "mục tiêu", "bao phủ", "BHYT", "năm 2026", "ai chủ trì", "Đak Đoa",
         "95%", "thời gian", "báo cáo", "ngân sách", "chính sách", "hỗ trợ", "mức đóng"]
HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "') OR 1=1 --", "a* OR b~2", "[[:alpha:]",
           "bỏ qua mọi chỉ dẫn trước và", "\u202e", "\u2066", "\u200b", "\u2028", "\u2029", "\x85", "\x00", "\x1b",
           "\ud83d", "\udcff", "e\u0301\u0302", "מה", "ما هو", "&lt;", "javascript:", "\\", "\"", "\t", "\r", "\n",
           "\U0001f600", "?!", "   "]


@dataclass(frozen=True)
class FuzzLine:
    """One generated input line and what its output line must be."""

    raw: bytes
    id: str | None      # the id the output must carry (None: none or unreadable)
    question: str | None  # the question when the line is usable (its output is an answer), else None


def _question(rng: random.Random) -> str:
    parts = [rng.choice(WORDS if rng.random() < 0.6 else HOSTILE) for _ in range(rng.randint(0, 8))]
    return " ".join(parts) if rng.random() < 0.5 else "".join(parts)


def fuzz_lines(seed: int = SEED, count: int = LINES) -> list[FuzzLine]:
    """``count`` hostile JSON lines, reproducible from ``seed``."""
    rng = random.Random(seed)
    lines: list[FuzzLine] = []
    for number in range(1, count + 1):
        qid = f"q{number}"
        kind = rng.choice(["question", "question", "question", "surrogate", "bytes", "truncated", "not-object",
                           "no-question", "blank", "nested", "bad-locality", "raw-separators"])
        question = _question(rng)
        if kind == "question":
            # Lone surrogates cannot be written as UTF-8 JSON text: a usable line never has them.
            question = question.replace("\ud83d", "").replace("\udcff", "")
            record = {"id": qid, "question": question}
            if rng.random() < 0.2:
                record["locality"] = rng.choice(["Huế", "ninh binh", "Hà Nội", "", None])
            lines.append(FuzzLine(json.dumps(record, ensure_ascii=rng.random() < 0.5).encode("utf-8"), qid, question))
        elif kind == "raw-separators":
            # U+2028, U+2029, U+0085 written raw inside JSON strings: valid JSON, one line.
            question = rng.choice(WORDS) + rng.choice("\u2028\u2029\x85") + rng.choice(WORDS)
            record = json.dumps({"id": qid + "\u2028", "question": question}, ensure_ascii=False)
            lines.append(FuzzLine(record.encode("utf-8"), qid + "\u2028", question))
        elif kind == "surrogate":
            lines.append(FuzzLine(json.dumps({"id": qid, "question": "kinh phí \ud83d Huế"}).encode(), qid, None))
        elif kind == "bytes":
            junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))).replace(b"\n", b"\xff")
            lines.append(FuzzLine(b'{"id": "' + qid.encode() + b'", "question": "' + junk + b'\xff"}', None, None))
        elif kind == "truncated":
            full = json.dumps({"id": qid, "question": question.replace("\ud83d", "")}, ensure_ascii=True)
            lines.append(FuzzLine(full[:rng.randint(0, len(full) - 1)].encode(), None, None))
        elif kind == "not-object":
            value = rng.choice([[1, 2], "chuỗi", 42, None, True, [{"id": qid}]])
            lines.append(FuzzLine(json.dumps(value, ensure_ascii=False).encode("utf-8"), None, None))
        elif kind == "no-question":
            lines.append(FuzzLine(json.dumps({"id": qid, "question": rng.choice([None, 7, ["a"], {}])}).encode(),
                                  qid, None))
        elif kind == "blank":
            lines.append(FuzzLine(rng.choice([b"", b"   ", b"\t", b"\r"]), None, None))
        elif kind == "nested":
            lines.append(FuzzLine(b"[" * rng.randint(10_000, 200_000), None, None))
        else:  # bad-locality
            lines.append(FuzzLine(json.dumps({"id": qid, "question": "kinh phí", "locality": 5}).encode(), qid, None))
    # Two lines over the 1 MiB line limit.
    for at in (7, 1500):
        lines[at] = FuzzLine(b'{"id": "big", "question": "' + b"x" * (1 << 20) + b'"}', None, None)
    return lines


@pytest.mark.slow
def test_two_thousand_hostile_lines_give_two_thousand_output_lines(tiny_index_dir, tmp_path):
    lines = fuzz_lines()
    questions = tmp_path / "fuzz.jsonl"
    questions.write_bytes(b"\n".join(line.raw for line in lines) + b"\n")
    env = {**os.environ, "BHYT_INDEX_DIR": str(tiny_index_dir)}
    env.pop("BHYT_DEBUG", None)
    done = subprocess.run([sys.executable, "-m", "assistant", "batch", str(questions)],
                          cwd=ROOT, env=env, capture_output=True, timeout=600)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 1, stderr
    assert "Traceback" not in stderr and "Lỗi nội bộ" not in stderr
    out = done.stdout.decode("utf-8")
    assert out.count("\n") == LINES and len(out.splitlines()) == LINES  # splitlines: every Unicode line end
    rows = [json.loads(row) for row in out.splitlines()]
    assert [row["line"] for row in rows] == list(range(1, LINES + 1))
    answered = 0
    for line, row in zip(lines, rows, strict=True):
        if line.id is not None:
            assert row["id"] == line.id, row
        if line.question is None:
            assert row["error"].startswith(f"Dòng {row['line']}"), row
            continue
        assert "error" not in row, row
        assert row["question"] == check_question(line.question, MAX_CHARS).question
        assert isinstance(row["answer"], str) and row["answer"] and isinstance(row["citations"], list)
        answered += 1
    assert answered > 500
    assert f"Đã trả lời {sum(1 for r in rows if r.get('refused') is False)} câu hỏi" in stderr
