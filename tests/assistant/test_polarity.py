"""Tests for assistant/polarity.py: yes/no questions and the verdict of the quoted sentences."""

from __future__ import annotations

import pytest

from assistant.polarity import is_yes_no, verdict

COVERAGE_2026 = "Năm 2026, tỷ lệ bao phủ bảo hiểm y tế đạt trên 95% dân số của tỉnh."


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Tỉnh có hỗ trợ người cận nghèo mua thẻ không?", True),
        ("tinh co ho tro nguoi can ngheo mua the khong", True),
        ("Có phải kế hoạch giao việc này cho Sở Y tế?", True),
        ("Năm 2026 đạt 95% phải không?", True),
        ("Xã đã triển khai chưa?", True),
        ("Ai chủ trì việc tuyên truyền?", False),
        ("Mục tiêu bao phủ năm 2030 là bao nhiêu?", False),
        ("Kinh phí lấy từ đâu?", False),
    ],
)
def test_yes_no_questions_are_recognised_by_their_syntax(question, expected):
    assert is_yes_no(question) is expected


def test_a_stated_figure_must_match_the_plan_for_a_yes():
    assert verdict("Năm 2026 tỉnh phấn đấu 95% dân có thẻ phải không?", [COVERAGE_2026]) == "Có"
    assert verdict("Năm 2026 tỉnh phấn đấu 97% dân có thẻ phải không?", [COVERAGE_2026]) == "Không"
    assert verdict("Năm 2027 tỉnh phấn đấu 95% dân có thẻ phải không?", [COVERAGE_2026]) == "Không"


def test_a_year_given_by_the_heading_counts():
    assert verdict("Có phải đạt 95% vào năm 2026?", ["Tỷ lệ bao phủ đạt trên 95% dân số."], ["2026"]) == "Có"


def test_without_figures_the_plan_saying_it_is_the_yes():
    assert verdict("Kế hoạch có nhắc đến tuyên truyền trên loa truyền thanh không?",
                   ["Tuyên truyền trên hệ thống loa truyền thanh cơ sở."]) == "Có"


def test_not_a_yes_no_question_gets_no_verdict():
    assert verdict("Tỷ lệ bao phủ năm 2026 là bao nhiêu?", [COVERAGE_2026]) == ""
