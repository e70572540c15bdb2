"""Tests for eval/systems.py: answers convert faithfully, channels are passed on."""

from __future__ import annotations

from assistant.answer import Answer, Citation
from eval.systems import AnswerSystem, ChannelRetriever, output_from_answer
from index.types import ScoredClause
from ingest.model import Clause

TEXT = "- Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026 và đạt \n\n100% trước năm 2030."
CLAUSE = Clause(id="hue_KH-UBND:II.2.1:85977fb7c2", doc_id="hue_KH-UBND", kind="bullet", path=("II", "2", "1"),
                titles=("II. MỤC TIÊU", "2. Mục tiêu cụ thể"), text=TEXT, body=TEXT.replace(" \n\n", " "),
                char_start=2790, char_end=2790 + len(TEXT), label="-")
SCORED = ScoredClause(CLAUSE, "Kế hoạch", "Huế", "thành phố", "Mục II › 2 › ý 1", 0.03, 1, 2)


def test_output_from_answer_keeps_ids_spans_and_citations():
    answer = Answer("Huế?", "Trên 99,3% năm 2026 [1].", False, "extractive",
                    citations=(Citation.from_scored(1, SCORED),), retrieved=(SCORED,))
    output = AnswerSystem("hybrid", lambda q: answer).run("Huế?")
    assert output.answer == "Trên 99,3% năm 2026 [1]." and output.abstained is False
    (item,) = output.retrieved
    assert (item.id, item.doc_id, item.char_start, item.char_end) == (CLAUSE.id, "hue_KH-UBND", 2790, 2790 + len(TEXT))
    (cite,) = output.citations
    assert (cite.n, cite.text, cite.char_start) == (1, TEXT, 2790)
    assert output_from_answer(Answer("x", "Không có.", True, "extractive")).abstained is True


def test_channel_retriever_passes_channels_top_k_and_filters():
    calls = []

    class Recorder:
        def retrieve(self, query, top_k=None, filters=None, channels=("dense", "lexical"), localities=None):
            calls.append((query, top_k, filters, channels))
            return [SCORED]

    restricted = ChannelRetriever(Recorder(), ("lexical",))
    assert restricted.retrieve("muc tieu", top_k=3, filters={"locality": "Huế"}) == [SCORED]
    assert calls == [("muc tieu", 3, {"locality": "Huế"}, ("lexical",))]
