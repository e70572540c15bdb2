"""Tests for eval/gold/evidence_links.py (problems, messages) and the names eval/gold/link.py re-exports."""

from __future__ import annotations

import pytest

import eval.gold.evidence_links as evidence_links
import eval.gold.link as link
import eval.gold.questions as questions
from eval.gold.evidence_links import LinkProblem, LinkReport, shorten


def test_shorten_puts_text_on_one_line_and_cuts_it():
    assert shorten("Ngân sách\n  Nhà nước") == "Ngân sách Nhà nước"
    assert shorten("a" * 40, 30) == "a" * 29 + "…"
    assert len(shorten("b" * 200)) == 70


def test_only_partly_uncovered_evidence_is_a_warning():
    warning = LinkProblem("q001", "hue_KH-UBND", "pháp luật. 4", "partly_uncovered", "các ký tự ngoài: '4'")
    error = LinkProblem("q002", "hue_KH-UBND", "ngân sách tỉnh", "not_found", "không tìm thấy nguyên văn trong văn bản")
    report = LinkReport((), (warning, error), 0)
    assert not warning.is_error and error.is_error
    assert report.errors == (error,)


@pytest.mark.parametrize(
    ("part", "names"),
    [
        (questions, ("FIELD_ORDER", "GOLD_PATH", "QUESTION_TYPES", "SPLITS", "GoldEvidence", "GoldQuestion",
                     "read_gold", "write_gold")),
        (evidence_links, ("LinkProblem", "LinkReport", "clauses_for_span", "link_questions", "uncovered_text")),
    ],
)
def test_link_re_exports_the_names_of_its_parts(part, names):
    for name in names:
        assert getattr(link, name) is getattr(part, name), name
        assert name in link.__all__
    assert link.GOLD_PATH.name == "gold.jsonl" and link.PLANS_DIR.name == "plans"
