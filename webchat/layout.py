"""The Gradio page: title, plans panel, filters, chat, example questions, API endpoints.

:func:`build_demo` wires a :class:`webchat.backend.ChatBackend` into a
``gr.Blocks``; :func:`launch_options` gives the matching ``launch`` arguments
(theme, CSS, bind address, no server-side rendering). Importing this module
imports the ``webchat`` package first, which turns Gradio analytics off.

Endpoints (for ``gradio_client``):

- ``/respond``: the chat in one step: (message, history, locality, mode) -> (history, "").
  The page itself runs it in two private steps (the question at once, then the answer).
- ``/ask``: (question, locality, mode) -> the answer as JSON (``ask --json`` shape).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant.topic import EXAMPLE_QUESTIONS
from settings import Settings
from webchat.backend import ChatBackend
from webchat.overview_tab import build_overview_tab
from webchat.page_assets import CSS, GRADIO_STRINGS_VI, HEAD, NEW_ANSWER_CHIP
from webchat.rate_limit import RefusedClientHold
from webchat.render import render_plans_table

TITLE = "Trợ lý hỏi đáp bảo hiểm y tế toàn dân"
SUBTITLE = (
    "Trả lời câu hỏi về các kế hoạch của địa phương thực hiện Chỉ thị số 52-CT/TW "
    "ngày 03/10/2025 của Ban Bí thư về bảo hiểm y tế toàn dân, kèm trích dẫn nguyên văn."
)
ALL_LOCALITIES = "Tất cả địa phương"

def _theme() -> gr.themes.Base:
    """The page theme, with system fonts so no font is fetched from anywhere."""
    return gr.themes.Soft(font=("ui-sans-serif", "system-ui", "sans-serif"),
                          font_mono=("ui-monospace", "monospace"))


def build_demo(backend: ChatBackend, settings: Settings) -> gr.Blocks:
    """Build the chat page for ``backend``.

    Args:
        backend: The process-wide chat backend (index loaded once).
        settings: Resolved settings (``concurrency_limit``, ``queue_size``).

    Raises:
        ValueError: When ``concurrency_limit`` or ``queue_size`` is not positive.
    """
    if settings.concurrency_limit <= 0:
        raise ValueError(f"concurrency_limit must be > 0, got {settings.concurrency_limit}")
    if settings.queue_size <= 0:
        raise ValueError(f"queue_size must be > 0, got {settings.queue_size}")
    limit = settings.concurrency_limit
    localities = [(ALL_LOCALITIES, "")] + [(name, name) for name in backend.localities()]
    modes = backend.modes()

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.HTML(f'<div class="bhyt-header"><h1>{TITLE}</h1><p>{SUBTITLE}</p></div>')
        with gr.Tabs(elem_id="bhyt-tabs"):
            with gr.Tab("Hỏi đáp", id="chat", elem_id="bhyt-tab-chat"):
                with gr.Accordion(f"Các kế hoạch đã nạp ({len(backend.documents)})", open=False):
                    gr.HTML(render_plans_table(backend.documents))
                with gr.Row(equal_height=True):
                    locality = gr.Dropdown(choices=localities, value="", label="Địa phương", min_width=220,
                                           elem_id="bhyt-locality")
                    mode = gr.Radio(choices=modes, value=backend.default_mode(), label="Cách trả lời",
                                    interactive=len(modes) > 1, min_width=220, elem_id="bhyt-mode")
                # Its height comes from CSS (it fills the screen above the composer); scrolling to a
                # new answer is the page script's (CHAT_SCRIPT), which leaves a reader of a source alone.
                chatbot = gr.Chatbot(
                    label="Hội thoại", show_label=False, elem_id="bhyt-chat", height="60vh", min_height=320,
                    sanitize_html=True, allow_tags=False, render_markdown=True, feedback_options=None,
                    buttons=["copy"], layout="bubble", autoscroll=False,
                    placeholder="Hãy đặt câu hỏi về nội dung kế hoạch BHYT mà địa phương bạn ban hành, gõ có dấu hoặc "
                                "không dấu. Câu trả lời có trích dẫn [1], [2]… ở cuối; bấm vào từng nguồn để xem nguyên văn.",
                )
                # The composer sticks to the bottom of the screen, as in a messaging app.
                with gr.Column(elem_id="bhyt-composer"):
                    gr.HTML(NEW_ANSWER_CHIP, elem_id="bhyt-new-answer-slot", js_on_load=None)
                    with gr.Row(equal_height=True, elem_id="bhyt-input-row"):
                        # The label shows only with a refusal message (rate limit, overload) above the box.
                        question = gr.Textbox(label="Câu hỏi", show_label=False, placeholder="Nhập câu hỏi…",
                                              lines=1, max_lines=4, scale=5, min_width=160, elem_id="bhyt-question")
                        send = gr.Button("Gửi", variant="primary", scale=0, min_width=72, elem_id="bhyt-send")
                _example_buttons(question)
                gr.ClearButton([chatbot, question], value="Xóa hội thoại", size="sm")
                asked = gr.State("")
                # Gradio's progress of an answer (English: "processing", "queue: 2/3") goes to this
                # hidden element, where the page script reads the queue position, never to the chat.
                progress = gr.HTML("", visible="hidden", elem_id="bhyt-answer-progress", js_on_load=None)

            with gr.Tab("Chỉ tiêu các địa phương", id="overview", elem_id="bhyt-tab-overview"):
                build_overview_tab(backend)

        admit_chat, admit_ask = _admission(backend, lambda: len(demo._queue))
        _chat_events(backend, admit_chat, limit, question, send, chatbot, locality, mode, asked, progress)
        # /respond for gradio_client: one step, (message, history, locality, mode) -> (history, "").
        gr.on([], backend.respond, inputs=[question, chatbot, locality, mode], outputs=[chatbot, question],
              api_name="respond", concurrency_limit=limit, concurrency_id="answer", show_progress="hidden",
              validator=admit_chat)
        gr.api(_ask_endpoint(backend), api_name="ask", concurrency_limit=limit, concurrency_id="answer")
        # gr.api takes no validator; its BlockFunction gets the same one (checked in tests/webchat).
        _function(demo, "ask").validator = admit_ask

    # Our admission check refuses at queue_size, in Vietnamese, before Gradio's own
    # max_size (whose refusal is English and cannot be translated) is reached;
    # the headroom absorbs questions admitted at the same instant.
    demo.queue(max_size=2 * settings.queue_size, default_concurrency_limit=limit)
    return demo


def _admission(backend: ChatBackend, waiting: Callable[[], int]):
    """The validators of ``/respond`` and ``/ask``, run before a question joins the queue.

    Gradio runs an event's validator when the request arrives (not when its turn
    comes). A failed check is shown under the question box in the browser, the
    question kept, and reaches ``gradio_client`` as a ``ValidationError`` with the
    Vietnamese message (rate limit or overload, with the seconds to wait).
    """

    def verdicts(request: gr.Request | None, inputs: int) -> list[dict]:
        client = request.client.host if request is not None and request.client is not None else None
        return _verdicts(backend.admission_message(client, waiting()), inputs)

    # Gradio passes the request to a parameter annotated gr.Request, by position
    # after the inputs: the signatures mirror the endpoints'.
    def admit_chat(message: str, history: list, locality: str, mode: str, request: gr.Request) -> list[dict]:
        return verdicts(request, 4)

    def admit_ask(question: str, locality: str, mode: str, request: gr.Request) -> list[dict]:
        return verdicts(request, 3)

    return admit_chat, admit_ask


def _verdicts(refusal: str | None, inputs: int) -> list[dict]:
    """Gradio's verdicts for an event with ``inputs`` inputs: ``refusal`` (None: accepted) goes to the
    question, the first input; Gradio wants one verdict per input."""
    return [gr.validate(refusal is None, refusal or "")] + [gr.validate(True, "")] * (inputs - 1)


def _chat_events(backend: ChatBackend, admit_chat: Callable, limit: int, question: gr.Textbox, send: gr.Button,
                 chatbot: gr.Chatbot, locality: gr.Dropdown, mode: gr.Radio, asked: gr.State,
                 progress: gr.HTML) -> None:
    """The page's question in two steps: its bubble and a waiting reply at once, then the answer.

    The first step runs the admission check, so a refused question stays in the box with
    the reason under it and nothing is added; it is queued without a limit, so it never
    waits behind answers. The second step waits its turn with the answers of ``/respond``
    and ``/ask``; its progress is hidden (Gradio's is English) and the page script shows
    the queue position in the waiting reply instead.
    """

    def admit_question(message: str, history: list, locality: str, mode: str, request: gr.Request) -> list[dict]:
        reason = backend.page_refusal(message, history)
        if reason is not None:  # nothing to send, or the previous answer is still coming
            return _verdicts(reason, 4)
        return admit_chat(message, history, locality, mode, request)

    def show_question(message: str, history: list, locality: str, mode: str) -> tuple[list, str, str]:
        return backend.echo(message, history)

    shown = gr.on([question.submit, send.click], show_question, inputs=[question, chatbot, locality, mode],
                  outputs=[chatbot, question, asked], api_visibility="private", concurrency_limit=None,
                  concurrency_id="echo", show_progress="hidden", validator=admit_question)
    shown.success(backend.answer_waiting, inputs=[asked, chatbot, locality, mode], outputs=[chatbot],
                  api_visibility="private", concurrency_limit=limit, concurrency_id="answer",
                  show_progress="minimal", show_progress_on=[progress])


def _function(demo: gr.Blocks, api_name: str):
    """The BlockFunction of the endpoint ``api_name``."""
    return next(fn for fn in demo.fns.values() if fn.api_name == api_name)


def _example_buttons(question: gr.Textbox) -> None:
    """The example questions as buttons that put their question in the input box.

    Buttons rather than ``gr.Examples``, whose textbox samples are cut at 60
    characters (a question cut off mid-word). Filling the box runs in the browser only.
    """
    gr.Markdown("**Câu hỏi mẫu** (bấm để điền vào ô câu hỏi)", elem_id="bhyt-examples-title")
    with gr.Row(elem_id="bhyt-examples"):
        for example in EXAMPLE_QUESTIONS:
            button = gr.Button(example, size="sm", variant="secondary", scale=0, min_width=0)
            button.click(None, None, [question], js=f"() => {json.dumps(example, ensure_ascii=False)}",
                         api_visibility="private", queue=False)


def _ask_endpoint(backend: ChatBackend):
    """The JSON API function, with plain type hints so Gradio can describe it."""

    def ask(question: str, locality: str = "", mode: str = "") -> dict:
        """Answer ``question`` (optionally for one ``locality`` and ``mode``) as JSON."""
        return backend.ask_json(question, locality, mode)

    return ask


def launch_options(settings: Settings, backend: ChatBackend | None = None) -> dict[str, Any]:
    """Keyword arguments for ``demo.launch``: bind address, theme, CSS, Vietnamese strings, privacy;
    with ``backend``, its rate limiter's hold in front of the app (``RefusedClientHold``)."""
    options = {
        "server_name": settings.host,
        "server_port": settings.port,
        "theme": _theme(),
        "css": CSS,
        "head": HEAD,
        "i18n": gr.I18n(en=GRADIO_STRINGS_VI, vi=GRADIO_STRINGS_VI),
        "ssr_mode": False,
        "show_error": False,
        "share": False,
        "footer_links": ["api"],
        "max_threads": max(40, settings.concurrency_limit * 2),
    }
    if backend is not None and backend.rate_limiter.per_minute:
        options["app_kwargs"] = {"middleware": [Middleware(
            RefusedClientHold, limiter=backend.rate_limiter, hold_seconds=settings.rate_limit_hold_seconds)]}
    return options
