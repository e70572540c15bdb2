"""The web chat's request handling, independent of Gradio: guard, ask, render, log.

:class:`ChatBackend` holds one answering service and one plan catalog for the
whole process (the index is loaded once); Gradio calls :meth:`ChatBackend.respond`
for the chat and :meth:`ChatBackend.ask_json` for the JSON API.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

from assistant.answer import Answer
from assistant.guard import EMPTY_MESSAGE, NO_WORDS_MESSAGE, check_question
from index.labels import section_label
from ingest.model import Clause, DocumentMeta
from ingest.targets import Target
from settings import Settings
from webchat import render
from webchat.overview import OverviewPage, OverviewQuery, TargetOverview, render_overview
from webchat.rate_limit import RATE_LIMIT_MESSAGE, RateLimiter

logger = logging.getLogger("webchat")

ERROR_MESSAGE = "Xin lỗi, trợ lý gặp lỗi khi trả lời câu hỏi này. Bạn hãy thử lại sau hoặc đặt câu hỏi theo cách khác."
MODES = ("extractive", "llm")
MODE_LABELS = {"extractive": "Trích xuất (ngoại tuyến)", "llm": "Mô hình ngôn ngữ"}
# The page sends one question at a time: a second one waits in the box until the first is answered.
BUSY_MESSAGE = "Trợ lý đang trả lời câu hỏi trước; bạn chờ một chút rồi gửi câu này."


OVERLOAD_MESSAGE = "Hệ thống đang quá tải, vui lòng thử lại sau {seconds} giây."
# Seconds one answer is assumed to take until some have been timed.
INITIAL_ANSWER_SECONDS = 1.0


class AnswerService(Protocol):
    """What the chat needs from the answerer (``assistant.service.Assistant`` fits)."""

    def ask(self, question: str, *, locality: str | None = None, top_k: int | None = None,
            mode: str | None = None) -> Answer:
        """Answer ``question`` with citations."""
        ...


class PlanCatalog(Protocol):
    """What the chat needs from the index (``index.store.ClauseIndex`` fits)."""

    def documents(self) -> Sequence[DocumentMeta]:
        """Metadata of every ingested plan."""
        ...

    def source_text(self, doc_id: str) -> str:
        """NFC text of a plan's source file, which citation offsets refer to."""
        ...

    def targets(self) -> Sequence[tuple[DocumentMeta, Target]]:
        """Every plan's quantified targets, read at ingest."""
        ...

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id (KeyError when absent)."""
        ...

    def first_section_start(self, doc_id: str) -> int | None:
        """Where a plan's first numbered section starts (for naming clauses before it)."""
        ...


class ChatBackend:
    """Answers chat messages for every user of the process.

    Args:
        service: The answering service, shared by all requests.
        catalog: The index, for the plans list and the source texts of citations.
        settings: Resolved settings (``max_question_chars``, ``llm_base_url``,
            ``answer_mode``, ``log_questions``).

    Raises:
        ValueError: When ``max_question_chars`` is not positive.
    """

    def __init__(self, service: AnswerService, catalog: PlanCatalog, settings: Settings) -> None:
        if settings.max_question_chars <= 0:
            raise ValueError(f"max_question_chars must be > 0, got {settings.max_question_chars}")
        self.service = service
        self.catalog = catalog
        self.settings = settings
        self.documents: tuple[DocumentMeta, ...] = tuple(catalog.documents())
        self._doc_ids = {d.doc_id for d in self.documents}
        self._sources: dict[str, str | None] = {}
        self._sources_lock = threading.Lock()
        self.overview = TargetOverview(self.documents, catalog.targets())
        self.rate_limiter = RateLimiter(settings.rate_limit_per_minute, burst=settings.rate_limit_burst)
        self._answer_seconds = INITIAL_ANSWER_SECONDS

    # --- admission: before a question joins the queue -------------------------
    def admission_message(self, client: str | None, waiting: int) -> str | None:
        """The Vietnamese reason a question cannot join the queue now, or None when it can.

        Args:
            client: Who asks (the client's IP address; None when unknown, never limited).
            waiting: Questions already waiting in the queue.

        Overload is checked first, so a question refused for it does not count
        against its sender's rate limit. Both messages say how many seconds to wait.
        """
        if waiting >= self.settings.queue_size:
            return OVERLOAD_MESSAGE.format(seconds=self.overload_wait_seconds(waiting))
        if client:
            wait = self.rate_limiter.wait_seconds(client)
            if wait:
                logger.info("rate limit: a client waits %d s", wait)
                return RATE_LIMIT_MESSAGE.format(seconds=wait)
        return None

    def overload_wait_seconds(self, waiting: int) -> int:
        """Seconds until ``waiting`` questions are answered, by the recent time per answer."""
        rounds = waiting / max(1, self.settings.concurrency_limit)
        return max(1, math.ceil(rounds * self._answer_seconds))

    # --- what the page shows -------------------------------------------------
    def localities(self) -> list[str]:
        """Localities of the ingested plans, sorted, for the filter."""
        return sorted({d.locality for d in self.documents if d.locality})

    def modes(self) -> list[tuple[str, str]]:
        """(label, value) of the answer modes on offer: LLM only when an endpoint is set."""
        values = ["extractive", "llm"] if self.settings.llm_base_url else ["extractive"]
        return [(MODE_LABELS[v], v) for v in values]

    def default_mode(self) -> str:
        """The mode selected when the page opens."""
        offered = [v for _, v in self.modes()]
        return self.settings.answer_mode if self.settings.answer_mode in offered else "extractive"

    def source_text(self, doc_id: str) -> str | None:
        """The source text of ``doc_id`` (cached; None when the index does not have it)."""
        if doc_id not in self._doc_ids:
            return None
        with self._sources_lock:
            if doc_id not in self._sources:
                try:
                    self._sources[doc_id] = self.catalog.source_text(doc_id)
                except Exception:  # a missing source only hides the context view
                    logger.warning("no source text for document %s", doc_id)
                    self._sources[doc_id] = None
            return self._sources[doc_id]

    # --- the targets overview ------------------------------------------------
    def _clause(self, clause_id: str) -> Clause | None:
        try:
            return self.catalog.clause(clause_id)
        except KeyError:
            return None

    def clause_label(self, clause: Clause) -> str:
        """Where ``clause`` sits in its plan, as citations name it ("Mục II › 2. Mục tiêu cụ thể › ý 1")."""
        return section_label(clause, self.catalog.first_section_start(clause.doc_id))

    def overview_html(self, page: OverviewPage) -> str:
        """A page of the targets overview (``self.overview.page(query)``) as safe HTML."""
        return render_overview(page, clause=self._clause, source=self.source_text, clause_label=self.clause_label)

    def overview_csv(self, query: OverviewQuery) -> str:
        """Every target passing ``query``'s filters (all pages) as CSV text."""

        def label(target: Target) -> str:
            clause = self._clause(target.clause_id)
            return self.clause_label(clause) if clause is not None else ""

        return self.overview.csv(query, label)

    # --- answering -----------------------------------------------------------
    def _resolve(self, locality: str | None, mode: str | None) -> tuple[str | None, str | None]:
        """Map the page's filter values to service arguments ("" means all plans, or the default mode).

        A locality is passed on as written: the service matches it to a plan
        ("ninh binh", "tỉnh Ninh Bình") or says, in Vietnamese, that no plan of it
        is loaded; it never silently answers from all plans.
        """
        chosen_locality = (locality or "").strip() or None
        offered = {v for _, v in self.modes()}
        chosen_mode = mode if mode in offered else None
        return chosen_locality, chosen_mode

    def _log(self, question: str, outcome: str, started: float) -> None:
        elapsed = time.perf_counter() - started
        self._answer_seconds = 0.8 * self._answer_seconds + 0.2 * elapsed  # moving average, for the wait shown
        elapsed_ms = elapsed * 1000
        if self.settings.log_questions:
            logger.info("question %r -> %s in %.0f ms", question, outcome, elapsed_ms)
        else:
            logger.info("question of %d chars -> %s in %.0f ms", len(question), outcome, elapsed_ms)

    def answer(self, question: str | None, locality: str | None = None,
               mode: str | None = None) -> Answer | str:
        """Answer a question, or return the Vietnamese reply that refuses it.

        Returns:
            The service's :class:`Answer`, or a message string when the question is
            empty, too long or only markup, or when the service failed.
        """
        return self._answer(question, locality, mode)[1]

    def _answer(self, question: str | None, locality: str | None,
                mode: str | None) -> tuple[str, Answer | str]:
        """(the cleaned question to echo, :meth:`answer`'s result); the raw text is never echoed."""
        started = time.perf_counter()
        question = question or ""
        chosen_locality, chosen_mode = self._resolve(locality, mode)
        try:
            # The service checks the question (once) and says when it refuses it.
            result = self.service.ask(question, locality=chosen_locality, mode=chosen_mode)
        except Exception:
            # The traceback is logged; the question text only when the setting allows.
            logger.exception("answering failed")
            self._log(question, "error", started)
            return check_question(question, self.settings.max_question_chars).question, ERROR_MESSAGE
        if result.refused:
            self._log(question, "refused", started)
            return result.question, result.answer
        self._log(question, "abstained" if result.abstained else f"{len(result.citations)} citations", started)
        return result.question, result

    def reply_html(self, question: str | None, locality: str | None = None, mode: str | None = None) -> str:
        """The assistant's chat message for ``question`` as safe HTML/markdown."""
        result = self.answer(question, locality, mode)
        if isinstance(result, str):
            kind = "error" if result == ERROR_MESSAGE else "notice"
            return render.render_notice(result, kind=kind)
        return render.render_answer(result, self.source_text)

    def respond(self, message: str | None, history: list[dict[str, Any]] | None,
                locality: str | None = None, mode: str | None = None) -> tuple[list[dict[str, Any]], str]:
        """Chat handler: append the (escaped) question and the answer to ``history``.

        The user's own message is shown as typed, HTML-escaped and inert (the page and
        tests/browser rely on it); the answer never contains the raw text.

        Returns:
            The new history and "" (to clear the input box).
        """
        history = list(history or [])
        history.append({"role": "user", "content": render.render_user_message(message or "")})
        history.append({"role": "assistant", "content": self.reply_html(message, locality, mode)})
        return history, ""

    # --- the page's two steps: show the question at once, then answer it -----------
    # ``respond`` stays the one-step API endpoint; the page splits it so the question and a
    # waiting reply show while the answer is queued or searched, in exactly respond's format.
    def page_refusal(self, message: str | None, history: list[dict[str, Any]] | None) -> str | None:
        """Why the page keeps ``message`` in the box instead of sending it, or None to send it.

        A message with nothing to show (empty, spaces, control characters) adds no bubble,
        and a second question waits until the answer to the first has arrived.
        """
        checked = check_question(message, self.settings.max_question_chars)
        if checked.message in (EMPTY_MESSAGE, NO_WORDS_MESSAGE) and not checked.question:
            return EMPTY_MESSAGE
        if history and _is_waiting(history[-1]):
            return BUSY_MESSAGE
        return None

    def echo(self, message: str | None, history: list[dict[str, Any]] | None
             ) -> tuple[list[dict[str, Any]], str, str]:
        """The page's first step: ``history`` with the question's bubble and a waiting reply.

        Returns:
            The new history, "" (to clear the input box) and ``message`` (kept for :meth:`answer_waiting`).
        """
        history = list(history or [])
        history.append({"role": "user", "content": render.render_user_message(message or "")})
        history.append({"role": "assistant", "content": render.render_waiting(len(self.documents))})
        return history, "", message or ""

    def answer_waiting(self, message: str | None, history: list[dict[str, Any]] | None,
                       locality: str | None = None, mode: str | None = None) -> list[dict[str, Any]]:
        """The page's second step: the waiting reply at the end of ``history`` replaced by the answer."""
        history = list(history or [])
        if history and _is_waiting(history[-1]):
            history.pop()
        history.append({"role": "assistant", "content": self.reply_html(message, locality, mode)})
        return history

    def ask_json(self, question: str, locality: str = "", mode: str = "") -> dict[str, Any]:
        """JSON API: the answer in the ``ask --json`` shape, or a refusal.

        A refused question (empty, too long, markup only) or a failure gives
        ``{"question", "answer": <Vietnamese message>, "refused": true, "citations": []}``.
        ``question`` is always the guard's cleaned text, never the raw input.
        """
        cleaned, result = self._answer(question, locality or None, mode or None)
        if isinstance(result, str):
            offered = {v for _, v in self.modes()}
            return {"question": cleaned, "answer": result, "abstained": False, "refused": True,
                    "mode": mode if mode in offered else self.default_mode(), "citations": [], "retrieved": [],
                    "timings_ms": {}}
        data = result.to_json()
        data["refused"] = False
        return data


def _is_waiting(message: dict[str, Any]) -> bool:
    """Whether a chat message is the waiting reply of :meth:`ChatBackend.echo`."""
    content = message.get("content")
    text = content if isinstance(content, str) else " ".join(
        part.get("text", "") for part in content or [] if isinstance(part, dict))
    return message.get("role") == "assistant" and render.WAITING_MARK in (text or "")
