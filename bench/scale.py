"""National-scale benchmark: what one 2-core machine holds as the number of plans N grows.

Usage::

    python bench/scale.py --sizes 5,100,1000,3400 [--seed S] [--cached-vectors] [--out DIR]
                          [--real-texts 256] [--workers 2] [--questions 60] [--ann]
                          [--keep-index] [--serve-only]

Rows accumulate in ``DIR/scale.json`` across runs (one size per run fits the CPU lock's
~10 minutes); ``--serve-only`` measures serving again on an index kept by ``--keep-index``.

For each N it writes the first N plans of one synthetic corpus (``bench/make_corpus.py``:
the five real plans rewritten with real localities, other numbering, changed figures),
then measures, each part in a child process of its own so that one size's memory never
counts in another's (each child reports its own ``ru_maxrss``):

* build: parse (``--workers`` processes), embed, index and write; clauses, clauses/s,
  share of the build spent embedding, index size on disk, peak RSS;
* serve: cold start to the first answer (process start → first ``Assistant.ask``),
  retrieval and full extractive answer p50/p95 after warm-up over a fixed question set
  (questions naming corpus localities written from the mapping files by templates, plus
  ``eval/gold/holdout_2026-12.jsonl``), retrieval with a locality filter (per-document
  shortlist on and off), peak RSS;
* update: re-ingest of one changed plan and removal of one plan through ``index/maintenance.py``;
* ``--ann``: recall@10 and latency of HNSW and IVF against the flat index on the same queries,
  and the lexical channel's latency and memory.

Vectors. Embedding 3,400 plans with e5 takes hours on 2 cores, so each text's vector comes
from, in order: the vector cache (``--cached-vectors``: ``DIR/vectors.sqlite``, by embedder
id and text SHA-256, reused across runs), real embedding (the first ``--real-texts`` texts
that miss the cache; -1 = all), else a *stand-in*: the real vector of the original-plan
clause the text was rewritten from (best folded-token overlap within the source plan),
with a small deterministic perturbation seeded by the text hash (``--stand-in-noise``).
Stand-ins are never written to the cache. Each row says how many vectors were real,
cached and stand-in; for rows that are not all real, the build time with real embedding
is estimated from the throughput measured on the real texts of the same run (marked ``~``).

Writes ``DIR/scale.json`` and ``DIR/scale.png`` (cost against N). Everything is bounded:
each child has a timeout (``--timeout``), the question set is fixed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np

from settings import load_settings

HOLDOUT = ROOT / "eval" / "gold" / "holdout_2026-12.jsonl"
RESULT_PREFIX = "SCALE-RESULT "
# Question templates naming a plan's locality ({place}: "tỉnh Cà Mau", "xã Xuân Đài").
TEMPLATES = (
    "{place} đặt mục tiêu tỷ lệ bao phủ bảo hiểm y tế năm 2026 là bao nhiêu?",
    "Kinh phí thực hiện kế hoạch của {place} lấy từ nguồn nào?",
    "{place} giao cho cơ quan Bảo hiểm xã hội những nhiệm vụ gì?",
    "Đến năm 2030 {place} phấn đấu tỷ lệ người dân tham gia BHYT đạt bao nhiêu?",
    "Chế độ báo cáo kết quả thực hiện kế hoạch ở {place} như thế nào?",
)
WARMUP = 5


# ----------------------------------------------------------------------------- helpers
def _rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    if not ordered:
        return math.nan, math.nan
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


def _dir_size_mb(directory: Path) -> float:
    # The manifest and every segment directory (leftover segments of the previous manifest included).
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 1e6


def _corpus_files(corpus: Path, n: int) -> list[Path]:
    # Stems start with the rewrite's number ("7_...", "1000_..."): the first N rewrites, in order.
    files = sorted(corpus.glob("*.txt"), key=lambda p: (int(p.name.split("_")[0]), p.name))
    return files[:n]


def _mappings(corpus: Path, files: Sequence[Path]) -> list[dict]:
    out = []
    for path in files:
        mapping = corpus / f"{path.name.split('.')[0]}.mapping.json"
        if mapping.is_file():
            out.append(json.loads(mapping.read_text(encoding="utf-8")))
    return out


def _fold_mask(text: str, names: Sequence[str]) -> str:
    """``text`` folded, with each of ``names`` (folded) replaced by one placeholder."""
    from ingest.vntext import folded_form

    folded = " ".join(folded_form(text).split())
    for name in sorted({folded_form(n).strip() for n in names if n}, key=len, reverse=True):
        if name:
            folded = folded.replace(name, "<noi>")
    return folded


def make_questions(mappings: Sequence[dict], limit: int) -> list[dict]:
    """The fixed question set: template questions naming localities of the corpus, then the holdout set.

    Each template question carries its plan's locality (for the filtered measurement)."""
    questions: list[dict] = []
    step = max(1, len(mappings) // max(1, limit))
    for i, mapping in enumerate(mappings[::step][:limit]):
        locality = mapping["locality"]
        place = f"{locality['new_level']} {locality['new']}"
        questions.append({"question": TEMPLATES[i % len(TEMPLATES)].format(place=place[0].upper() + place[1:]),
                          "locality": locality["new"], "level": locality["new_level"], "source": "template"})
    if HOLDOUT.is_file():
        for line in HOLDOUT.read_text(encoding="utf-8").splitlines():
            if line.strip():
                questions.append({"question": json.loads(line)["question"], "locality": None, "source": "holdout"})
    return questions


# ----------------------------------------------------------------------------- build child
def _parse_chunk(paths: list[str]) -> list:
    from ingest.batch import ingest_paths

    return list(ingest_paths(paths, settings=load_settings()).documents)


def _parse(files: Sequence[Path], workers: int) -> list:
    """ParsedDocuments of ``files`` in order, parsed by ``workers`` processes."""
    if workers <= 1 or len(files) < 8:
        return _parse_chunk([str(p) for p in files])
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, math.ceil(len(files) / (workers * 8)))
    chunks = [[str(p) for p in files[i:i + size]] for i in range(0, len(files), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [doc for part in pool.map(_parse_chunk, chunks) for doc in part]


class _BenchEmbedder:
    """The real embedder for queries; for passages: cache, real (within a budget), else stand-in.

    Counts what each vector was and times the real embedding. Has the real embedder's id and dim.
    """

    def __init__(self, real, cached: dict, stand_ins: dict, real_budget: int) -> None:
        self.real = real
        self.id = real.id
        self.dim = real.dim
        self.cached = cached
        self.stand_ins = stand_ins
        self.real_budget = real_budget
        self.counts = {"real": 0, "cached": 0, "stand-in": 0}
        self.real_chars = 0
        self.stand_in_chars = 0
        self.real_seconds = 0.0
        self.fresh: dict[str, np.ndarray] = {}

    def encode_query(self, text: str):
        return self.real.encode_query(text)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        from index.vector_cache import text_sha256

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        to_embed = []
        for i, text in enumerate(texts):
            digest = text_sha256(text)
            if digest in self.cached:
                out[i] = self.cached[digest]
                self.counts["cached"] += 1
            elif self.real_budget < 0 or self.counts["real"] + len(to_embed) < self.real_budget:
                to_embed.append(i)
            else:
                out[i] = self.stand_ins[digest]
                self.counts["stand-in"] += 1
                self.stand_in_chars += len(text)
        if to_embed:
            started = time.perf_counter()
            vectors = self.real.encode_passages([texts[i] for i in to_embed])
            self.real_seconds += time.perf_counter() - started
            for i, vector in zip(to_embed, vectors, strict=True):
                out[i] = vector
            self.counts["real"] += len(to_embed)
            self.real_chars += sum(len(texts[i]) for i in to_embed)
            # Written to the cache by the caller's thread after the build (SQLite connections are per thread).
            self.fresh.update({text_sha256(texts[i]): v for i, v in zip(to_embed, vectors, strict=True)})
        return out


def _stand_in_vectors(docs: Sequence, mappings: dict[str, dict], embedder, cache, noise: float) -> dict:
    """text hash -> stand-in vector: the real vector of the best-overlapping clause of the source plan."""
    from eval.metamorphic.corpus import read_plans
    from index.clause_text import embedding_text
    from index.tokens import folded_tokens
    from index.vector_cache import embed_with_cache, text_sha256

    originals = dict(read_plans())
    original_rows = {}
    for name, doc in originals.items():
        texts = [embedding_text(c, doc.meta) for c in doc.clauses]
        vectors, _ = embed_with_cache(texts, embedder.id, embedder.encode_passages, embedder.dim, cache=cache)
        original_rows[name] = ([set(folded_tokens(c.body)) for c in doc.clauses], vectors)
    out = {}
    for doc in docs:
        mapping = mappings.get(doc.meta.doc_id)
        source = mapping["source"] if mapping else next(iter(originals))
        tokens, vectors = original_rows[source]
        for clause in doc.clauses:
            text = embedding_text(clause, doc.meta)
            digest = text_sha256(text)
            if digest in out:
                continue
            mine = set(folded_tokens(clause.body))
            best = max(range(len(tokens)), key=lambda j: len(mine & tokens[j]) / (len(mine | tokens[j]) or 1))
            rng = np.random.default_rng(int(digest[:16], 16))
            vector = vectors[best] + rng.normal(0.0, noise / math.sqrt(embedder.dim), embedder.dim)
            out[digest] = (vector / np.linalg.norm(vector)).astype(np.float32)
    return out


def child_build(args: dict) -> dict:
    """Parse the first N plans, embed (cache / real / stand-in) and write the index; report costs."""
    from index.clause_text import embedding_text
    from index.embedders import make_embedder
    from index.store import ClauseIndex
    from index.vector_cache import VectorCache, text_sha256

    corpus, index_dir = Path(args["corpus"]), Path(args["index"])
    files = _corpus_files(corpus, args["n"])
    started = time.perf_counter()
    docs = _parse(files, args["workers"])
    parse_s = time.perf_counter() - started
    settings = load_settings()
    real = make_embedder(settings.embedder)
    cache = VectorCache(args["cache"])
    texts = [embedding_text(c, d.meta) for d in docs for c in d.clauses]
    hashes = [text_sha256(t) for t in texts]
    masked = [_fold_mask(t, (d.meta.locality, d.meta.province))
              for d in docs for t in (embedding_text(c, d.meta) for c in d.clauses)]
    prep_started = time.perf_counter()
    cached = cache.get_many(real.id, hashes) if args["cached_vectors"] else {}
    mappings = {m["doc_id"]: m for m in _mappings(corpus, files)}
    need_stand_in = args["real_texts"] >= 0 and len(set(hashes) - set(cached)) > args["real_texts"]
    stand_ins = (_stand_in_vectors(docs, mappings, real, cache, args["noise"]) if need_stand_in else {})
    prep_s = time.perf_counter() - prep_started
    embedder = _BenchEmbedder(real, cached, stand_ins, args["real_texts"])
    shutil.rmtree(index_dir, ignore_errors=True)
    built = time.perf_counter()
    index = ClauseIndex.build(docs, embedder, index_dir, hnsw_threshold=settings.hnsw_threshold)
    index_s = time.perf_counter() - built
    cache.put_many(real.id, embedder.fresh)
    unique_chars = sum(len(t) for t in dict(zip(hashes, texts, strict=True)).values())
    return {
        "n": len(docs), "clauses": len(index), "parse_s": parse_s, "index_s": index_s, "prep_s": prep_s,
        "real_embed_s": embedder.real_seconds, "real_chars": embedder.real_chars,
        "stand_in_chars": embedder.stand_in_chars, "vectors": embedder.counts,
        "texts": len(texts), "unique_texts": len(set(hashes)), "unique_masked": len(set(masked)),
        "unique_chars": unique_chars, "size_mb": _dir_size_mb(index_dir), "faiss": index.faiss_type,
        "rss_mb": _rss_mb(),
    }


# ----------------------------------------------------------------------------- serve child
def child_serve(args: dict) -> dict:
    """Cold start to first answer, warm retrieval/answer latency, filtered retrieval; own peak RSS."""
    from assistant.service import Assistant
    from webchat.bootstrap import warm_up

    settings = load_settings(index_dir=args["index"])
    questions = args["questions"]
    assistant = Assistant(settings)
    first = assistant.ask(questions[0]["question"])
    cold_s = time.time() - args["launched"]
    load_rss = _rss_mb()
    retriever = assistant.retriever
    warm_up(assistant)  # as the web chat does before its first visitor: the lazily loaded models
    for q in questions[:WARMUP]:
        assistant.ask(q["question"])
    retrieve_ms, dense_ms, lexical_ms, answer_ms = [], [], [], []
    for q in questions:
        # The embedder keeps recent query vectors: forget them so that each timed call embeds its question.
        _forget_queries(assistant.index)
        answer_ms.append(assistant.ask(q["question"]).timings_ms["total"])
        _forget_queries(assistant.index)
        t = time.perf_counter()
        retriever.retrieve(q["question"])
        retrieve_ms.append((time.perf_counter() - t) * 1000)
        # Channel by channel, the query vector now cached: the search itself.
        t = time.perf_counter()
        retriever.retrieve(q["question"], channels=("dense",))
        dense_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        retriever.retrieve(q["question"], channels=("lexical",))
        lexical_ms.append((time.perf_counter() - t) * 1000)
    filtered = {}
    named = [q for q in questions if q.get("locality")]
    index = assistant.index
    for label, shortlist in (("scan", 0), ("shortlist", settings.get("filter_shortlist_rows"))):
        retriever.params["filter_shortlist_rows"] = shortlist
        times, dense_hits, in_plan = [], [], []
        for q in named:
            place = f"{q['level']} {q['locality']}"
            _forget_queries(index)
            t = time.perf_counter()
            hits = retriever.retrieve(q["question"], filters={"locality": place})
            times.append((time.perf_counter() - t) * 1000)
            dense_hits.append(sum(1 for h in hits if h.dense_rank is not None))
            in_plan.append(sum(1 for h in hits if h.locality == q["locality"]))
        p50, p95 = _percentiles(times)
        filtered[label] = {"p50_ms": p50, "p95_ms": p95, "dense_hits": statistics.mean(dense_hits or [0]),
                           "hits": statistics.mean(in_plan or [0])}
    r50, r95 = _percentiles(retrieve_ms)
    a50, a95 = _percentiles(answer_ms)
    return {"cold_s": cold_s, "first_answer_abstained": first.abstained, "load_rss_mb": load_rss,
            "retrieve_p50_ms": r50, "retrieve_p95_ms": r95, "answer_p50_ms": a50, "answer_p95_ms": a95,
            "dense_p50_ms": _percentiles(dense_ms)[0], "dense_p95_ms": _percentiles(dense_ms)[1],
            "lexical_p50_ms": _percentiles(lexical_ms)[0], "lexical_p95_ms": _percentiles(lexical_ms)[1],
            "filtered": filtered, "questions": len(questions), "rss_mb": _rss_mb()}


def _forget_queries(index) -> None:
    queries = getattr(index.embedder, "_queries", None)
    if queries is not None:
        queries.clear()


# ----------------------------------------------------------------------------- update child
def _changed(text: str) -> str:
    """``text`` with its first percentage figure changed (a plan revised by its locality)."""
    match = re.search(r"(\d+)(?=\s*%)", text)
    if match is None:
        return text + "\n"
    value = int(match.group(1))
    return text[:match.start()] + str(value - 1 if value > 50 else value + 1) + text[match.end():]


def child_update(args: dict) -> dict:
    """Re-ingest one changed plan, then remove one plan, through index/maintenance.py (as the CLI does)."""
    from index.maintenance import index_documents, known_sources, remove_document
    from ingest.batch import ingest_paths

    settings = load_settings(index_dir=args["index"], vector_cache=args["cache"])
    files = _corpus_files(Path(args["corpus"]), args["n"])
    target = files[len(files) // 2]
    original = target.read_bytes()
    try:
        target.write_text(_changed(original.decode("utf-8")), encoding="utf-8")
        started = time.perf_counter()
        docs = ingest_paths([target], settings=settings, known=known_sources(settings)).documents
        parse_s = time.perf_counter() - started
        report = index_documents(docs, settings)
        reingest_s = time.perf_counter() - started
    finally:
        target.write_bytes(original)
    victim = files[-1].name.split(".")[0]
    started = time.perf_counter()
    remove_document(victim, settings)
    remove_s = time.perf_counter() - started
    return {"reingest_s": reingest_s, "reingest_parse_s": parse_s, "updated": list(report.updated),
            "added": list(report.added), "embedded": report.embedded, "remove_s": remove_s, "rss_mb": _rss_mb()}


# ----------------------------------------------------------------------------- ANN child
def child_ann(args: dict) -> dict:
    """Recall@10 and latency of HNSW and IVF against flat on the same queries; the lexical channel's cost."""
    import faiss

    from index.embedders import make_embedder
    from index.store import ClauseIndex

    faiss.omp_set_num_threads(1)
    stored = ClauseIndex.load(Path(args["index"]))
    matrix = stored.vectors_of(range(len(stored)))
    embedder = make_embedder(load_settings().embedder)
    queries = np.stack([embedder.encode_query(q["question"]) for q in args["questions"]])
    k, dim = 10, matrix.shape[1]
    results = {}

    def measure(name: str, index, build_s: float) -> None:
        times, found = [], []
        for q in queries:
            t = time.perf_counter()
            _, rows = index.search(q.reshape(1, -1), k)
            times.append((time.perf_counter() - t) * 1000)
            found.append(rows[0])
        recall = statistics.mean(len(set(f) & set(e)) / k for f, e in zip(found, exact, strict=True))
        p50, p95 = _percentiles(times)
        results[name] = {"recall10": recall, "p50_ms": p50, "p95_ms": p95, "build_s": build_s,
                         "bytes_mb": faiss.serialize_index(index).nbytes / 1e6}

    t = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(matrix)
    flat_s = time.perf_counter() - t
    _, exact_rows = flat.search(queries, k)
    exact = [row for row in exact_rows]
    measure("flat", flat, flat_s)
    faiss.omp_set_num_threads(2)  # building may use both cores (the build holds the machine anyway)
    t = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 80
    hnsw.add(matrix)
    hnsw_s = time.perf_counter() - t
    nlist = max(1, int(4 * math.sqrt(len(matrix))))
    t = time.perf_counter()
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(matrix[np.random.default_rng(0).permutation(len(matrix))[:max(nlist * 39, 1)]])
    ivf.add(matrix)
    ivf_s = time.perf_counter() - t
    faiss.omp_set_num_threads(1)
    for ef in (16, 64, 128):
        hnsw.hnsw.efSearch = ef
        measure(f"hnsw ef={ef}", hnsw, hnsw_s)
    for nprobe in (4, 16, 64):
        ivf.nprobe = nprobe
        measure(f"ivf{nlist} nprobe={nprobe}", ivf, ivf_s)
    # Lexical channel: memory of reading the segments' postings (memory-mapped), latency per question.
    rss_before = _current_rss_mb()
    t = time.perf_counter()
    lexical = stored.lexical
    lexical.search(args["questions"][0]["question"], 50)  # the first search computes each posting's tf part
    lexical_build_s = time.perf_counter() - t
    lexical_rss = _current_rss_mb()
    times = []
    for q in args["questions"]:
        t = time.perf_counter()
        lexical.search(q["question"], 50)
        times.append((time.perf_counter() - t) * 1000)
    p50, p95 = _percentiles(times)
    results["lexical"] = {"p50_ms": p50, "p95_ms": p95, "build_s": lexical_build_s, "tokens_mb": 0.0,
                          "bm25_mb": lexical_rss - rss_before}
    return {"clauses": len(matrix), "ann": results, "rss_mb": _rss_mb()}


def _current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


CHILDREN = {"build": child_build, "serve": child_serve, "update": child_update, "ann": child_ann}


# ----------------------------------------------------------------------------- orchestration
def _run_child(kind: str, payload: dict, timeout: float) -> dict:
    payload = {**payload, "launched": time.time()}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False)
    env = {**os.environ}
    if kind in ("serve",):
        env.setdefault("OMP_NUM_THREADS", "1")  # as the web chat serves (setting web_embed_threads)
    try:
        done = subprocess.run([sys.executable, __file__, "--child", kind, handle.name], capture_output=True,
                              text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"{kind}: quá {timeout:.0f} s"}
    finally:
        os.unlink(handle.name)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    return {"error": f"{kind}: mã thoát {done.returncode}: {done.stderr[-2000:]}"}


def _fmt(value, spec: str = ".0f", approx: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return ("~" if approx else "") + format(value, spec)


def measure_size(n: int, corpus: Path, out: Path, options: argparse.Namespace) -> dict:
    """Every measurement for the first ``n`` plans of ``corpus``."""
    index_dir = out / f"index-{n}"
    cache = str(out / "vectors.sqlite")
    files = _corpus_files(corpus, n)
    questions = make_questions(_mappings(corpus, files), options.questions)
    row: dict = {"n": n}
    base = {"corpus": str(corpus), "index": str(index_dir), "n": n, "cache": cache}
    if options.serve_only:
        # Serving again on the index an earlier run kept (--keep-index): its other measurements stay.
        previous = out / "scale.json"
        rows = json.loads(previous.read_text(encoding="utf-8")) if previous.is_file() else []
        row = next((r for r in rows if r["n"] == n), row)
        if not (index_dir / "manifest.json").is_file() or "build" not in row:
            return {**row, "build": {"error": f"--serve-only: không có chỉ mục giữ lại tại {index_dir}"}}
        row["serve"] = _run_child("serve", {**base, "questions": questions}, options.timeout)
        row["serve"]["reused_index"] = True
        print(f"  N={n} serve: {json.dumps(row['serve'], ensure_ascii=False)}", file=sys.stderr)
        return row
    row["build"] = _run_child("build", {**base, "workers": options.workers, "cached_vectors": options.cached_vectors,
                                        "real_texts": options.real_texts, "noise": options.stand_in_noise},
                              options.timeout)
    print(f"  N={n} build: {json.dumps(row['build'], ensure_ascii=False)}", file=sys.stderr)
    if "error" in row["build"]:
        return row
    row["serve"] = _run_child("serve", {**base, "questions": questions}, options.timeout)
    print(f"  N={n} serve: {json.dumps(row['serve'], ensure_ascii=False)}", file=sys.stderr)
    if options.ann:
        row["ann"] = _run_child("ann", {**base, "questions": questions}, options.timeout)
        print(f"  N={n} ann: {json.dumps(row['ann'], ensure_ascii=False)}", file=sys.stderr)
    row["update"] = _run_child("update", base, options.timeout)
    print(f"  N={n} update: {json.dumps(row['update'], ensure_ascii=False)}", file=sys.stderr)
    if not options.keep_index:
        shutil.rmtree(index_dir, ignore_errors=True)
    return row


def derived(row: dict, throughput: float | None) -> dict:
    """Build time with real embedding (estimated for the texts that were not embedded) and its shares."""
    b = row["build"]
    measured_embed = b["real_embed_s"]
    missing_chars = b["stand_in_chars"]
    rate = b["real_chars"] / b["real_embed_s"] if b["real_embed_s"] > 0 and b["real_chars"] > 20000 else throughput
    estimated = missing_chars / rate if (missing_chars and rate) else 0.0
    cached = b["vectors"]["cached"]
    # Cached texts are embedded at the same rate on a cold cache; the share assumes a cold cache.
    cached_chars = b["unique_chars"] - b["real_chars"] - missing_chars
    estimated += max(cached_chars, 0) / rate if (cached and rate) else 0.0
    overhead = b["parse_s"] + b["index_s"] - measured_embed
    embed_total = measured_embed + estimated
    total = overhead + embed_total
    return {"rate": rate, "embed_s": embed_total, "build_s": total, "approx": bool(estimated),
            "embed_share": embed_total / total if total else math.nan, "overhead_s": overhead}


def print_table(rows: list[dict], out: Path) -> None:
    """One row per N; then the filter and ANN tables."""
    rates = [r["build"]["real_chars"] / r["build"]["real_embed_s"] for r in rows
             if "error" not in r.get("build", {"error": 1}) and r["build"]["real_embed_s"] > 0]
    throughput = statistics.median(rates) if rates else None
    print(f"Thông lượng nhúng đo được (e5, ký tự/giây): {_fmt(throughput)}")
    head = ("N", "đoạn", "vector thật/đệm/thay", "dựng s", "đoạn/s", "nhúng %", "ngoài nhúng s", "đĩa MB",
            "RSS dựng MB", "RSS phục vụ MB", "khởi động s", "tìm p50/p95 ms", "trả lời p50/p95 ms",
            "nạp lại s", "xóa s", "trùng %", "trùng (che tên) %")
    print(" | ".join(head))
    for r in rows:
        b = r.get("build", {})
        if "error" in b:
            print(f"{r['n']} | lỗi: {b['error'][:200]}")
            continue
        d = derived(r, throughput)
        r["derived"] = d
        s, u = r.get("serve", {}), r.get("update", {})
        v = b["vectors"]
        print(" | ".join([
            str(b["n"]), str(b["clauses"]), f"{v['real']}/{v['cached']}/{v['stand-in']}",
            _fmt(d["build_s"], ".0f", d["approx"]), _fmt(b["clauses"] / d["build_s"], ".1f", d["approx"]),
            _fmt(100 * d["embed_share"], ".0f", d["approx"]), _fmt(d["overhead_s"], ".1f"), _fmt(b["size_mb"], ".1f"),
            _fmt(b["rss_mb"]), _fmt(s.get("rss_mb")), _fmt(s.get("cold_s"), ".2f"),
            f"{_fmt(s.get('retrieve_p50_ms'), '.1f')}/{_fmt(s.get('retrieve_p95_ms'), '.1f')}",
            f"{_fmt(s.get('answer_p50_ms'), '.1f')}/{_fmt(s.get('answer_p95_ms'), '.1f')}",
            _fmt(u.get("reingest_s"), ".2f"), _fmt(u.get("remove_s"), ".2f"),
            _fmt(100 * (1 - b["unique_texts"] / b["texts"]), ".1f"),
            _fmt(100 * (1 - b["unique_masked"] / b["texts"]), ".1f")]))
    print()
    print("Tìm có lọc địa phương (câu hỏi mẫu, lọc theo đúng địa phương): p50/p95 ms, số đoạn kênh vector, "
          "số đoạn của địa phương trong top-10")
    for r in rows:
        for label, f in r.get("serve", {}).get("filtered", {}).items():
            print(f"{r['n']} | {label} | {_fmt(f['p50_ms'], '.1f')}/{_fmt(f['p95_ms'], '.1f')} | "
                  f"{f['dense_hits']:.1f} | {f['hits']:.1f}")
    if any("ann" in r for r in rows):
        print()
        print("Chỉ mục vector so với phẳng (cùng câu hỏi, 1 luồng): recall@10, p50/p95 ms, dựng s, MB")
        for r in rows:
            for name, a in r.get("ann", {}).get("ann", {}).items():
                if name == "lexical":
                    print(f"{r['n']} | BM25 | p50/p95 {a['p50_ms']:.1f}/{a['p95_ms']:.1f} ms | dựng "
                          f"{a['build_s']:.1f} s | token {a['tokens_mb']:.0f} MB, bm25 {a['bm25_mb']:.0f} MB")
                else:
                    print(f"{r['n']} | {name} | {a['recall10']:.3f} | {a['p50_ms']:.2f}/{a['p95_ms']:.2f} | "
                          f"{a['build_s']:.1f} | {a['bytes_mb']:.0f}")
    (out / "scale.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def plot(rows: list[dict], out: Path) -> Path:
    """Cost against N (log-log): build time, serving RSS, retrieval p95, index size, re-ingest and removal."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    good = [r for r in rows if "derived" in r]
    ns = [r["n"] for r in good]
    series = [
        ("dựng (s, có ước lượng)", [r["derived"]["build_s"] for r in good]),
        ("dựng ngoài nhúng (s)", [r["derived"]["overhead_s"] for r in good]),
        ("RSS phục vụ (MB)", [r.get("serve", {}).get("rss_mb", math.nan) for r in good]),
        ("tìm p95 (ms)", [r.get("serve", {}).get("retrieve_p95_ms", math.nan) for r in good]),
        ("trả lời p95 (ms)", [r.get("serve", {}).get("answer_p95_ms", math.nan) for r in good]),
        ("đĩa (MB)", [r["build"]["size_mb"] for r in good]),
        ("nạp lại 1 KH (s)", [r.get("update", {}).get("reingest_s", math.nan) for r in good]),
        ("xóa 1 KH (s)", [r.get("update", {}).get("remove_s", math.nan) for r in good]),
    ]
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for label, values in series:
        if any(v > 0 for v in values if not math.isnan(v)):
            ax.plot(ns, values, marker="o", label=label)
    if len(ns) > 1:
        first = series[0][1][0]
        ax.plot(ns, [first * n / ns[0] for n in ns], "k:", label="tuyến tính từ N nhỏ nhất (tham chiếu)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("số kế hoạch N")
    ax.set_title("Chi phí theo số kế hoạch (1 máy, 2 nhân)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    path = out / "scale.png"
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def build_parser() -> argparse.ArgumentParser:
    """The command line (help in Vietnamese)."""
    parser = argparse.ArgumentParser(prog="python bench/scale.py",
                                     description="Đo chi phí chỉ mục theo số kế hoạch trên một máy.")
    parser.add_argument("--sizes", default="5,100,1000,3400", help="Các cỡ N, cách nhau bằng dấu phẩy.")
    parser.add_argument("--seed", type=int, default=1, help="Hạt giống của bộ kế hoạch tổng hợp.")
    parser.add_argument("--cached-vectors", action="store_true",
                        help="Dùng lại vector đã tính trong DIR/vectors.sqlite (theo mã băm nội dung).")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "bhyt-scale",
                        help="Thư mục ghi (bộ kế hoạch, chỉ mục tạm, bộ nhớ đệm vector, scale.json, scale.png).")
    parser.add_argument("--real-texts", type=int, default=256,
                        help="Số đoạn tối đa nhúng thật cho mỗi N khi thiếu trong bộ nhớ đệm (-1: tất cả); "
                             "phần còn lại dùng vector thay thế.")
    parser.add_argument("--stand-in-noise", type=float, default=0.3,
                        help="Độ lệch (chuẩn) thêm vào vector thay thế so với vector của điều khoản gốc.")
    parser.add_argument("--workers", type=int, default=2, help="Số tiến trình đọc kế hoạch khi dựng.")
    parser.add_argument("--questions", type=int, default=60, help="Số câu hỏi mẫu nêu địa phương.")
    parser.add_argument("--ann", action="store_true", help="So sánh HNSW, IVF với chỉ mục phẳng và đo kênh BM25.")
    parser.add_argument("--timeout", type=float, default=1800.0, help="Giây tối đa cho mỗi tiến trình con.")
    parser.add_argument("--keep-index", action="store_true",
                        help="Giữ lại chỉ mục DIR/index-N sau khi đo (sau bước nạp lại và xóa một kế hoạch).")
    parser.add_argument("--serve-only", action="store_true",
                        help="Chỉ đo phần phục vụ trên chỉ mục DIR/index-N giữ lại từ lần chạy trước (--keep-index).")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "ARGS"), help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    options = build_parser().parse_args(argv)
    if options.child:
        kind, payload = options.child
        result = CHILDREN[kind](json.loads(Path(payload).read_text(encoding="utf-8")))
        print(RESULT_PREFIX + json.dumps(result, ensure_ascii=False), flush=True)
        return 0
    try:
        sizes = sorted({int(s) for s in options.sizes.split(",") if s.strip()})
    except ValueError:
        print(f"Lỗi: --sizes phải là các số nguyên, nhận {options.sizes!r}.", file=sys.stderr)
        return 2
    if not sizes or sizes[0] <= 0:
        print("Lỗi: cần ít nhất một cỡ N > 0.", file=sys.stderr)
        return 2
    from eval.metamorphic.corpus import CorpusOptions, make_corpus

    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    corpus = out / f"corpus-{options.seed}"
    if len(_corpus_files(corpus, sizes[-1])) < sizes[-1]:
        started = time.perf_counter()
        make_corpus(CorpusOptions(sizes[-1], options.seed), corpus)
        print(f"Bộ kế hoạch {sizes[-1]} bản: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    measured = {n: measure_size(n, corpus, out, options) for n in sizes}
    # Rows of earlier runs into the same --out (other sizes, e.g. one size per run under the CPU lock) are kept.
    previous = out / "scale.json"
    rows = [r for r in (json.loads(previous.read_text(encoding="utf-8")) if previous.is_file() else [])
            if r["n"] not in measured and r.get("seed") == options.seed]
    rows = sorted([*rows, *({**r, "seed": options.seed} for r in measured.values())], key=lambda r: r["n"])
    print_table(rows, out)
    if any("derived" in r for r in rows):
        print(f"Biểu đồ: {plot(rows, out)}")
    print(f"Số liệu: {out / 'scale.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
