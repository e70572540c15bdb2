"""Tests for eval/gold/evidence_links.py: problems and their Vietnamese messages."""

from __future__ import annotations

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


