"""Retrieval benchmark: build cost, latency, memory and quality per channel.

Usage::

    python bench/retrieval.py [--plans data/plans] [--gold eval/gold/gold.jsonl]
                              [--embedder e5-small] [--lexical-backends]

Prints one table: build time, clauses per second, index size on disk, p50/p95
retrieval latency over the questions after warm-up, peak RSS; and, for
lexical-only, dense-only and hybrid retrieval, hit@1/3/5/10 and MRR@10 on the
gold questions (a clause is relevant when its id is a gold clause id or its
text overlaps a gold evidence text). It also checks save → load → identical
top-10 and the accent-less agreement (top-3 overlap >= 2). ``--lexical-backends``
compares bm25s and SQLite FTS5 on the same tokens. The index is built in a
temporary directory with an empty vector cache, so build time is real.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.clause_text import lexical_text
from index.embedders import make_embedder  # noqa: E402
from index.lexical import LexicalIndex  # noqa: E402
from index.retriever import HybridRetriever  # noqa: E402
from index.store import ClauseIndex
from index.tokens import accented_tokens, folded_tokens  # noqa: E402
from ingest.vntext import fold_diacritics, folded_form  # noqa: E402
from settings import load_settings  # noqa: E402

# Written for this benchmark, in other words than any question file (no shared run of four words).
BUILTIN_QUESTIONS = [
    ("Vào năm 2026 Huế muốn phần dân số nắm thẻ BHYT chiếm tỉ trọng mấy?", "hue_KH-UBND", "99,3%"),
    ("Năm 2026, Ninh Bình muốn độ phủ BHYT lên tới mức nào?", "ninh-binh_KH-UBND_2026-01", "95%"),
    ("Đến 2030, độ phủ BHYT mà xã Đak Đoa nhắm tới là bao nhiêu?", "dak-doa-gia-lai_KH-DU_2026", "98%"),
    ("Đồng Nai nhắm độ phủ BHYT cho năm 2026 ở mức nào?", "dong-nai_646-KH-TU_2026-01-09", "96%"),
    ("Việc của Sở Tài chính thành phố Huế trong kế hoạch là gì?", "hue_KH-UBND", "Sở Tài chính"),
    ("Ninh Bình phân công cho ngành y tế tỉnh những phần việc nào?", "ninh-binh_KH-UBND_2026-01", "Sở Y tế"),
    ("Người dùng thẻ BHYT tại Đak Đoa cần hài lòng tới mức nào?", "dak-doa-gia-lai_KH-DU_2026", "hài lòng"),
    ("Huế chi cho kế hoạch này bằng khoản kinh phí nào?", "hue_KH-UBND", "kinh phí"),
    ("An Giang muốn độ phủ BHYT cho năm 2026 tới đâu?", "an-giang_KH-TU", "95%"),
    ("Ninh Bình đặt hạn cho bản báo cáo sáu tháng đầu năm vào lúc nào?", "ninh-binh_KH-UBND_2026-01", "6 tháng"),
]


def _norm(text: str) -> str:
    return " ".join(folded_form(text).split())


def load_questions(gold: Path) -> list[dict]:
    """Answerable gold questions, or the built-in list when there is no gold file."""
    if gold.is_file():
        rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [r for r in rows if r.get("answerable") and (r.get("gold_clause_ids") or r.get("evidence"))]
    return [{"id": f"b{i:02d}", "question": q, "gold_clause_ids": [], "evidence": [{"doc_id": d, "text": t}]}
            for i, (q, d, t) in enumerate(BUILTIN_QUESTIONS, 1)]


def is_relevant(clause, question: dict) -> bool:
    """Gold clause id, or text overlapping one of the question's evidence texts."""
    if clause.id in question.get("gold_clause_ids", ()):
        return True
    body = _norm(clause.search_text)
    for ev in question.get("evidence", ()):
        if ev.get("doc_id") != clause.doc_id:
            continue
        text = _norm(ev["text"])
        if text in body or (len(body) >= 25 and body in text):
            return True
    return False


def quality(rankings: list[list], questions: list[dict]) -> dict:
    """hit@1/3/5/10 and MRR@10 of clause rankings."""
    out = {f"hit@{k}": 0.0 for k in (1, 3, 5, 10)} | {"mrr@10": 0.0}
    for ranked, q in zip(rankings, questions, strict=True):
        flags = [is_relevant(c, q) for c in ranked[:10]]
        for k in (1, 3, 5, 10):
            out[f"hit@{k}"] += any(flags[:k])
        out["mrr@10"] += next((1 / (i + 1) for i, f in enumerate(flags) if f), 0.0)
    return {k: v / max(1, len(questions)) for k, v in out.items()}


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def compare_lexical_backends(index: ClauseIndex, questions: list[dict]) -> list[str]:
    """bm25s vs SQLite FTS5 over the same accented+folded tokens (accent weight 2)."""
    rows = [index.clause_at(i) for i in range(len(index))]
    started = time.perf_counter()
    acc = [accented_tokens(lexical_text(c)) for c in rows]
    fold = [folded_tokens(lexical_text(c)) for c in rows]
    tokenise_s = time.perf_counter() - started

    started = time.perf_counter()
    bm25 = LexicalIndex(acc, fold)
    bm25_build = time.perf_counter() - started

    started = time.perf_counter()
    vocab: dict[str, str] = {}

    def encode(tokens):
        return " ".join(vocab.setdefault(t, f"t{len(vocab)}") for t in tokens)

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE fts USING fts5(acc, fold, tokenize='ascii')")
    conn.executemany("INSERT INTO fts(rowid, acc, fold) VALUES (?, ?, ?)",
                     [(i, encode(a), encode(f)) for i, (a, f) in enumerate(zip(acc, fold, strict=True))])
    conn.commit()
    fts_build = time.perf_counter() - started

    def fts_search(question: str) -> list[int]:
        parts = []
        for column, tokens in (("acc", accented_tokens(question)), ("fold", folded_tokens(question))):
            ids = sorted({vocab[t] for t in tokens if t in vocab})
            if ids:
                parts.append(f"{column} : ({' OR '.join(ids)})")
        if not parts:
            return []
        return [r for (r,) in conn.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 2.0, 1.0) LIMIT 10", (" OR ".join(parts),))]

    results = {}
    for name, search in (("bm25s", lambda q: [h.row for h in bm25.search(q, 10)]), ("fts5", fts_search)):
        for q in questions[:3]:
            search(q["question"])
        times, rankings = [], []
        for q in questions:
            started = time.perf_counter()
            found = search(q["question"])
            times.append((time.perf_counter() - started) * 1000)
            rankings.append([rows[r] for r in found])
        results[name] = (_percentiles(times), quality(rankings, questions))
    lines = [f"Lexical backends ({len(rows)} clauses; tokenisation shared: {tokenise_s * 1000:.0f} ms)",
             f"{'backend':<8} {'build ms':>9} {'p50 ms':>7} {'p95 ms':>7} {'hit@1':>6} {'hit@3':>6} "
             f"{'hit@10':>6} {'mrr@10':>6}"]
    for name, build in (("bm25s", bm25_build), ("fts5", fts_build)):
        (p50, p95), qual = results[name]
        lines.append(f"{name:<8} {build * 1000:>9.1f} {p50:>7.2f} {p95:>7.2f} {qual['hit@1']:>6.3f} "
                     f"{qual['hit@3']:>6.3f} {qual['hit@10']:>6.3f} {qual['mrr@10']:>6.3f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", default=str(ROOT / "data" / "plans"))
    parser.add_argument("--gold", default=str(ROOT / "eval" / "gold" / "gold.jsonl"))
    parser.add_argument("--embedder", default="e5-small")
    parser.add_argument("--lexical-backends", action="store_true", help="also compare bm25s and SQLite FTS5")
    args = parser.parse_args(argv)

    from ingest.batch import ingest_paths

    settings = load_settings()
    questions = load_questions(Path(args.gold))
    started = time.perf_counter()
    docs = ingest_paths(sorted(Path(args.plans).glob("*")), settings=settings).documents
    parse_s = time.perf_counter() - started
    embedder = make_embedder(args.embedder)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        built = ClauseIndex.build(docs, embedder, Path(tmp) / "index")  # no vector cache: real embedding cost
        build_s = time.perf_counter() - started
        size = sum(p.stat().st_size for p in (Path(tmp) / "index").iterdir())
        started = time.perf_counter()
        index = ClauseIndex.load(Path(tmp) / "index", embedder)
        load_s = time.perf_counter() - started
        retriever = HybridRetriever(index, settings)
        before = HybridRetriever(built, settings)
        n = len(index)
        chars = sum(len(c.search_text) for d in docs for c in d.clauses)
        print(f"Corpus: {len(docs)} documents, {n} clauses, {chars} characters; {len(questions)} questions")
        print(f"Parse {parse_s:.2f} s; build {build_s:.2f} s ({n / build_s:.0f} clauses/s, "
              f"{chars / build_s / 1000:.1f} kchars/s); load {load_s * 1000:.0f} ms; size on disk "
              f"{size / 1024:.0f} KB; embedder {embedder.id}")
        for q in questions[:3]:  # warm-up (restorer, pyvi, caches)
            retriever.retrieve(q["question"])
        print(f"{'mode':<8} {'p50 ms':>7} {'p95 ms':>7} {'hit@1':>6} {'hit@3':>6} {'hit@5':>6} {'hit@10':>6} "
              f"{'mrr@10':>6}")
        for mode, channels in (("lexical", ("lexical",)), ("dense", ("dense",)), ("hybrid", ("dense", "lexical"))):
            times, rankings = [], []
            for q in questions:
                started = time.perf_counter()
                results = retriever.retrieve(q["question"], top_k=10, channels=channels)
                times.append((time.perf_counter() - started) * 1000)
                rankings.append([s.clause for s in results])
            p50, p95 = _percentiles(times)
            qual = quality(rankings, questions)
            print(f"{mode:<8} {p50:>7.1f} {p95:>7.1f} {qual['hit@1']:>6.3f} {qual['hit@3']:>6.3f} "
                  f"{qual['hit@5']:>6.3f} {qual['hit@10']:>6.3f} {qual['mrr@10']:>6.3f}")
        same = sum([s.id for s in retriever.retrieve(q["question"])] == [s.id for s in before.retrieve(q["question"])]
                   for q in questions)
        agree = 0
        for q in questions:
            plain = fold_diacritics(q["question"])
            top = {s.id for s in retriever.retrieve(q["question"], top_k=3)}
            agree += len(top & {s.id for s in retriever.retrieve(plain, top_k=3)}) >= 2
        print(f"Save → load identical top-10: {same}/{len(questions)}; accent-less top-3 overlap >= 2: "
              f"{agree}/{len(questions)} ({agree / max(1, len(questions)):.0%})")
        if args.lexical_backends:
            print("\n".join(compare_lexical_backends(index, questions)))
    print(f"Peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
