"""Tests for webchat/layout.py: the page's parts, endpoints, queue limits and launch options."""

from __future__ import annotations

import pytest

from assistant.topic import EXAMPLE_QUESTIONS
from ingest.vntext import is_accentless
from settings import load_settings
from tests.webchat.fakes import FakeAssistant, FakeCatalog
from webchat.backend import ChatBackend
from webchat.layout import build_demo, launch_options
from webchat.page_assets import GRADIO_STRINGS_VI


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


def _dependency(config, api_name):
    return next(d for d in config["dependencies"] if d["api_name"] == api_name)


def test_the_page_asks_in_two_private_steps_and_respond_stays_the_one_step_api():
    demo = make_demo(concurrency_limit=3)
    config = demo.get_config_file()
    ids = {c["props"].get("elem_id"): c["id"] for c in config["components"]}
    chatbot, box = ids["bhyt-chat"], ids["bhyt-question"]
    show, answer, respond = (_dependency(config, name) for name in ("show_question", "answer_waiting", "respond"))
    # Step 1: on Enter or "Gửi", the question's bubble and a waiting reply; the box is emptied.
    assert {tuple(t) for t in show["targets"]} == {(box, "submit"), (ids["bhyt-send"], "click")}
    assert show["outputs"][:2] == [chatbot, box] and show["show_progress"] == "hidden"
    # Step 2: the answer, after step 1 succeeded (a refused question never reaches it).
    assert answer["trigger_after"] == show["id"] and answer["trigger_only_on_success"] is True
    assert answer["outputs"] == [chatbot]
    # Gradio's English progress ("processing", "queue: 1/2") goes to a hidden element, never to the chat.
    assert answer["show_progress_on"] == [ids["bhyt-answer-progress"]]
    assert next(c for c in config["components"] if c["id"] == ids["bhyt-answer-progress"])["props"]["visible"] == "hidden"
    assert respond["targets"] == [] and respond["outputs"] == [chatbot, box]
    fns = {f.api_name: f for f in demo.fns.values()}
    assert fns["show_question"].validator is not None and fns["answer_waiting"].validator is None
    assert fns["show_question"].concurrency_limit is None  # showing a question never waits behind answers
    assert (fns["answer_waiting"].concurrency_limit, fns["answer_waiting"].concurrency_id) == (3, "answer")
    assert {fns[n].api_visibility for n in ("show_question", "answer_waiting")} == {"private"}


def test_the_composer_and_the_new_answer_chip_are_part_of_the_chat_tab():
    config = make_demo().get_config_file()
    chatbot = next(c for c in config["components"] if c["type"] == "chatbot")
    assert chatbot["props"]["autoscroll"] is False  # the page script decides (see CHAT_SCRIPT)
    chip = next(c for c in config["components"] if c["props"].get("elem_id") == "bhyt-new-answer-slot")
    assert "Câu trả lời mới ↓" in chip["props"]["value"]
    box = next(c for c in config["components"] if c["props"].get("elem_id") == "bhyt-question")
    assert len(box["props"]["placeholder"]) <= 20  # whole on a phone
    options = launch_options(load_settings(environ={}))
    assert "#bhyt-composer { position: sticky; bottom: 0;" in options["css"]
    assert "Câu trả lời mới" not in options["head"] and "Đang chờ đến lượt" in options["head"]
