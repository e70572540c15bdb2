"""Tests for webchat/layout.py: the page's parts, endpoints, queue limits and launch options."""

from __future__ import annotations

import pytest

from ingest.vntext import is_accentless
from settings import load_settings
from tests.webchat.fakes import FakeAssistant, FakeCatalog
from webchat.backend import ChatBackend
from webchat.layout import EXAMPLE_QUESTIONS, GRADIO_STRINGS_VI, build_demo, launch_options


def make_demo(**overrides):
    settings = load_settings(environ={}, **overrides)
    return build_demo(ChatBackend(FakeAssistant(), FakeCatalog(), settings), settings)


def test_endpoints_share_the_configured_concurrency_limit_and_queue():
    demo = make_demo(concurrency_limit=3, queue_size=17)
    public = {f.api_name: f for f in demo.fns.values() if f.api_visibility == "public"}
    assert set(public) == {"respond", "ask"}
    assert {(f.concurrency_limit, f.concurrency_id) for f in public.values()} == {(3, "answer")}
    assert demo._queue.max_size == 2 * 17  # our Vietnamese refusal comes first, at 17 waiting
    assert demo.analytics_enabled is False


@pytest.mark.parametrize(("name", "value"), [("concurrency_limit", 0), ("queue_size", -1)])
def test_rejects_non_positive_limits(name, value):
    with pytest.raises(ValueError, match=f"{name} must be > 0, got {value}"):
        make_demo(**{name: value})


def test_page_parts_are_vietnamese():
    config = make_demo().get_config_file()
    labels = [c["props"].get("label") for c in config["components"]]
    assert "Các kế hoạch đã nạp (2)" in labels
    assert {"Địa phương", "Cách trả lời"} <= set(labels)
    dropdown = next(c for c in config["components"] if c["props"].get("label") == "Địa phương")
    assert [choice[0] for choice in dropdown["props"]["choices"]] == ["Tất cả địa phương", "Huế", "Ninh Bình"]
    chatbot = next(c for c in config["components"] if c["type"] == "chatbot")
    assert chatbot["props"]["sanitize_html"] is True and chatbot["props"]["allow_tags"] is False


def test_example_questions_are_buttons_with_the_whole_question():
    config = make_demo().get_config_file()
    buttons = [c["props"]["value"] for c in config["components"] if c["type"] == "button"]
    assert [b for b in buttons if b in EXAMPLE_QUESTIONS] == list(EXAMPLE_QUESTIONS)
    assert any(c["type"] == "markdown" and "Câu hỏi mẫu" in c["props"]["value"] for c in config["components"])
    # Filling the box runs in the browser: one js-only event per example, none public.
    box = next(c["id"] for c in config["components"] if c["props"].get("elem_id") == "bhyt-question")
    fills = [d for d in config["dependencies"] if d["outputs"] == [box] and d.get("js") and not d.get("backend_fn")]
    assert len(fills) == len(EXAMPLE_QUESTIONS)
    assert all(d["api_visibility"] != "public" for d in fills)


def test_examples_cover_the_kinds_people_ask():
    assert 4 <= len(EXAMPLE_QUESTIONS) <= 6
    assert sum(is_accentless(q) for q in EXAMPLE_QUESTIONS) == 1
    text = " ".join(EXAMPLE_QUESTIONS).lower()
    for cue in ("bao nhiêu", "cơ quan nào", "cận nghèo", "trước ngày", "so sánh"):
        assert cue in text


def test_launch_options_bind_loopback_without_ssr():
    options = launch_options(load_settings(environ={}))
    assert options["server_name"] == "127.0.0.1" and options["server_port"] == 7860
    assert options["ssr_mode"] is False and options["share"] is False
    assert options["footer_links"] == ["api"]
    assert launch_options(load_settings(environ={"BHYT_HOST": "0.0.0.0"}))["server_name"] == "0.0.0.0"


def test_gradio_strings_are_translated_and_the_page_is_vietnamese():
    options = launch_options(load_settings(environ={}))
    translations = options["i18n"].translations_dict
    assert translations["en"] == translations["vi"] == GRADIO_STRINGS_VI
    assert translations["en"]["errors.use_via_api"] == "Dùng qua API"
    assert translations["en"]["chatbot.clear"] == "Xóa hội thoại"
    assert all(not value.isascii() for value in GRADIO_STRINGS_VI.values() if value != "Dùng qua API")
    assert 'setAttribute("lang", "vi")' in options["head"]


def test_mode_switch_offers_the_llm_only_when_configured():
    def mode_radio(**overrides):
        config = make_demo(**overrides).get_config_file()
        return next(c["props"] for c in config["components"] if c["props"].get("elem_id") == "bhyt-mode")

    plain = mode_radio()
    assert [value for _, value in plain["choices"]] == ["extractive"] and plain["interactive"] is False
    configured = mode_radio(llm_base_url="http://127.0.0.1:9/v1")
    assert [label for label, _ in configured["choices"]] == ["Trích xuất (ngoại tuyến)", "Mô hình ngôn ngữ"]
    assert configured["interactive"] is True and configured["value"] == "extractive"
