"""Tests for assistant/guard.py: empty, too long, punctuation-only and markup questions."""

import pytest

from assistant.guard import check_question


def test_empty_and_whitespace_get_a_vietnamese_reply():
    for raw in ("", "   \n\t ", None):
        result = check_question(raw, 2000)
        assert not result.ok
        assert "chưa nhập câu hỏi" in result.message


def test_ten_thousand_characters_is_too_long():
    result = check_question("bảo hiểm " * 1112, 2000)
    assert not result.ok
    assert "quá dài" in result.message and "tối đa 2.000 ký tự" in result.message


def test_punctuation_only_is_rejected():
    result = check_question("?!... ---", 2000)
    assert not result.ok and "chưa có chữ" in result.message


def test_script_payload_is_stripped_and_never_echoed():
    result = check_question('<script>alert("x")</script>Mục tiêu <b>bao phủ</b> của Huế?', 2000)
    assert result.ok
    assert result.question == "Mục tiêu bao phủ của Huế?"
    assert "<" not in result.question and "alert" not in result.question
    assert result.notices


def test_markup_only_is_rejected_without_echo():
    result = check_question("<img src=x onerror=alert(1)>", 2000)
    assert not result.ok
    assert "<" not in result.message and "HTML" in result.message


def test_plain_question_passes_unchanged():
    result = check_question("  Ai   chủ trì?  ", 2000)
    assert result.ok and result.question == "Ai chủ trì?" and result.notices == ()


def test_limit_must_be_positive():
    with pytest.raises(ValueError, match="max_chars must be > 0, got 0"):
        check_question("x", 0)
