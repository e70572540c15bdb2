"""Tests for index/retriever.py on the mini corpus with the real e5 embedder."""

import pytest
from langchain_core.documents import Document

from index.retriever import HybridRetriever, section_label
from settings import load_settings
from tests.index.conftest import SHARED, make_document


@pytest.fixture(scope="module")
def retriever(mini_e5_index):
    return HybridRetriever(mini_e5_index, load_settings(environ={}))


def test_locality_decides_between_identical_passages(retriever):
    for question, doc_id in [("Ở Huế, mục đích nâng cao nhận thức về bảo hiểm y tế là gì?", "hue_KH-UBND"),
                             ("Ở Ninh Bình, mục đích nâng cao nhận thức về bảo hiểm y tế là gì?",
                              "ninh-binh_KH-UBND_2026-01"),
                             ("o hue muc dich nang cao nhan thuc ve bao hiem y te", "hue_KH-UBND")]:
        top = retriever.retrieve(question, top_k=3)
        assert top[0].clause.doc_id == doc_id, question
        assert SHARED in top[0].clause.text


def test_accentless_query_shares_top_results(retriever):
    pairs = [("Tỷ lệ bao phủ bảo hiểm y tế của xã Đak Đoa năm 2026?",
              "ty le bao phu bao hiem y te cua xa dak doa nam 2026"),
             ("Sở Tài chính có nhiệm vụ gì về kinh phí hỗ trợ mức đóng?",
              "so tai chinh co nhiem vu gi ve kinh phi ho tro muc dong"),
             ("Đồng Nai đặt mục tiêu bao phủ bao nhiêu phần trăm năm 2026?",
              "dong nai dat muc tieu bao phu bao nhieu phan tram nam 2026")]
    for accented, plain in pairs:
        top_a = [s.id for s in retriever.retrieve(accented, top_k=3)]
        top_p = [s.id for s in retriever.retrieve(plain, top_k=3)]
        assert top_a[0] == top_p[0], accented
        assert len(set(top_a) & set(top_p)) >= 2, accented


def test_channels_and_ranks(retriever):
    question = "tỉ lệ bao phủ BHYT toàn thành phố 99,3%"
    lexical = retriever.retrieve(question, top_k=5, channels=("lexical",))
    dense = retriever.retrieve(question, top_k=5, channels=("dense",))
    hybrid = retriever.retrieve(question, top_k=5)
    assert all(s.dense_rank is None and s.lexical_rank for s in lexical)
    assert all(s.lexical_rank is None and s.dense_rank for s in dense)
    assert hybrid[0].dense_rank and hybrid[0].lexical_rank
    assert "99,3%" in hybrid[0].clause.text and lexical[0].lexical_score > 0
    assert [s.score for s in hybrid] == sorted((s.score for s in hybrid), reverse=True)


def test_filters(retriever):
    results = retriever.retrieve("bảo hiểm y tế", top_k=10, filters={"locality": "ninh binh"})
    assert {s.locality for s in results} == {"Ninh Bình"} and len(results) == 3
    assert {s.level for s in retriever.retrieve("bảo hiểm y tế", filters={"level": "xã"})} == {"xã"}
    assert retriever.retrieve("bảo hiểm y tế", filters={"doc_id": ["hue_KH-UBND"]})[0].clause.doc_id == "hue_KH-UBND"
    assert retriever.retrieve("bảo hiểm y tế", filters={"locality": "Hà Nội"}) == []
    with pytest.raises(ValueError, match="unknown filter keys"):
        retriever.retrieve("bảo hiểm y tế", filters={"year": 2026})


def test_section_and_json_shape(retriever):
    top = retriever.retrieve("Ở Huế tỉ lệ bao phủ BHYT 99,3%", top_k=1)[0]
    assert top.section == "Mục II › 2. Mục tiêu cụ thể › ý 1"
    data = top.to_json()
    assert set(data) == {"id", "doc_id", "doc_title", "locality", "section", "text", "char_start", "char_end",
                         "score", "ranks"}
    assert set(data["ranks"]) == {"dense", "lexical"}


def test_section_label_clips_long_titles():
    doc = make_document("dong-nai_646-KH-TU_2026-01-09")
    assert section_label(doc.clauses[0]) == "Mục II › 1- Tang cuwong lanh dao, chi dao › ý 2"
    long = doc.clauses[0].__class__(**{**doc.clauses[0].__dict__, "titles": (
        "II. NỘI DUNG", "2. Hoàn thiện cơ chế, chính sách về bảo hiểm y tế phù hợp với tình hình mới")})
    assert section_label(long) == "Mục II › 2. Hoàn thiện cơ chế, chính sách về bảo… › ý 2"


def test_bad_arguments(mini_e5_index, retriever):
    with pytest.raises(ValueError, match="top_k must be > 0, got 0"):
        retriever.retrieve("bảo hiểm", top_k=0)
    with pytest.raises(ValueError, match="channels"):
        retriever.retrieve("bảo hiểm", channels=("sparse",))
    with pytest.raises(ValueError, match="dense_top_n must be > 0, got 0"):
        HybridRetriever(mini_e5_index, load_settings(environ={"BHYT_DENSE_TOP_N": "0"}))
    assert retriever.retrieve("   ") == []


def test_langchain_invoke_returns_documents(retriever):
    docs = retriever.invoke("Sở Tài chính")
    assert isinstance(docs[0], Document)
    assert docs[0].metadata["doc_id"] == "hue_KH-UBND" and docs[0].page_content.startswith("1. Sở Tài chính")
    assert docs[0].metadata["ranks"]["dense"] == 1


def test_top_level_text_after_the_sections_is_labelled_as_the_closing(real_index):
    from index.retriever import HybridRetriever
    from settings import load_settings

    retriever = HybridRetriever(real_index, load_settings(environ={}))
    results = retriever.retrieve("Trên đây là Kế hoạch triển khai thực hiện Chỉ thị Ninh Bình", top_k=10,
                                 filters={"locality": "Ninh Bình"})
    sections = {r.clause.path: r.section for r in results if len(r.clause.path) == 1 and r.clause.kind == "paragraph"}
    assert sections[("p1",)] == "Mở đầu › đoạn 1"
    assert sections[("p2",)] == "Phần kết › đoạn 2"
