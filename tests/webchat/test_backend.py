"""Tests for webchat/backend.py with the fake service: guard replies, filters, errors, privacy."""

from __future__ import annotations

import logging

import pytest

from assistant.guard import EMPTY_MESSAGE, MARKUP_NOTICE, MARKUP_ONLY_MESSAGE
from settings import load_settings
from tests.webchat.fakes import FakeAssistant, FakeCatalog
from webchat.backend import BUSY_MESSAGE, ERROR_MESSAGE, ChatBackend

TARGET_Q = "muc tieu bao phu bhyt nam 2026 cua ninh binh"


@pytest.fixture()
def service() -> FakeAssistant:
    return FakeAssistant()


def make_backend(service, **overrides) -> ChatBackend:
    return ChatBackend(service, FakeCatalog(), load_settings(environ={}, **overrides))


def test_rejects_bad_settings(service):
    with pytest.raises(ValueError, match="max_question_chars must be > 0, got 0"):
        make_backend(service, max_question_chars=0)


def test_respond_appends_question_and_answer(service):
    history, box = make_backend(service).respond(TARGET_Q, [])
    assert box == ""
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert TARGET_Q in history[0]["content"]
    assert "95%" in history[1]["content"] and "bhyt-ref" in history[1]["content"]
    assert "<mark>" in history[1]["content"]  # the fake catalog serves the source text


def test_respond_keeps_earlier_turns(service):
    backend = make_backend(service)
    history, _ = backend.respond(TARGET_Q, [])
    history, _ = backend.respond("câu khác", history)
    assert len(history) == 4


def test_page_shows_the_question_at_once_then_replaces_the_waiting_reply(service):
    backend = make_backend(service)
    earlier, _ = backend.respond(TARGET_Q, [])
    shown, box, kept = backend.echo("Mục tiêu\x07 bao phủ\u202e " + TARGET_Q, earlier)
    assert box == "" and kept == "Mục tiêu\x07 bao phủ\u202e " + TARGET_Q
    assert [m["role"] for m in shown] == ["user", "assistant", "user", "assistant"]
    assert "\x07" not in shown[2]["content"] and "\u202e" not in shown[2]["content"]
    assert "Đang tìm trong 2 kế hoạch…" in shown[3]["content"] and len(service.calls) == 1  # echo asks nothing
    # Gradio gives the history back with each message's content as a list of parts.
    as_parts = [{**m, "content": [{"type": "text", "text": m["content"]}]} for m in shown]
    answered = backend.answer_waiting(kept, as_parts, "Ninh Bình", "")
    assert [m["role"] for m in answered] == ["user", "assistant", "user", "assistant"]
    assert "95%" in answered[-1]["content"] and "Đang tìm" not in str(answered)
    assert service.calls[-1]["locality"] == "Ninh Bình"


@pytest.mark.parametrize(("question", "kept"), [("", True), ("  ", True), ("\x00\x1b\u200b", True), (None, True),
                                                ("???", False), ("<script>alert(1)</script>", False),
                                                (TARGET_Q, False)])
def test_page_keeps_a_question_with_nothing_to_show_in_the_box(service, question, kept):
    assert make_backend(service).page_refusal(question, []) == (EMPTY_MESSAGE if kept else None)
    assert service.calls == []  # nothing is asked, nothing counted


def test_page_sends_one_question_at_a_time(service):
    backend = make_backend(service)
    waiting, _, _ = backend.echo(TARGET_Q, [])
    assert backend.page_refusal("câu tiếp theo", waiting) == BUSY_MESSAGE
    answered = backend.answer_waiting(TARGET_Q, waiting)
    assert backend.page_refusal("câu tiếp theo", answered) is None


@pytest.mark.parametrize(("question", "message"), [
    ("", EMPTY_MESSAGE), ("   ", EMPTY_MESSAGE), (None, EMPTY_MESSAGE),
    ("<script>alert(1)</script>", MARKUP_ONLY_MESSAGE),
])
def test_refused_questions_get_the_guard_reply_without_a_search(service, question, message):
    result = make_backend(service).answer(question)
    assert result == message
    assert [call.get("refused") for call in service.calls] == [True]


def test_ten_thousand_characters_get_the_too_long_reply(service):
    html = make_backend(service).reply_html("bảo hiểm " * 1200)
    assert "Câu hỏi quá dài" in html and "tối đa 2.000 ký tự" in html
    assert [call.get("refused") for call in service.calls] == [True]


def test_markup_around_words_is_searched_with_a_notice(service):
    html = make_backend(service).reply_html("<img src=x onerror=alert(1)> " + TARGET_Q)
    assert MARKUP_NOTICE in html
    assert "<img" not in html


def test_locality_and_mode_filters(service):
    backend = make_backend(service)
    assert backend.localities() == ["Huế", "Ninh Bình"]
    backend.answer(TARGET_Q, "Ninh Bình", "extractive")
    backend.answer(TARGET_Q, " Hà Nội ", "llm")  # the service says no plan of Hà Nội; LLM not configured
    backend.answer(TARGET_Q, "", "")
    assert [(c["locality"], c["mode"]) for c in service.calls] == [
        ("Ninh Bình", "extractive"), ("Hà Nội", None), (None, None)]


def test_llm_mode_offered_only_when_configured(service):
    assert [v for _, v in make_backend(service).modes()] == ["extractive"]
    configured = make_backend(service, llm_base_url="http://127.0.0.1:9/v1", answer_mode="llm")
    assert [v for _, v in configured.modes()] == ["extractive", "llm"]
    assert configured.default_mode() == "llm"
    configured.answer(TARGET_Q, "", "llm")
    assert service.calls[-1]["mode"] == "llm"


def test_service_failure_gives_polite_error(service, caplog):
    with caplog.at_level(logging.INFO, logger="webchat"):
        html = make_backend(service).reply_html("boom secret-question")
    assert ERROR_MESSAGE in html and "bhyt-error" in html
    assert "RuntimeError" in caplog.text
    assert "secret-question" not in caplog.text


def test_question_text_logged_only_when_enabled(service, caplog):
    with caplog.at_level(logging.INFO, logger="webchat"):
        make_backend(service).answer("ninh binh token-xyz")
    assert "token-xyz" not in caplog.text and "chars" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="webchat"):
        make_backend(service, log_questions=True).answer("ninh binh token-xyz")
    assert "token-xyz" in caplog.text


def test_ask_json_shapes(service):
    backend = make_backend(service)
    data = backend.ask_json(TARGET_Q)
    assert data["refused"] is False and data["citations"][0]["n"] == 1 and "95%" in data["answer"]
    refused = backend.ask_json("")
    assert refused == {"question": "", "answer": EMPTY_MESSAGE, "abstained": False, "refused": True,
                       "mode": "extractive", "citations": [], "retrieved": [], "timings_ms": {}}


def test_unknown_document_has_no_source(service):
    backend = make_backend(service)
    assert backend.source_text("không-có") is None
    assert backend.source_text("hue_KH-UBND") is None  # the catalog raises; the chat hides the context
    assert "Ninh Bình" in backend.source_text("ninh-binh_KH-UBND_2026-01")


def test_admission_says_in_vietnamese_how_long_to_wait(service):
    backend = make_backend(service, rate_limit_per_minute=2, queue_size=10, concurrency_limit=2)
    assert backend.admission_message("10.0.0.1", 0) is None
    assert backend.admission_message("10.0.0.1", 9) is None
    assert backend.admission_message("10.0.0.1", 0) == "Bạn gửi câu hỏi quá nhanh, vui lòng thử lại sau 60 giây."
    # A full queue: 10 waiting, 2 at a time, about 1 s each (until answers are timed) -> 5 s.
    assert backend.admission_message("10.0.0.3", 10) == "Hệ thống đang quá tải, vui lòng thử lại sau 5 giây."
    # Refused for overload, not counted against the client's limit.
    assert backend.admission_message("10.0.0.3", 0) is None
    assert backend.admission_message(None, 0) is None  # no client address: never rate limited


def test_overload_wait_follows_the_time_answers_take(service):
    backend = make_backend(service, queue_size=4, concurrency_limit=1)
    for _ in range(30):
        backend.answer(TARGET_Q)  # the fake answers in well under a second
    assert backend.overload_wait_seconds(4) == 1
    backend._answer_seconds = 3.0
    assert backend.overload_wait_seconds(4) == 12
