"""Tests for index/store.py: save/load, manifest checks, incremental upserts, atomic writes."""

import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from index import store as store_module
from index.manifest import REBUILD_HINT, IndexLoadError
from index.retriever import HybridRetriever
from index.segments import segment_files
from index.store import ClauseIndex, UnknownDocumentError
from tests.index.conftest import MINI_CORPUS, HashEmbedder, make_document

QUESTIONS = ["Ở Huế, tỉ lệ bao phủ BHYT năm 2026 là bao nhiêu?", "Sở Tài chính có nhiệm vụ gì?",
             "muc tieu bao phu bao hiem y te o dong nai", "Tỷ lệ hài lòng của người tham gia ở xã Đak Đoa"]


def _build(tmp_path, docs, embedder=None):
    return ClauseIndex.build(docs, embedder or HashEmbedder(), tmp_path / "index")


def _top(index, settings, question):
    return [(s.id, round(s.score, 9)) for s in HybridRetriever(index, settings).retrieve(question, top_k=10)]


def test_save_load_gives_identical_top_10(tmp_path, mini_docs, settings):
    built = _build(tmp_path, mini_docs)
    loaded = ClauseIndex.load(tmp_path / "index", HashEmbedder())
    assert len(loaded) == len(built) == sum(len(d.clauses) for d in mini_docs)
    for question in QUESTIONS:
        assert _top(loaded, settings, question) == _top(built, settings, question)
    doc = mini_docs[0]
    assert loaded.source_text(doc.meta.doc_id) == doc.source_text
    clause = doc.clauses[2]
    assert loaded.clause(clause.id) == clause
    assert loaded.source_text(doc.meta.doc_id)[clause.char_start:clause.char_end] == clause.text
    assert [c.id for c in loaded.children(doc.clauses[1].id)] == [clause.id]
    assert loaded.document(doc.meta.doc_id) == doc.meta


def test_directory_layout_and_manifest(tmp_path, mini_docs):
    _build(tmp_path, mini_docs)
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))
    (segment,) = manifest["segments"]
    names = {p.name for p in (tmp_path / "index").iterdir()}
    assert names == {"manifest.json", segment["name"]} and segment["name"].startswith("seg-")
    assert sorted(p.name for p in (tmp_path / "index" / segment["name"]).iterdir()) == sorted(segment_files())
    assert set(segment["files"]) == set(segment_files()) and segment["hidden"] == [] and segment["rows"] == 12
    assert manifest["format_version"] == store_module.FORMAT_VERSION
    assert manifest["embedder"] == {"id": "test-hash", "dim": 64}
    assert manifest["clauses"] == 12 and manifest["documents"] == 4
    assert len(manifest["corpus_hash"]) == 64 and manifest["libraries"]["faiss-cpu"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", "index"]  # no temporary directory left


def test_other_embedder_is_refused_with_rebuild_hint(tmp_path, mini_docs):
    _build(tmp_path, mini_docs)

    class OtherEmbedder(HashEmbedder):
        id = "other-model"

    with pytest.raises(IndexLoadError) as info:
        ClauseIndex.load(tmp_path / "index", OtherEmbedder())
    assert "'test-hash'" in info.value.message and "'other-model'" in info.value.message
    assert REBUILD_HINT in info.value.message


def test_other_format_version_is_refused(tmp_path, mini_docs):
    _build(tmp_path, mini_docs)
    path = tmp_path / "index" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["format_version"] = 999
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexLoadError, match="phiên bản 999") as info:
        ClauseIndex.load(tmp_path / "index", HashEmbedder())
    assert "Chạy: python -m assistant ingest data/plans --rebuild" in info.value.message


@pytest.mark.parametrize("damage", ["missing_dir", "bad_manifest", "bad_vectors", "missing_db", "missing_segment"])
def test_damaged_index_gives_vietnamese_error(tmp_path, mini_docs, damage):
    _build(tmp_path, mini_docs)
    directory = tmp_path / "index"
    (segment,) = directory.glob("seg-*")
    if damage == "missing_dir":
        directory = tmp_path / "nowhere"
    elif damage == "bad_manifest":
        (directory / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "bad_vectors":
        (segment / "vectors.f32").write_bytes(b"garbage")
    elif damage == "missing_db":
        (segment / "catalog.sqlite").unlink()
    else:
        shutil.rmtree(segment)
    with pytest.raises(IndexLoadError) as info:
        ClauseIndex.load(directory, HashEmbedder())
    assert REBUILD_HINT in info.value.message
    assert any(word in info.value.message for word in ("Chưa có", "bị hỏng", "thiếu"))


def test_unchanged_upsert_does_no_work(tmp_path, mini_docs):
    embedder = HashEmbedder()
    _build(tmp_path, mini_docs, embedder)
    calls = embedder.calls
    assert calls == 12
    manifest_before = (tmp_path / "index" / "manifest.json").read_text(encoding="utf-8")
    index = ClauseIndex.load(tmp_path / "index", embedder)
    report = index.upsert([make_document(d) for d in MINI_CORPUS])
    assert embedder.calls == calls
    assert report.unchanged == tuple(MINI_CORPUS) and not report.changed
    assert (report.embedded, report.reused) == (0, 0)
    assert (tmp_path / "index" / "manifest.json").read_text(encoding="utf-8") == manifest_before


def test_changed_document_replaces_only_its_clauses(tmp_path, mini_docs):
    embedder = HashEmbedder()
    index = _build(tmp_path, mini_docs, embedder)
    before = {d.meta.doc_id: [c.id for c in d.clauses] for d in mini_docs}
    calls = embedder.calls
    new_text = "- Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 96%."
    changed = make_document("ninh-binh_KH-UBND_2026-01", {("II", "2", "1"): new_text})
    report = index.upsert([changed])
    assert report.updated == ("ninh-binh_KH-UBND_2026-01",)
    assert embedder.calls == calls + 1 and (report.embedded, report.reused) == (1, 2)
    loaded = ClauseIndex.load(tmp_path / "index", embedder)
    for doc_id, ids in before.items():
        if doc_id != "ninh-binh_KH-UBND_2026-01":
            assert all(_has(loaded, i) for i in ids)
    assert not _has(loaded, before["ninh-binh_KH-UBND_2026-01"][1])
    assert loaded.clause(changed.clauses[1].id).text == new_text
    assert len(loaded) == 12


def _has(index, clause_id):
    try:
        index.clause(clause_id)
    except KeyError:
        return False
    return True


def test_remove(tmp_path, mini_docs):
    index = _build(tmp_path, mini_docs)
    report = index.remove("hue_KH-UBND")
    assert report.removed == ("hue_KH-UBND",)
    loaded = ClauseIndex.load(tmp_path / "index", HashEmbedder())
    assert [m.doc_id for m in loaded.documents()] == list(MINI_CORPUS)[1:]
    assert len(loaded) == 6
    with pytest.raises(UnknownDocumentError, match="Không có văn bản 'hue_KH-UBND'"):
        loaded.remove("hue_KH-UBND")


def test_failed_write_leaves_previous_index_serving(tmp_path, mini_docs, monkeypatch, settings):
    index = _build(tmp_path, mini_docs[:2])
    before = _top(index, settings, QUESTIONS[0])

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module, "write_segment", crash)
    with pytest.raises(KeyboardInterrupt):
        index.upsert(mini_docs[2:])
    monkeypatch.undo()
    loaded = ClauseIndex.load(tmp_path / "index", HashEmbedder())
    assert len(loaded.documents()) == 2 and _top(loaded, settings, QUESTIONS[0]) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", "index"]


def test_crash_between_renames_is_recovered(tmp_path, mini_docs):
    _build(tmp_path, mini_docs)
    directory = tmp_path / "index"
    directory.rename(tmp_path / ".index.old")  # the state after the first of the two renames
    loaded = ClauseIndex.load(directory, HashEmbedder())
    assert len(loaded) == 12 and (directory / "manifest.json").exists()


def test_hnsw_above_threshold(tmp_path, mini_docs, settings):
    flat = _build(tmp_path, mini_docs)
    hnsw = ClauseIndex.build(mini_docs, HashEmbedder(), tmp_path / "hnsw", hnsw_threshold=5)
    assert flat.faiss_type == "flat"
    # HNSW is how serving searches a large index (a graph built in memory), not a stored file.
    assert ClauseIndex.load(tmp_path / "hnsw", HashEmbedder()).faiss_type == "flat"
    assert ClauseIndex.load(tmp_path / "hnsw", HashEmbedder(), hnsw_threshold=5).faiss_type == "hnsw"
    assert [s.id for s in HybridRetriever(hnsw, settings).retrieve(QUESTIONS[1], top_k=3, channels=("dense",))] \
        == [s.id for s in HybridRetriever(flat, settings).retrieve(QUESTIONS[1], top_k=3, channels=("dense",))]


def test_no_pickle_anywhere_in_the_index_package():
    import re

    forbidden = re.compile("import pick" + "le|pick" + "le\\.|allow_pick" + "le=True|allow_dangerous" + "_deserialization")
    root = Path(__file__).resolve().parents[2]
    for path in [*(root / "index").glob("*.py"), root / "assistant/commands/index_cmd.py",
                 root / "assistant/commands/search_cmd.py"]:
        assert not forbidden.search(path.read_text(encoding="utf-8")), path


def test_copy_of_index_directory_loads(tmp_path, mini_docs):
    _build(tmp_path, mini_docs)
    shutil.copytree(tmp_path / "index", tmp_path / "copy")
    assert len(ClauseIndex.load(tmp_path / "copy", HashEmbedder())) == 12


class _StallingEmbedder(HashEmbedder):
    """Embeds like HashEmbedder, but any passage call stalls, as a huge embedding in C would."""

    def _encode(self, texts, is_query):
        if not is_query:
            time.sleep(30)
        return super()._encode(texts, is_query)


def test_ctrl_c_during_an_update_stops_at_once_and_keeps_the_old_index(ctrl_c, tmp_path, mini_docs, settings):
    built = _build(tmp_path, mini_docs)
    before = _top(built, settings, QUESTIONS[0])
    index = ClauseIndex.load(tmp_path / "index", _StallingEmbedder())
    changed = make_document("ninh-binh_KH-UBND_2026-01", {("II", "2", "1"): "Nội dung mới hoàn toàn khác."})
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        index.upsert([changed])
    timer.cancel()
    assert time.perf_counter() - started < 2.0
    reloaded = ClauseIndex.load(tmp_path / "index", HashEmbedder())
    assert _top(reloaded, settings, QUESTIONS[0]) == before
    assert [d.doc_id for d in reloaded.documents()] == [d.meta.doc_id for d in mini_docs]


def test_ingest_reads_the_indexed_sources_without_opening_the_index(tmp_path, mini_docs):
    from index.maintenance import known_sources
    from settings import load_settings

    _build(tmp_path, mini_docs)
    known = known_sources(load_settings(environ={}, index_dir=str(tmp_path / "index")))
    assert {doc_id: source.content_hash for doc_id, source in known.items()} == {
        d.meta.doc_id: d.meta.content_hash for d in mini_docs}
    assert known_sources(load_settings(environ={}, index_dir=str(tmp_path / "none"))) == {}
