"""Tests for assistant/llm.py: the ChatOpenAI path and chat models given as ``llm=``.

The ChatOpenAI path talks to a small OpenAI-compatible server on 127.0.0.1
(http.server in a thread, started here) that picks its behaviour from the
requested model name: a good answer, an invented citation [9], a slow reply,
HTTP 500, malformed JSON, empty text. Chat models given through the public
``llm`` parameter are LangChain's ``FakeListChatModel`` and a model that raises.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.outputs import ChatResult

from assistant.llm import LLMAnswerer, check_citations, echoes_instructions
from ingest.vntext import nfc
from settings import load_settings
from tests.assistant.conftest import find

GOOD = "Theo kế hoạch, đến năm 2026 tỉ lệ bao phủ bảo hiểm y tế của Ninh Bình đạt trên 95% [2]."
INVENTED = "Tỉ lệ bao phủ đạt trên 95% [2] và được ngân sách trung ương hỗ trợ 100% [9]."


class FakeOpenAI(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out first (slow case)
            pass

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append({"path": self.path, **payload})
        model = payload["model"]
        if model == "slow":
            time.sleep(3)
        if model == "error500":
            return self._send(500, b'{"error": {"message": "boom"}}')
        if model == "malformed":
            return self._send(200, b'{"choices": [ {"message": ')
        content = {"good": GOOD, "invented": INVENTED, "empty": "", "slow": GOOD}[model]
        body = {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}}
        self._send(200, json.dumps(body).encode())


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def retrieved(tiny_tree):
    words = ["Tỷ lệ bao phủ BHYT toàn thành phố", "- Đến năm 2026, tỉ lệ", "toàn xã đạt trên 95%"]
    return [tiny_tree.scored(find(tiny_tree, w), 1 / (60 + i)) for i, w in enumerate(words)]


def answerer(server: str, model: str, timeout: float = 5.0) -> LLMAnswerer:
    settings = load_settings(environ={}, llm_base_url=server, llm_model=model, llm_timeout=timeout)
    return LLMAnswerer(settings)


QUESTION = "Mục tiêu bao phủ BHYT năm 2026 của Ninh Bình là bao nhiêu?"


def test_good_answer_keeps_its_citation_and_renumbers_it(server, retrieved, tiny_tree):
    answer = answerer(server, "good").answer(QUESTION, retrieved, tiny_tree)
    assert answer.mode == "llm" and not answer.flagged and not answer.abstained
    assert answer.answer.endswith("đạt trên 95% [1].")
    assert [c.locality for c in answer.citations] == ["Ninh Bình"]
    c = answer.citations[0]
    assert nfc(tiny_tree.source_text(c.doc_id))[c.char_start:c.char_end] == c.text
    sent = FakeOpenAI.requests[-1]
    assert sent["path"] == "/v1/chat/completions" and sent["temperature"] == 0.0
    user = sent["messages"][-1]["content"]
    assert "[2] (Ninh Bình — " in user and QUESTION in user
    assert "Chỉ trả lời dựa trên các đoạn trích" in sent["messages"][0]["content"]


def test_invented_citation_is_removed_and_flagged(server, retrieved, tiny_tree):
    answer = answerer(server, "invented").answer(QUESTION, retrieved, tiny_tree)
    assert answer.flagged
    assert "[9]" not in answer.answer and "[1]" in answer.answer
    assert len(answer.citations) == 1
    assert any("không khớp" in n for n in answer.notices)


@pytest.mark.parametrize("model, timeout, reason", [
    ("slow", 0.5, "quá thời gian chờ"),
    ("error500", 5.0, "HTTP 500"),
    ("malformed", 5.0, "không hợp lệ"),
    ("empty", 5.0, "rỗng"),
])
def test_failures_fall_back_to_the_extractive_answer(server, retrieved, tiny_tree, model, timeout, reason):
    answer = answerer(server, model, timeout).answer(QUESTION, retrieved, tiny_tree)
    assert answer.mode == "extractive"
    assert "95%" in answer.answer and answer.citations
    assert len(answer.notices) == 1 and reason in answer.notices[0]
    assert answer.notices[0].startswith("Chế độ mô hình ngôn ngữ không dùng được")


def test_endpoint_down_falls_back(retrieved, tiny_tree):
    answer = answerer("http://127.0.0.1:9/v1", "good", 2.0).answer(QUESTION, retrieved, tiny_tree)
    assert answer.mode == "extractive" and "không kết nối" in answer.notices[0]


def test_unconfigured_llm_falls_back(retrieved, tiny_tree):
    answer = LLMAnswerer(load_settings(environ={})).answer(QUESTION, retrieved, tiny_tree)
    assert answer.mode == "extractive" and "chưa cấu hình" in answer.notices[0]


def test_check_citations_renumbers_in_order_of_use():
    text, used, invalid = check_citations("A [3]. B [1, 3]. C [7].", 3)
    assert (text, used, invalid) == ("A [1]. B [2][1]. C.", [3, 1], True)


def test_settings_are_validated():
    with pytest.raises(ValueError, match="llm_timeout must be > 0, got 0.0"):
        LLMAnswerer(load_settings(environ={}, llm_timeout=0.0))
    with pytest.raises(ValueError, match="llm_max_tokens must be > 0, got 0"):
        LLMAnswerer(load_settings(environ={}, llm_max_tokens=0))


def test_the_endpoint_model_caps_the_reply_in_the_request_body():
    settings = load_settings(environ={}, llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_max_tokens=64)
    assert LLMAnswerer(settings).chat_model().extra_body == {"max_tokens": 64}


def test_an_answer_quoting_the_plans_is_not_an_echo_of_the_rules():
    rules = LLMAnswerer(load_settings(environ={})).instructions()
    assert "Quy tắc bắt buộc" in rules and "{{" not in rules
    assert not echoes_instructions("Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế toàn tỉnh đạt trên 95% [1].", rules)
    assert echoes_instructions("Chỉ trả lời dựa trên các đoạn trích được đánh số bên dưới.", rules)


# --- any LangChain chat model, given through the public ``llm`` parameter ---

class MessagesSeen(BaseCallbackHandler):
    """Keeps the messages each chat-model call was sent."""

    def __init__(self):
        self.calls: list[list] = []

    def on_chat_model_start(self, serialized, messages, **kwargs):
        self.calls.extend(messages)


class RaisingChatModel(BaseChatModel):
    """A chat model whose every call raises ``error`` (a provider failing its own way)."""

    error: Exception

    @property
    def _llm_type(self) -> str:
        return "raising"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        raise self.error


def test_a_given_chat_model_answers_without_any_endpoint_setting(retrieved, tiny_tree):
    seen = MessagesSeen()
    model = FakeListChatModel(responses=[GOOD], callbacks=[seen])
    answerer = LLMAnswerer(load_settings(environ={}), llm=model)
    assert answerer.configured and answerer.chat_model() is model
    answer = answerer.answer(QUESTION, retrieved, tiny_tree)
    assert answer.mode == "llm" and not answer.flagged and not answer.notices
    assert answer.answer.endswith("đạt trên 95% [1].")
    assert [(c.n, c.locality) for c in answer.citations] == [(1, "Ninh Bình")]
    assert answer.citations[0].text == retrieved[1].clause.text
    [messages] = seen.calls
    assert [m.type for m in messages] == ["system", "human"]
    assert "[2] (Ninh Bình — " in messages[1].content and QUESTION in messages[1].content
    assert "[4]" not in messages[1].content  # only the three clauses given were numbered


def test_a_given_chat_model_is_checked_like_the_endpoint(retrieved, tiny_tree):
    answer = LLMAnswerer(load_settings(environ={}), llm=FakeListChatModel(responses=[INVENTED])).answer(
        QUESTION, retrieved, tiny_tree)
    assert answer.flagged and "[9]" not in answer.answer and answer.answer.count("[1]") == 1
    assert [c.locality for c in answer.citations] == ["Ninh Bình"]
    assert any("không khớp" in n for n in answer.notices)


@pytest.mark.parametrize("model, reason", [
    (RaisingChatModel(error=TimeoutError("read timed out")), "quá thời gian chờ"),
    (RaisingChatModel(error=ConnectionError("refused")), "không kết nối được"),
    (RaisingChatModel(error=ValueError("bad payload")), "không hợp lệ"),
    (FakeListChatModel(responses=["   "]), "rỗng"),
    # A model reciting the prompt's rules, "[1] hoặc [2][3]" example included, is not answering.
    (FakeListChatModel(responses=["Trả lời bằng tiếng Việt, ngắn gọn, đúng trọng tâm câu hỏi; giữ nguyên con số, "
                                  "tỷ lệ, ngày tháng. Ví dụ [1] hoặc [2][3]."]), "lặp lại hướng dẫn"),
])
def test_a_failing_given_chat_model_falls_back_to_the_extractive_answer(retrieved, tiny_tree, model, reason):
    answer = LLMAnswerer(load_settings(environ={}), llm=model).answer(QUESTION, retrieved, tiny_tree)
    assert answer.mode == "extractive" and "95%" in answer.answer and answer.citations
    assert len(answer.notices) == 1 and reason in answer.notices[0]
    assert answer.notices[0].startswith("Chế độ mô hình ngôn ngữ không dùng được")


def test_llm_must_be_a_chat_model():
    with pytest.raises(TypeError, match="llm must be a LangChain chat model .BaseChatModel., got str"):
        LLMAnswerer(load_settings(environ={}), llm="gpt-4o-mini")


def test_the_assistant_hands_its_chat_model_to_llm_mode(retrieved, tiny_tree):
    from assistant.service import Assistant

    class GivenClauses:
        def retrieve(self, query, top_k=None, filters=None, localities=None):
            return retrieved

    assistant = Assistant(load_settings(environ={}), index=tiny_tree, retriever=GivenClauses(),
                          llm=FakeListChatModel(responses=[GOOD]))
    answer = assistant.ask(QUESTION, mode="llm")
    assert answer.mode == "llm" and answer.answer.endswith("[1].") and not answer.notices
    assert assistant.ask(QUESTION, mode="extractive").mode == "extractive"
