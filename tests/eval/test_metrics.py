"""Tests for eval/metrics.py and eval/evidence.py on hand-made cases with real clause text."""

from __future__ import annotations

import math

import pytest

from eval import metrics as m
from eval.evidence import EvidenceLocator, Span, collapse_whitespace, locate_evidence

# Real lines of the Huế plan (hue_KH-UBND.txt), with its hard line breaks.
HUE = (
    "II. MỤC TIÊU\n1. Mục tiêu chung\nTập trung đẩy mạnh giải quyết toàn diện, đồng bộ các nhiệm vụ, giải pháp \n\n"
    "để thực hiện bảo hiểm y tế toàn dân trong giai đoạn mới, phấn đấu vượt chỉ tiêu \n"
    "đến năm 2026 tỉ lệ bao phủ BHYT đạt trên 99,3% dân số và trước năm 2030 đạt \n"
    "chỉ tiêu về bao phủ BHYT toàn dân.\n"
)


def item(id_: str, start: int, end: int, doc: str = "hue") -> m.RetrievedSpan:
    return m.RetrievedSpan(id_, doc, start, end)


# --- evidence ------------------------------------------------------------------

def test_locate_evidence_crosses_line_breaks_and_returns_source_offsets():
    evidence = "phấn đấu vượt chỉ tiêu đến năm 2026 tỉ lệ bao phủ BHYT"
    (span,) = locate_evidence(HUE, "hue", evidence)
    assert HUE[span.start:span.end] == "phấn đấu vượt chỉ tiêu \nđến năm 2026 tỉ lệ bao phủ BHYT"


def test_locate_evidence_collapses_blank_line_runs_and_nfd_input():
    import unicodedata

    evidence = unicodedata.normalize("NFD", "giải pháp để thực hiện")
    (span,) = locate_evidence(HUE, "hue", evidence)
    assert HUE[span.start:span.end] == "giải pháp \n\nđể thực hiện"


def test_locate_evidence_not_found_and_repeated():
    assert locate_evidence(HUE, "hue", "99,3 % dân số năm 2031") == ()
    spans = locate_evidence(HUE, "hue", "bao phủ BHYT")
    assert len(spans) == 2 and spans[0].start < spans[1].start


def test_collapse_whitespace_offsets_map_back():
    collapsed = collapse_whitespace("a \n\n b")
    assert collapsed.text == "a b"
    assert collapsed.offsets == (0, 1, 5, 6)


def test_evidence_locator_caches_and_raises_for_unknown_doc():
    calls = []

    def source(doc_id: str) -> str:
        calls.append(doc_id)
        return {"hue": HUE}[doc_id]

    locator = EvidenceLocator(source)
    assert locator.locate("hue", "99,3% dân số")
    assert locator.locate("hue", "năm 2030")
    assert calls.count("hue") == 1
    with pytest.raises(KeyError):
        locator.locate("ninh-binh", "x")


def test_span_rejects_inverted_offsets():
    with pytest.raises(ValueError, match=r"\[5, 2\)"):
        Span("hue", 5, 2)


# --- retrieval -----------------------------------------------------------------

def test_relevance_by_gold_id_or_evidence_overlap():
    evidence = [(Span("hue", 100, 150),)]
    retrieved = [item("a", 0, 99), item("gold", 500, 600), item("b", 140, 400), item("c", 120, 130, doc="nb"),
                 item("d", 150, 160)]
    assert m.relevance(retrieved, ["gold"], evidence) == [False, True, True, False, False]


def test_hits_and_reciprocal_rank():
    rel = [False, False, True, False]
    assert [m.hit_at_k(rel, k) for k in (1, 3, 5, 10)] == [0.0, 1.0, 1.0, 1.0]
    assert m.reciprocal_rank(rel) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(rel, k=2) == 0.0
    assert m.reciprocal_rank([]) == 0.0
    with pytest.raises(ValueError, match="got 0"):
        m.hit_at_k(rel, 0)


def test_ndcg():
    assert m.ndcg_at_k([True, False], n_gold=1) == 1.0
    assert m.ndcg_at_k([False, True], n_gold=1) == pytest.approx(1 / math.log2(3))
    # Two gold units, one found at rank 1: DCG 1, ideal 1 + 1/log2(3).
    assert m.ndcg_at_k([True, False], n_gold=2) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    # More relevant items retrieved than gold units (chunks overlapping one span): capped at 1.
    assert m.ndcg_at_k([True, True, True], n_gold=1) == pytest.approx(1.0)
    assert m.ndcg_at_k([False, False], n_gold=0) == 0.0


def test_evidence_recall_needs_half_of_a_span_covered_by_the_union():
    evidence = [(Span("hue", 100, 200),), (Span("hue", 300, 310),)]
    # Two clauses together cover 60% of the first span; nothing covers the second.
    retrieved = [item("a", 90, 130), item("b", 170, 250), item("x", 300, 302, doc="nb")]
    assert m.evidence_recall_at_k(retrieved, evidence, k=5) == 0.5
    assert m.evidence_recall_at_k(retrieved[:1], evidence, k=5) == 0.0
    assert m.evidence_recall_at_k(retrieved, evidence, k=1) == 0.0
    # An evidence string that was not found in its document is never covered.
    assert m.evidence_recall_at_k(retrieved, [()], k=5) == 0.0
    assert m.evidence_recall_at_k(retrieved, [], k=5) is None


# --- key facts -----------------------------------------------------------------

@pytest.mark.parametrize(("answer", "fact"), [
    ("Tỷ lệ bao phủ BHYT đạt trên 99.3% năm 2026", "99,3%"),
    ("đạt trên 99,3 % dân số", "99,3%"),
    ("tỉ lệ bao phủ bảo hiểm y tế", "tỷ lệ bao phủ BHYT"),
    ("Uỷ ban nhân dân thành phố chủ trì", "UBND thành phố"),
    ("UBND thanh pho chu tri", "Ủy ban nhân dân thành phố"),
    ("SỞ Y TẾ", "Sở Y tế"),
    ("chi phí khám, chữa bệnh", "KCB"),
    ("Mặt trận Tổ quốc Việt Nam", "MTTQ Việt Nam"),
    ("Chỉ thị số 52- CT/TW", "52-CT/TW"),
    ("bao hiém y té", "bảo hiểm y tế"),
    ("trước ngày 5/06 hằng năm", "05/6"),
])
def test_contains_fact_matches_variants(answer, fact):
    assert m.contains_fact(answer, fact)


@pytest.mark.parametrize(("answer", "fact"), [
    ("trước năm 2030", "30"),
    ("đạt 99,35%", "99,3%"),
    ("Sở Tài chính", "Sở Y tế"),
    ("bảo hiểm xã hội", "BHYT"),
    ("trước ngày 15/6", "05/6"),
    ("năm 2026", "026"),
])
def test_contains_fact_rejects_near_misses(answer, fact):
    assert not m.contains_fact(answer, fact)


def test_answer_correct_needs_every_fact_and_no_abstention():
    answer = "Huế phấn đấu đạt trên 99,3% năm 2026 và 100% trước năm 2030 [1]."
    assert m.key_fact_hits(answer, ["99,3%", "2026", "2031"]) == (True, True, False)
    assert m.answer_correct(answer, ["99,3%", "2026"])
    assert not m.answer_correct(answer, ["99,3%", "2031"])
    assert not m.answer_correct(answer, ["99,3%"], abstained=True)


# --- abstention and citations --------------------------------------------------

def test_abstention_scores():
    scores = m.abstention_scores(abstained=[True, True, False, False, True],
                                 answerable=[False, True, False, True, False])
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (2, 1, 1)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 3)
    never = m.abstention_scores([False, False], [False, True])
    assert never.precision is None and never.recall == 0.0
    with pytest.raises(ValueError, match="2 != 1"):
        m.abstention_scores([True, False], [True])


def test_citation_valid_compares_the_exact_source_slice():
    start = HUE.index("đến năm 2026")
    end = start + len("đến năm 2026")
    assert m.citation_valid("đến năm 2026", start, end, HUE)
    assert not m.citation_valid("đến năm 2026", start + 1, end + 1, HUE)
    assert not m.citation_valid("đến năm  2026", start, end, HUE)
    assert not m.citation_valid("x", -1, 0, HUE)


def test_citation_supported_by_evidence_overlap_or_key_fact():
    evidence = [(Span("hue", 100, 150),)]
    assert m.citation_supported(item("a", 140, 200), "không liên quan", evidence, ["2026"])
    assert m.citation_supported(item("b", 300, 400), "đạt trên 99,3% năm 2026", evidence, ["99,3%"])
    assert not m.citation_supported(item("c", 300, 400), "Sở Tài chính", evidence, ["99,3%"])


def test_mean_skips_none():
    assert m.mean([1.0, None, 0.0]) == 0.5
    assert m.mean([None]) is None
