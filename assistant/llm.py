"""Optional LLM answerer: a LangChain runnable over any LangChain chat model.

The chain is ``retrieved clauses → prompts/answer.md → chat model → text``.
The chat model is the one given (``LLMAnswerer(settings, llm=model)``: any
``BaseChatModel``, e.g. ``ChatOllama`` or a test fake), or else ``ChatOpenAI``
built from the ``llm_*`` settings (works with Ollama, vLLM, llama.cpp server and
OpenAI: base URL, model, key, timeout and temperature). After generation
every [n] marker is checked against the clauses that were given: markers
outside 1..len(clauses) are removed and the answer is ``flagged``; the
remaining ones are renumbered to the citations actually used.

Whenever the endpoint is not configured, down, slow, answers with an HTTP
error, malformed JSON or empty text, the extractive answer is returned instead
with a Vietnamese notice saying why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from langchain_core.language_models import BaseChatModel

from assistant.answer import Answer, Citation
from assistant.compose import ClauseTree
from assistant.extractive import ExtractiveAnswerer
from assistant.intent import QuestionReading
from assistant.prompt import PromptTemplate, load_prompt
from index.types import ScoredClause
from ingest.vntext import folded_form

MAX_PROMPT_CLAUSES = 8
# An answer repeating this many consecutive words of the prompt's rules is the rules, not an answer.
ECHO_RUN = 8
_MARKER_RE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_ABSTAIN_PHRASES = ("khong co thong tin", "khong chua thong tin", "khong de cap", "khong tim thay")


def echoes_instructions(text: str, instructions: str, run: int = ECHO_RUN) -> bool:
    """True when ``text`` repeats ``run`` consecutive words of the prompt's ``instructions``.

    Small or base models sometimes answer by reciting the rules; their "[1] hoặc
    [2][3]" example would then pass for citations.
    """
    said = folded_form(text).split()
    rules = folded_form(instructions).split()
    grams = {tuple(rules[i:i + run]) for i in range(len(rules) - run + 1)}
    return any(tuple(said[i:i + run]) in grams for i in range(len(said) - run + 1))


class LLMUnavailable(RuntimeError):
    """The LLM could not produce a usable answer; ``reason`` is Vietnamese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def fallback_notice(reason: str) -> str:
    """The notice shown when LLM mode falls back to the extractive answer."""
    return f"Chế độ mô hình ngôn ngữ không dùng được ({reason}); câu trả lời dưới đây được trích trực tiếp từ các kế hoạch."


def format_clauses(retrieved: Sequence[ScoredClause]) -> str:
    """Number the clauses for the prompt: "[n] (locality — section) text"."""
    lines = []
    for n, scored in enumerate(retrieved, 1):
        clause = scored.clause
        text = " ".join((clause.reading or clause.body or clause.text).split())
        lines.append(f"[{n}] ({scored.locality} — {scored.section}) {text}")
    return "\n".join(lines)


def check_citations(text: str, given: int) -> tuple[str, list[int], bool]:
    """Keep only markers 1..``given`` in ``text``, renumbered in order of first use.

    Args:
        text: The generated answer.
        given: How many clauses the prompt numbered.

    Returns:
        (text with markers renumbered and invalid ones removed, the original
        numbers used in new order, True if any marker was invalid).
    """
    order: list[int] = []
    invalid = False

    def renumber(match: re.Match) -> str:
        nonlocal invalid
        kept = []
        for part in re.split(r"[,;]", match.group(1)):
            n = int(part)
            if 1 <= n <= given:
                if n not in order:
                    order.append(n)
                kept.append(f"[{order.index(n) + 1}]")
            else:
                invalid = True
        return "".join(kept)

    cleaned = _MARKER_RE.sub(renumber, text)
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()
    return cleaned, order, invalid


def _classify(exc: Exception) -> str:
    """A short Vietnamese reason for an exception raised by the OpenAI client."""
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if "Timeout" in name:
        return "máy chủ trả lời quá thời gian chờ"
    if "Connection" in name:
        return "không kết nối được máy chủ"
    if status is not None:
        return f"máy chủ trả lỗi HTTP {status}"
    return "máy chủ trả về dữ liệu không hợp lệ"


class LLMAnswerer:
    """Answers with a chat model, checked and with extractive fallback.

    Args:
        settings: Uses ``llm_base_url``, ``llm_model``, ``llm_api_key``, ``llm_timeout`` (> 0),
            ``llm_temperature`` (0..2), ``llm_max_tokens`` (> 0) to build ``ChatOpenAI`` when no ``llm`` is given,
            and the extractive answerer's settings.
        llm: Any LangChain chat model; None builds ``ChatOpenAI`` from the settings
            (no retries, ``llm_timeout`` seconds). A given model keeps its own
            time-out and temperature.
        prompt: A prompt template (default ``prompts/answer.md``).
        fallback: The extractive answerer used when the LLM fails.

    Raises:
        ValueError: If a setting is out of range (the message names the value).
        TypeError: If ``llm`` is not a LangChain chat model.
    """

    def __init__(self, settings, *, llm: BaseChatModel | None = None, prompt: PromptTemplate | None = None,
                 fallback: ExtractiveAnswerer | None = None) -> None:
        timeout = float(settings.llm_timeout)
        if timeout <= 0:
            raise ValueError(f"llm_timeout must be > 0, got {timeout}")
        temperature = float(settings.llm_temperature)
        if not 0.0 <= temperature <= 2.0:
            raise ValueError(f"llm_temperature must be in [0, 2], got {temperature}")
        max_tokens = int(settings.llm_max_tokens)
        if max_tokens <= 0:
            raise ValueError(f"llm_max_tokens must be > 0, got {max_tokens}")
        if llm is not None and not isinstance(llm, BaseChatModel):
            raise TypeError(f"llm must be a LangChain chat model (BaseChatModel), got {type(llm).__name__}")
        self.settings = settings
        self.base_url = str(settings.llm_base_url).strip()
        self.model_name = str(settings.llm_model).strip()
        self.timeout = timeout
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.prompt = prompt or load_prompt("answer")
        self.fallback = fallback or ExtractiveAnswerer(settings)
        self.llm = llm
        self._from_settings: BaseChatModel | None = None

    @property
    def configured(self) -> bool:
        """True when a chat model was given, or a base URL and a model name are set."""
        return self.llm is not None or bool(self.base_url and self.model_name)

    def chat_model(self) -> BaseChatModel:
        """The chat model: the one given, else ``ChatOpenAI`` from the settings (built once, no retries)."""
        if self.llm is not None:
            return self.llm
        if self._from_settings is None:
            from langchain_openai import ChatOpenAI  # imported lazily: extractive mode never pays for it

            self._from_settings = ChatOpenAI(base_url=self.base_url, model=self.model_name,
                                             api_key=self.settings.llm_api_key or "khong-can-khoa",
                                             timeout=self.timeout, temperature=self.temperature, max_retries=0,
                                             # As "max_tokens" in the body: ChatOpenAI's own max_tokens is sent as
                                             # max_completion_tokens, which llama.cpp's and other servers ignore.
                                             extra_body={"max_tokens": self.max_tokens})
        return self._from_settings

    def chain(self):
        """The runnable ``{"question", "retrieved"} -> {"question", "retrieved", "text"}``."""
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.runnables import RunnableLambda, RunnablePassthrough

        kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}

        def to_messages(inputs: dict) -> list:
            clauses = list(inputs["retrieved"])[:MAX_PROMPT_CLAUSES]
            rendered = self.prompt.render(question=inputs["question"], clauses=format_clauses(clauses))
            return [kinds[m.role](content=m.content) for m in rendered]

        return RunnablePassthrough.assign(text=RunnableLambda(to_messages) | self.chat_model() | StrOutputParser())

    def as_runnable(self, retrieve: Callable[[str], Sequence[ScoredClause]]):
        """A runnable ``question -> Answer`` that retrieves with ``retrieve`` first."""
        from langchain_core.runnables import RunnableLambda

        return RunnableLambda(lambda q: self.answer(q, retrieve(q)))

    def generate(self, question: str, retrieved: Sequence[ScoredClause]) -> str:
        """Run the chain and return the raw text.

        Raises:
            LLMUnavailable: On any endpoint failure or empty output.
        """
        if not self.configured:
            raise LLMUnavailable("chưa cấu hình máy chủ mô hình (BHYT_LLM_BASE_URL, BHYT_LLM_MODEL)")
        try:
            result: Any = self.chain().invoke({"question": question, "retrieved": list(retrieved)})
        except Exception as exc:  # the client raises many types; every one means "fall back"
            raise LLMUnavailable(_classify(exc)) from exc
        text = str(result.get("text") or "").strip()
        if not text:
            raise LLMUnavailable("mô hình trả về nội dung rỗng")
        if echoes_instructions(text, self.instructions()):
            raise LLMUnavailable("mô hình lặp lại hướng dẫn thay vì trả lời")
        return text

    def instructions(self) -> str:
        """The prompt's own wording (its system part), which an answer must not repeat."""
        rendered = self.prompt.render(question="", clauses="")
        return "\n".join(m.content for m in rendered if m.role == "system")

    def answer(self, question: str, retrieved: Sequence[ScoredClause], index: ClauseTree | None = None, *,
               locality: str | None = None, reading: QuestionReading | None = None) -> Answer:
        """Answer with the LLM; on failure return the extractive answer with a notice.

        Args:
            question: The (guarded) question.
            retrieved: Fused top clauses, best first.
            index: The clause tree (used by the extractive fallback).
            locality: Restrict to this locality's plan.
            reading: The question as read once by the caller (for the extractive fallback).
        """
        retrieved = list(retrieved)
        if locality:
            key = folded_form(locality)
            retrieved = [s for s in retrieved if folded_form(s.locality) == key] or retrieved
        extractive = self.fallback.answer(question, retrieved, index, locality=locality, reading=reading)
        given = retrieved[:MAX_PROMPT_CLAUSES]
        try:
            raw = self.generate(question, given)
        except LLMUnavailable as exc:
            return replace(extractive, notices=(*extractive.notices, fallback_notice(exc.reason)))
        text, used, invalid = check_citations(raw, len(given))
        notices: tuple[str, ...] = ()
        if invalid:
            notices += ("Một số trích dẫn do mô hình đưa ra không khớp với đoạn nào nên đã bị bỏ.",)
        abstained = not used and any(p in folded_form(text) for p in _ABSTAIN_PHRASES)
        if abstained:
            citations = tuple(Citation.from_scored(i, s) for i, s in enumerate(retrieved[:3], 1))
        else:
            citations = tuple(Citation.from_scored(i, given[n - 1]) for i, n in enumerate(used, 1))
        flagged = invalid or (not used and not abstained)
        if not used and not abstained:
            notices += ("Câu trả lời của mô hình không dẫn nguồn; hãy đối chiếu với các đoạn liên quan.",)
        return Answer(question=question, answer=text, abstained=abstained, mode="llm", citations=citations,
                      retrieved=tuple(retrieved[:10]), notices=notices, flagged=flagged,
                      support=extractive.support)

