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


def test_line_separators_and_controls_become_spaces():
    result = check_question("Kinh phí\u2028của\u2029Huế\x85lấy\x1b[31m từ\x9bđâu?\x00", 2000)
    assert result.ok and result.question == "Kinh phí của Huế lấy [31m từ đâu?"


def test_bidi_overrides_and_zero_width_characters_are_removed():
    result = check_question("\ufeff\u202eKinh\u200b phí\u202c của \u2066Huế\u2069?", 2000)
    assert result.ok and result.question == "Kinh phí của Huế?"


def test_rtl_text_and_combining_marks_are_kept():
    result = check_question("מה היעד? ما هو e\u0301", 2000)
    assert result.ok and result.question == "מה היעד? ما هو é"


def test_lone_surrogates_are_replaced_so_the_question_always_encodes():
    result = check_question("kinh \ud83d phí \udcff", 2000)
    assert result.ok and result.question == "kinh \ufffd phí \ufffd"
    result.question.encode("utf-8")


def test_refusals_carry_the_cleaned_question_never_the_raw_text():
    assert check_question("<script>alert(1)</script>", 2000).question == ""
    assert check_question("<i>?!</i>", 2000).question == "?!"
    too_long = check_question("<b>bảo hiểm</b>\u202e " * 10000, 2000)
    assert not too_long.ok and "quá dài" in too_long.message
    assert too_long.question.startswith("bảo hiểm bảo hiểm") and len(too_long.question) <= 2000
    assert "<" not in too_long.question and "\u202e" not in too_long.question


def test_unclosed_script_tags_in_a_long_question_stay_fast():
    # Each unclosed "<script" makes the markup pattern scan to the end: only a bounded prefix is cleaned.
    result = check_question("<script " * 50_000, 2000)
    assert not result.ok and result.question == ""
