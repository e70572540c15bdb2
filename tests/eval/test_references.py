"""Tests for eval/references.py: BM25 reference, rank fusion and the adversarial controls."""

from __future__ import annotations

from eval.bootstrap import bootstrap_intervals
from eval.metrics import RetrievedSpan
from eval.references import (
    Bm25Ranker,
    ContradictAnswer,
    EchoQuestion,
    PasteTopClauses,
    RankedReference,
    Unit,
    contradict,
    reciprocal_rank_fusion,
)
from eval.runner import SystemOutput

TEXTS = ["Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026.",
         "Sở Tài chính rà soát chính sách hỗ trợ mức đóng BHYT.",
         "Ở xã, trạm y tế nâng cao chất lượng khám bệnh."]
UNITS = tuple(Unit(f"hue:{i}", "hue", t, 100 * i, 100 * i + len(t)) for i, t in enumerate(TEXTS))


def test_bm25_reference_finds_accentless_questions_and_answers_with_its_top_unit():
    ranker = Bm25Ranker(UNITS)
    assert ranker.rank("so tai chinh ho tro muc dong", 3)[0] == 1
    assert ranker.rank("ở", 3) == [2]  # one-letter words are kept
    output = RankedReference("bm25", UNITS, ranker.rank).run("ty le bao phu 2026")
    assert output.answer == TEXTS[0] and not output.abstained and output.retrieved[0].id == "hue:0"


def test_reciprocal_rank_fusion_rewards_agreement():
    assert reciprocal_rank_fusion([[0, 1, 2], [1, 0]], [0.5, 0.5])[:2] == [0, 1]
    assert reciprocal_rank_fusion([[2, 1], [1, 0]], [0.5, 0.5])[0] == 1


class Fixed:
    name = "hybrid"

    def run(self, question: str) -> SystemOutput:
        spans = tuple(RetrievedSpan(u.id, u.doc_id, 0, len(u.text)) for u in UNITS)
        return SystemOutput(spans, "Đạt trên 99,3% trước ngày 05/6. [1]", False)


def test_controls_paste_echo_and_contradict():
    pasted = PasteTopClauses(Fixed(), lambda doc_id: TEXTS[0], k=2).run("?")
    assert pasted.answer.count("[") == 2 and len(pasted.citations) == 2
    assert EchoQuestion().run("Huế đạt bao nhiêu?").answer == "Huế đạt bao nhiêu?"
    assert contradict("đạt trên 99,3% trước ngày 05/6") == "đạt trên 94%, không phải 99,3% trước ngày 06/6, không phải 05/6"
    assert "không phải 99,3%" in ContradictAnswer(Fixed()).run("?").answer


def test_bootstrap_intervals_cover_the_mean_and_are_seeded():
    values = [1.0] * 80 + [0.0] * 20

    def summarize(sample):
        return {"acc": sum(sample) / len(sample), "never": None}

    first = bootstrap_intervals(values, summarize, reps=300)
    assert first == bootstrap_intervals(values, summarize, reps=300)
    assert first["acc"].low < 0.8 < first["acc"].high and "never" not in first
