"""Tests for ingest/structure/long_clauses.py: long clauses cut at sentence ends, offsets exact."""

from __future__ import annotations

import pytest

from ingest.pipeline import parse_text
from ingest.structure.long_clauses import split_long_clauses
from tests.plans import HUE, PLANS

HUE_TEXT = (PLANS / HUE).read_text(encoding="utf-8")


def _plan_with_one_long_bullet(repeats: int) -> str:
    # A real bullet of the Huế plan, its sentence repeated: one bullet of many sentences.
    sentence = ("Tăng cường công tác thông tin, tuyên truyền về chính sách, pháp luật bảo hiểm y tế "
                "với nội dung, hình thức phù hợp với từng nhóm đối tượng. ")
    return f"KẾ HOẠCH\nThực hiện bảo hiểm y tế toàn dân\nI. NHIỆM VỤ\n1. Tuyên truyền\n- {sentence * repeats}\n- Ý sau.\n"


def test_a_long_clause_becomes_parts_with_exact_offsets_cut_at_sentence_ends():
    text = _plan_with_one_long_bullet(60)  # about 8,800 characters in one bullet
    document = parse_text(text, "dai.txt", max_clause_chars=3000)
    bullets = [c for c in document.clauses if c.kind == "bullet"]
    assert [c.path for c in bullets] == [("I", "1", "1"), ("I", "1", "1.2"), ("I", "1", "1.3"), ("I", "1", "2")]
    for clause in document.clauses:
        assert text[clause.char_start:clause.char_end] == clause.text
        assert len(clause.text) <= 3000
    assert all(c.text.endswith(".") for c in bullets)  # every cut is at a sentence end
    assert bullets[0].body.startswith("Tăng cường") and not bullets[0].body.startswith("-")
    item = next(c for c in document.clauses if c.kind == "item")
    assert {c.parent_id for c in bullets} == {item.id}
    assert len({c.id for c in document.clauses}) == len(document.clauses)


def test_text_without_sentence_ends_is_cut_at_spaces_then_anywhere():
    document = parse_text("KẾ HOẠCH\nThực hiện\nI. NHIỆM VỤ\n" + "bảo hiểm " * 1000 + "x" * 5000 + "\n",
                          "mot-dong.txt", max_clause_chars=2000)
    for clause in document.clauses:
        assert len(clause.text) <= 2000 and document.source_text[clause.char_start:clause.char_end] == clause.text


def test_real_plans_are_not_cut():
    document = parse_text(HUE_TEXT, "hue.txt")
    assert split_long_clauses(document.clauses) == list(document.clauses)
    with pytest.raises(ValueError, match="max_chars must be > 0, got 0"):
        split_long_clauses(document.clauses, 0)
