"""API tests of the running web chat (``python app.py``) through gradio_client.

The app is started once per test process on a free port with an empty index
directory (so it builds the index from data/plans first, as on a fresh clone);
see tests/webchat/served.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.guard import EMPTY_MESSAGE
from ingest.vntext import nfc
from tests.webchat.served import served_app
from webchat.render import render_notice

pytestmark = pytest.mark.slow

TARGET_QUESTION = "Mục tiêu tỷ lệ bao phủ bảo hiểm y tế của tỉnh Ninh Bình năm 2026 là bao nhiêu?"
README = Path(__file__).resolve().parent.parent / "README.md"


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


@pytest.mark.parametrize(("question", "reply"), [
    ("bảo hiểm " * 1111 + "y", "Câu hỏi quá dài (10.000 ký tự; tối đa 2.000 ký tự)"),
    ("<script>alert(1)</script>", "Câu hỏi chỉ gồm mã HTML/script"),
])
def test_overlong_and_markup_questions_are_refused_politely(client, question, reply):
    data = client.predict(question, "", "", api_name="/ask")
    assert data["refused"] is True and data["citations"] == []
    assert data["answer"].startswith(reply)


def test_readme_api_example_runs_against_the_app():
    """The README's gradio_client example, run as a portal would run it (own process)."""
    section = README.read_text(encoding="utf-8").split("## Web chat và API", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert 'api_name="/ask"' in code and "http://127.0.0.1:7860/" in code
    code = code.replace("http://127.0.0.1:7860/", served_app().url)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    first, *sources = [line for line in run.stdout.splitlines() if not line.startswith("Loaded as API")]
    markers = set(re.findall(r"\[(\d+)\]", first))
    assert "95%" in first and markers
    supporting = [line for line in sources if re.match(r"\[(\d+)\] Ninh Bình — Mục II", line) and "95%" in line]
    assert supporting and supporting[0][1:supporting[0].index("]")] in markers, run.stdout
