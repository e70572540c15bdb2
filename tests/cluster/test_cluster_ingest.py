"""Tests for index/cluster_ingest.py's driver and worker tasks, with the tasks run in this process.

The session here runs each task at once instead of on a cluster (the real
cluster is tests/cluster/test_dask_cluster.py): what is checked is the driver's
part, that it gives what ``ingest_paths`` gives (documents, ids chosen in file
order, skips, notes) and leaves in the cache exactly the vectors a single
process computes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.clause_text import embedding_text
from index.cluster_ingest import ClusterError, ClusterIngest, ReadOptions
from index.vector_cache import VectorCache, text_sha256
from ingest.batch import ingest_paths
from settings import load_settings

PLANS = Path(__file__).resolve().parents[2] / "data" / "plans"


class _Done:
    def __init__(self, function, args) -> None:
        self.value = function(*args)


class InlineSession:
    """The session interface of ``ClusterIngest``, every task run when submitted."""

    submitted: list[str] = []

    def __init__(self, address: str, connect_timeout: float, worker_grace: float) -> None:
        self.initial_workers = 1

    def __enter__(self) -> InlineSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def submit(self, function, *args):
        InlineSession.submitted.append(function.__name__)
        return _Done(function, args)

    def wait_some(self, futures):
        return futures

    def result(self, future, file_name):
        return future.value


@pytest.fixture
def folder(tmp_path) -> Path:
    """A plan, another plan of the same file name in a subfolder, and a file that cannot be read."""
    plan = (PLANS / "dak-doa-gia-lai_KH-DU_2026.txt").read_text(encoding="utf-8")
    shutil.copy(PLANS / "dak-doa-gia-lai_KH-DU_2026.txt", tmp_path / "dak-doa-gia-lai_KH-DU_2026.txt")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "dak-doa-gia-lai_KH-DU_2026.txt").write_text(plan + "\nBổ sung: báo cáo hằng quý.\n",
                                                                   encoding="utf-8")
    (tmp_path / "hong.txt").write_bytes(bytes(range(256)) * 4)
    return tmp_path


def test_cluster_ingest_gives_what_ingest_paths_gives(folder, e5_embedder):
    settings = load_settings(environ={})
    local = ingest_paths([folder], settings=settings)
    cache = VectorCache(":memory:")
    InlineSession.submitted.clear()
    outcome = ClusterIngest("dask", "inline", session=InlineSession).ingest([folder], settings=settings, cache=cache)
    assert outcome.ingest.documents == local.documents
    assert [d.meta.doc_id for d in local.documents] == ["dak-doa-gia-lai_KH-DU_2026",
                                                         local.documents[1].meta.doc_id]
    assert local.documents[1].meta.doc_id.startswith("dak-doa-gia-lai_KH-DU_2026-")
    assert outcome.ingest.skipped == local.skipped and "hong.txt" in local.skipped[0].message
    assert outcome.ingest.notes == local.notes and len(local.notes) == 1
    # Three files read, then the second plan read again under the id chosen in file order.
    assert InlineSession.submitted.count("read_on_worker") == 4
    texts = list(dict.fromkeys(embedding_text(c, d.meta) for d in local.documents for c in d.clauses))
    assert outcome.embedded == len(texts) and outcome.reused == 0
    assert outcome.chars == sum(len(t) for t in texts)
    cached = cache.get_many(e5_embedder.id, [text_sha256(t) for t in texts])
    assert len(cached) == len(texts)
    expected = e5_embedder.encode_passages(texts)
    got = np.stack([cached[text_sha256(t)] for t in texts])
    assert np.abs(got - expected).max() <= 1e-6

    again = ClusterIngest("dask", "inline", session=InlineSession).ingest([folder], settings=settings, cache=cache)
    assert again.embedded == 0 and again.reused == len(texts)
    assert again.ingest.documents == local.documents


def test_known_ids_are_kept_as_the_local_path_keeps_them(folder):
    settings = load_settings(environ={}, ocr_repair=False)
    first = ingest_paths([folder / "dak-doa-gia-lai_KH-DU_2026.txt"], settings=settings).documents[0]
    from ingest.identity import KnownSource

    known = {first.meta.doc_id: KnownSource("/elsewhere/dak-doa-gia-lai_KH-DU_2026.txt", "0" * 64)}
    local = ingest_paths([folder / "b"], settings=settings, known=known)
    outcome = ClusterIngest("dask", "inline", session=InlineSession).ingest(
        [folder / "b"], settings=settings, cache=VectorCache(":memory:"), known=known)
    assert outcome.ingest.documents == local.documents
    assert outcome.ingest.notes == local.notes and "/elsewhere/" in local.notes[0]


def test_settings_are_checked_at_once():
    with pytest.raises(ClusterError, match="Chưa có địa chỉ cụm máy"):
        ClusterIngest("dask", "")
    with pytest.raises(ValueError, match="executor must be one of"):
        ClusterIngest("local", "tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="cluster_embed_threads must be > 0, got 0"):
        ReadOptions.of(load_settings(environ={}, cluster_embed_threads=0))
