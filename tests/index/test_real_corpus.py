"""Integration tests on the five real plans parsed by ingest/pipeline.py (slow: real e5 build)."""

import pytest

from index.maintenance import index_documents
from index.retriever import HybridRetriever
from index.store import ClauseIndex
from ingest.vntext import fold_diacritics
from settings import load_settings

QUESTIONS = [
    "Huế đặt mục tiêu tỷ lệ bao phủ BHYT năm 2026 là bao nhiêu?",
    "Xã Đak Đoa phấn đấu tỷ lệ bao phủ bảo hiểm y tế năm 2030 bao nhiêu phần trăm?",
    "An Giang đặt chỉ tiêu bao phủ bảo hiểm y tế năm 2026 bao nhiêu?",
    "Ninh Bình báo cáo sơ kết 6 tháng trước ngày nào?",
    "Kinh phí thực hiện kế hoạch ở Huế lấy từ đâu?",
    "Đồng Nai đặt tỷ lệ bao phủ bảo hiểm y tế năm 2026 là bao nhiêu?",
]


@pytest.mark.slow
def test_real_index_save_load_and_accentless(real_index):
    settings = load_settings(environ={})
    built = HybridRetriever(real_index, settings)
    loaded = HybridRetriever(ClauseIndex.load(real_index.directory, real_index.embedder), settings)
    agree = 0
    for question in QUESTIONS:
        top = [s.id for s in built.retrieve(question)]
        assert [s.id for s in loaded.retrieve(question)] == top
        plain = {s.id for s in loaded.retrieve(fold_diacritics(question), top_k=3)}
        agree += len(set(top[:3]) & plain) >= 2
    assert agree >= len(QUESTIONS) - 1
    hue = built.retrieve(QUESTIONS[0], top_k=1)[0]
    assert hue.clause.doc_id == "hue_KH-UBND" and "99,3%" in hue.clause.text


@pytest.mark.slow
def test_index_documents_upserts_by_content(real_index, session_cache, tmp_path):
    # The session vector cache already holds every clause vector (built by real_index).
    settings = load_settings(environ={}, index_dir=str(tmp_path / "idx"), vector_cache=session_cache.path)
    documents = _documents()
    first = index_documents(documents[:2], settings)
    assert first.added == tuple(d.meta.doc_id for d in documents[:2]) and first.embedded == 0
    again = index_documents(documents, settings)
    assert again.unchanged == first.added and again.added == tuple(d.meta.doc_id for d in documents[2:])
    third = index_documents(documents, settings)
    assert third.unchanged == tuple(d.meta.doc_id for d in documents) and third.embedded == 0
    rebuilt = index_documents(documents, settings, rebuild=True)
    assert rebuilt.embedded == 0 and rebuilt.reused == sum(len(d.clauses) for d in documents)


def _documents():
    from pathlib import Path

    from ingest.batch import ingest_paths

    root = Path(__file__).resolve().parents[2]
    return ingest_paths(sorted((root / "data" / "plans").glob("*.txt"))).documents


@pytest.mark.slow
def test_targets_are_stored_with_the_index_and_read_back(real_index):
    loaded = ClauseIndex.load(real_index.directory, real_index.embedder)
    stored = [(meta.doc_id, t) for meta, t in loaded.targets()]
    assert stored == [(meta.doc_id, t) for meta, t in real_index.targets()]
    by_plan = {}
    for doc_id, target in stored:
        by_plan.setdefault(doc_id, []).append(target)
    assert set(by_plan) == {d.doc_id for d in loaded.documents()}
    hue = [t for t in by_plan["hue_KH-UBND"] if t.kind == "coverage"]
    assert [(t.year, t.figure) for t in hue] == [(2026, "99,3%"), (2030, "100%")]
    source = loaded.source_text("hue_KH-UBND")
    assert "99,3%" in source[hue[0].start:hue[0].end]
    assert loaded.clause(hue[0].clause_id).doc_id == "hue_KH-UBND"
