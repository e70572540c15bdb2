"""A build killed part way (SIGKILL after some chunks are cached) resumes without re-embedding them.

The national build embeds for hours (docs/scaling.md); the vector cache is written chunk by
chunk, so a crash or a killed job loses at most the chunk in flight. This test kills a real
build of three real plans with the real e5 embedder and checks that the second build embeds
exactly the texts the first did not cache, and that the resulting index is whole.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from index.clause_text import embedding_text
from index.embedders import make_embedder
from index.store import ClauseIndex
from index.vector_cache import VectorCache, text_sha256
from ingest.batch import ingest_paths
from settings import load_settings
from tests.plans import AN_GIANG, DAK_DOA, HUE, PLANS

ROOT = Path(__file__).resolve().parents[2]
FILES = [str(PLANS / name) for name in (AN_GIANG, DAK_DOA, HUE)]
# Small chunks make the kill land between chunks on every machine (the product's chunk is 128).
CHUNK = 16

CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    import index.vector_cache as vector_cache
    vector_cache.PROGRESS_CHUNK = {chunk}
    from index.embedders import make_embedder
    from index.store import ClauseIndex
    from index.vector_cache import VectorCache
    from ingest.batch import ingest_paths
    from settings import load_settings
    docs = ingest_paths({files!r}, settings=load_settings()).documents
    ClauseIndex.build(docs, make_embedder("e5-small"), {index!r}, cache=VectorCache({cache!r}))
""")


def _cached_rows(cache: Path) -> int:
    if not cache.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # the table is not created yet, or the writer holds the file a moment
        return 0


@pytest.mark.slow
def test_killed_build_resumes_without_reembedding(tmp_path):
    cache_path, index_dir = tmp_path / "vectors.sqlite", tmp_path / "index"
    docs = ingest_paths(FILES, settings=load_settings()).documents
    texts = [embedding_text(c, d.meta) for d in docs for c in d.clauses]
    unique = set(map(text_sha256, texts))
    assert len(unique) > 4 * CHUNK

    script = CHILD.format(root=str(ROOT), chunk=CHUNK, files=FILES, index=str(index_dir), cache=str(cache_path))
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"})
    try:
        deadline = time.monotonic() + 300
        while _cached_rows(cache_path) < 2 * CHUNK:
            assert child.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "no chunk was cached within 300 s"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert not (index_dir / "manifest.json").exists()  # killed before the index was written

    cache = VectorCache(cache_path)
    embedder = make_embedder("e5-small")
    before = set(cache.get_many(embedder.id, sorted(unique)))
    assert 2 * CHUNK <= len(before) < len(unique)
    assert len(before) % CHUNK == 0  # whole chunks only: the one in flight was lost, nothing half-written

    embedded_texts: list[str] = []
    encode = embedder.encode_passages

    def recording(batch: list[str]):
        embedded_texts.extend(batch)
        return encode(batch)

    embedder.encode_passages = recording
    index = ClauseIndex.build(docs, embedder, index_dir, cache=cache)

    again = {text_sha256(t) for t in embedded_texts}
    assert again.isdisjoint(before)  # nothing finished before the kill was embedded again
    assert again == unique - before
    assert len(embedded_texts) == len(unique) - len(before)
    reloaded = ClauseIndex.load(index_dir)
    assert len(reloaded) == len(texts) == len(index)
    assert {d.doc_id for d in reloaded.documents()} == {d.meta.doc_id for d in docs}
