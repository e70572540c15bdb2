"""API tests of the running web chat (``python app.py``) through gradio_client.

The app is started once per test process on a free port with an empty index
directory (so it builds the index from data/plans first, as on a fresh clone);
see tests/webchat/served.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.guard import EMPTY_MESSAGE
from ingest.vntext import nfc
from tests.webchat.served import served_app
from webchat.render import render_notice

pytestmark = pytest.mark.slow

TARGET_QUESTION = "Mục tiêu tỷ lệ bao phủ bảo hiểm y tế của tỉnh Ninh Bình năm 2026 là bao nhiêu?"


@pytest.fixture(scope="module")
def client():
    from gradio_client import Client

    client = Client(served_app().url, verbose=False)
    yield client
    client.close()


def _text(message: dict) -> str:
    content = message["content"]
    return content if isinstance(content, str) else " ".join(part.get("text", "") for part in content)


def test_endpoints_are_respond_and_ask(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/respond", "/ask"} <= set(endpoints)


def test_target_answer_has_the_number_and_a_verbatim_citation(client):
    data = client.predict(TARGET_QUESTION, "", "extractive", api_name="/ask")
    assert data["refused"] is False and data["abstained"] is False
    assert "95%" in data["answer"]
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", data["answer"])}
    cited = [c for c in data["citations"] if c["n"] in markers]
    assert cited, data
    supporting = [c for c in cited if "95%" in c["text"]]
    assert supporting and supporting[0]["locality"] == "Ninh Bình"
    citation = supporting[0]
    plan = Path(__file__).resolve().parent.parent / "data" / "plans" / "ninh-binh_KH-UBND_2026-01.txt"
    assert nfc(plan.read_text(encoding="utf-8"))[citation["char_start"]:citation["char_end"]] == citation["text"]


def test_chat_endpoint_renders_marker_sources_and_highlight(client):
    history, box = client.predict("muc tieu bao phu bhyt nam 2026 cua ninh binh", [], "", "extractive",
                                  api_name="/respond")
    assert box == ""
    answer = _text(history[-1])
    assert "95%" in answer
    assert '<span class="bhyt-ref">[1]</span>' in answer
    assert "Nguồn trích dẫn" in answer and '<details class="bhyt-source">' in answer
    assert re.search(r"<mark>[^<]*95%[^<]*</mark>", answer)


def test_empty_question_gets_the_vietnamese_reply(client):
    data = client.predict("", "", "extractive", api_name="/ask")
    assert data["refused"] is True and data["answer"] == EMPTY_MESSAGE
    history, _ = client.predict("", [], "", "extractive", api_name="/respond")
    assert _text(history[-1]) == render_notice(EMPTY_MESSAGE)


def test_markup_payload_is_never_echoed_as_html(client):
    history, _ = client.predict("<script>alert(1)</script><img src=x onerror=alert(1)>", [], "", "extractive",
                                api_name="/respond")
    everything = " ".join(_text(m) for m in history)
    assert "<script" not in everything and "<img" not in everything
    assert "&lt;script&gt;" in _text(history[0])


def test_locality_filter_answers_from_that_plan(client):
    data = client.predict("Mục tiêu tỷ lệ bao phủ BHYT năm 2026 là bao nhiêu?", "Huế", "extractive",
                          api_name="/ask")
    assert "99,3%" in data["answer"]
    assert {c["locality"] for c in data["citations"]} == {"Huế"}


def test_question_text_is_not_logged(client):
    client.predict("ninh binh cau-hoi-rieng-tu-7731", "", "extractive", api_name="/ask")
    log = served_app().log
    assert "question of" in log
    assert "cau-hoi-rieng-tu-7731" not in log
