"""Tests for eval/gold/questions.py: evidence validation and the atomic JSONL writer."""

from __future__ import annotations

import pytest

from eval.gold.questions import GOLD_PATH, GoldEvidence, read_gold, write_gold


@pytest.mark.parametrize(("doc_id", "text", "message"), [("", "đạt 95%", "doc_id"), ("hue_KH-UBND", "  ", "text")])
def test_gold_evidence_rejects_empty_fields_naming_them(doc_id, text, message):
    with pytest.raises(ValueError, match=f"evidence {message} must be a non-empty string"):
        GoldEvidence(doc_id, text)


def test_write_gold_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    questions = read_gold(GOLD_PATH)[:2]
    path = tmp_path / "gold.jsonl"
    path.write_text("cũ\n", encoding="utf-8")
    write_gold(path, questions)
    assert [p.name for p in tmp_path.iterdir()] == ["gold.jsonl"]
    assert read_gold(path) == questions
    assert "\\u" not in path.read_text(encoding="utf-8")  # Vietnamese is written as is, not escaped
