"""Tests for webchat/layout.py: the page's parts, endpoints, queue limits and launch options."""

from __future__ import annotations

import pytest

from assistant.settings import load_settings
from ingest.vntext import is_accentless
from tests.webchat.fakes import FakeAssistant, FakeCatalog
from webchat.backend import ChatBackend
from webchat.layout import EXAMPLE_QUESTIONS, build_demo, launch_options


def make_demo(**overrides):
    settings = load_settings(environ={}, **overrides)
    return build_demo(ChatBackend(FakeAssistant(), FakeCatalog(), settings), settings)


def test_endpoints_share_the_configured_concurrency_limit_and_queue():
    demo = make_demo(concurrency_limit=3, queue_size=17)
    public = {f.api_name: f for f in demo.fns.values() if f.api_visibility == "public"}
    assert set(public) == {"respond", "ask"}
    assert {(f.concurrency_limit, f.concurrency_id) for f in public.values()} == {(3, "answer")}
    assert demo._queue.max_size == 17
    assert demo.analytics_enabled is False


@pytest.mark.parametrize(("name", "value"), [("concurrency_limit", 0), ("queue_size", -1)])
def test_rejects_non_positive_limits(name, value):
    with pytest.raises(ValueError, match=f"{name} must be > 0, got {value}"):
        make_demo(**{name: value})


def test_page_parts_are_vietnamese():
    config = make_demo().get_config_file()
    labels = [c["props"].get("label") for c in config["components"]]
    assert "Các kế hoạch đã nạp (2)" in labels
    assert {"Địa phương", "Cách trả lời", "Câu hỏi mẫu"} <= set(labels)
    dropdown = next(c for c in config["components"] if c["props"].get("label") == "Địa phương")
    assert [choice[0] for choice in dropdown["props"]["choices"]] == ["Tất cả địa phương", "Huế", "Ninh Bình"]
    chatbot = next(c for c in config["components"] if c["type"] == "chatbot")
    assert chatbot["props"]["sanitize_html"] is True and chatbot["props"]["allow_tags"] is False


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
    assert launch_options(load_settings(environ={"BHYT_HOST": "0.0.0.0"}))["server_name"] == "0.0.0.0"
