"""The Gradio page: title, plans panel, filters, chat, example questions, API endpoints.

:func:`build_demo` wires a :class:`webchat.backend.ChatBackend` into a
``gr.Blocks``; :func:`launch_options` gives the matching ``launch`` arguments
(theme, CSS, bind address, no server-side rendering). Importing this module
imports the ``webchat`` package first, which turns Gradio analytics off.

Endpoints (for ``gradio_client``):

- ``/respond``: the chat event: (message, history, locality, mode) -> (history, "").
- ``/ask``: (question, locality, mode) -> the answer as JSON (``ask --json`` shape).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import gradio as gr

from settings import Settings
from webchat.backend import ChatBackend
from webchat.overview_tab import build_overview_tab
from webchat.render import render_plans_table

TITLE = "Trợ lý hỏi đáp bảo hiểm y tế toàn dân"
SUBTITLE = (
    "Trả lời câu hỏi về các kế hoạch của địa phương thực hiện Chỉ thị số 52-CT/TW "
    "ngày 03/10/2025 của Ban Bí thư về bảo hiểm y tế toàn dân, kèm trích dẫn nguyên văn."
)
ALL_LOCALITIES = "Tất cả địa phương"

# One of each kind people ask: a target, who is responsible, near-poor households,
# a deadline, a comparison, and one typed without accents. Written for the page: no run
# of four words is shared with a question file, and no plan's locality is named (the
# "Địa phương" filter picks one).
EXAMPLE_QUESTIONS = (
    "Đến hết năm 2026, phần dân số nắm thẻ BHYT phải chiếm bao nhiêu?",
    "Ai vận động bà con mua thẻ BHYT, cơ quan nào phụ trách chính?",
    "Người cận nghèo mua thẻ BHYT được nhà nước giúp đỡ ra sao?",
    "Các sở, ngành nộp bản tổng hợp cả năm trước ngày mấy?",
    "So sánh độ phủ BHYT mà mỗi địa phương nhắm tới năm 2030",
    "tien mua bhyt cho nha ngheo do ai chi tra",
)

CSS = """
.bhyt-header h1 { font-size: 1.45rem; margin: 0 0 .25rem 0; }
.bhyt-header p { margin: 0; color: var(--body-text-color-subdued); }
.bhyt-user { overflow-wrap: anywhere; }
.bhyt-ref { font-weight: 600; color: var(--color-accent); white-space: nowrap; }
.bhyt-notice { border-left: 4px solid #d97706; background: #fffbeb; color: #78350f;
  padding: .5rem .75rem; border-radius: 4px; margin: .25rem 0; }
.bhyt-notice.bhyt-error { border-left-color: #dc2626; background: #fef2f2; color: #7f1d1d; }
.bhyt-abstain { border-left: 4px solid #6b7280; background: #f3f4f6; color: #1f2937;
  padding: .5rem .75rem; border-radius: 4px; margin: .25rem 0; }
.bhyt-sources { margin-top: .5rem; border-top: 1px solid var(--border-color-primary); padding-top: .5rem; }
.bhyt-sources-title { font-weight: 600; margin-bottom: .25rem; }
.bhyt-related .bhyt-sources-title { color: #4b5563; font-style: italic; }
.bhyt-related details.bhyt-source { border-style: dashed; }
details.bhyt-source { border: 1px solid var(--border-color-primary); border-radius: 6px;
  padding: .3rem .6rem; margin: .3rem 0; overflow-wrap: anywhere; }
details.bhyt-source > summary { cursor: pointer; }
details.bhyt-context > summary { cursor: pointer; color: var(--color-accent); margin-top: .25rem; }
#bhyt-chat .bhyt-quote { margin: .35rem 0; padding: .1rem 0 .1rem .6rem; border-left: 3px solid var(--color-accent); }
.bhyt-context-text { font-size: .92em; line-height: 1.55; margin-top: .25rem; }
.bhyt-context-text mark { background: #fde68a; color: inherit; padding: 0 .1em; }
.bhyt-muted { color: var(--body-text-color-subdued); font-size: .92em; }
.bhyt-plans { overflow-x: auto; }
.bhyt-plans table { width: 100%; font-size: .92em; border-collapse: collapse; }
.bhyt-plans th, .bhyt-plans td { text-align: left; padding: .3rem .4rem;
  border-bottom: 1px solid var(--border-color-primary); vertical-align: top; }
/* The chat's own trash button floats over the messages (on a phone, over the
   question's last words); "Xóa hội thoại" below the chat does the same. */
#bhyt-chat .icon-button-wrapper.top-panel { display: none; }
#bhyt-examples { flex-wrap: wrap; gap: .4rem; }
#bhyt-examples button { flex: 0 1 auto; width: auto; min-width: 0; white-space: normal;
  text-align: left; justify-content: flex-start; font-weight: normal; }
/* The targets overview: tables keep words whole (a cell wraps between words, never inside one). */
.bhyt-table-wrap { overflow-x: auto; }
table.bhyt-targets { border-collapse: collapse; width: 100%; font-size: .95em; }
table.bhyt-targets th, table.bhyt-targets td { text-align: left; vertical-align: top; padding: .35rem .45rem;
  border-bottom: 1px solid var(--border-color-primary); word-break: normal; overflow-wrap: normal; hyphens: none; }
table.bhyt-targets td a.bhyt-cell-link { white-space: nowrap; text-decoration: none; color: inherit; font-weight: 600; }
table.bhyt-targets th[scope=row] { min-width: 7.5rem; font-weight: 600; }
table.bhyt-others td:nth-child(2) { min-width: 10rem; }
.bhyt-overview h3 { font-size: 1.05rem; margin: 1rem 0 .35rem 0; }
.bhyt-target-source { display: none; border: 1px solid var(--border-color-primary); border-left: 4px solid #d97706;
  border-radius: 6px; padding: .5rem .7rem; margin: .6rem 0; overflow-wrap: anywhere; }
.bhyt-target-source:target { display: block; }
.bhyt-target-source mark { background: #fde68a; color: inherit; }
.bhyt-back { display: inline-block; margin-top: .35rem; }
figure.bhyt-chart { margin: .5rem 0 1rem 0; }
figure.bhyt-chart figcaption { font-weight: 600; margin-bottom: .4rem; }
.bhyt-chart-row { display: flex; gap: .5rem; align-items: flex-start; margin: .3rem 0; }
.bhyt-chart-label { flex: 0 0 6.5rem; font-size: .9em; overflow-wrap: normal; }
.bhyt-chart-bars { flex: 1 1 auto; min-width: 0; }
.bhyt-bar { height: 1.35rem; margin: 1px 0; border-radius: 3px; min-width: 4.5rem; display: flex; align-items: center; }
.bhyt-bar span { font-size: .8em; padding: 0 .35rem; white-space: nowrap; color: #111827; }
.bhyt-bar-0, .bhyt-legend i.bhyt-bar-0 { background: #93c5fd; }
.bhyt-bar-1, .bhyt-legend i.bhyt-bar-1 { background: #86efac; }
.bhyt-bar-2, .bhyt-legend i.bhyt-bar-2 { background: #fcd34d; }
.bhyt-bar-3, .bhyt-legend i.bhyt-bar-3 { background: #f9a8d4; }
.bhyt-legend { font-weight: normal; font-size: .85em; margin-left: .6rem; white-space: nowrap; }
.bhyt-legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .25rem; vertical-align: middle; }
@media (max-width: 480px) {
  .bhyt-header h1 { font-size: 1.2rem; }
  .bhyt-plans table { font-size: .85em; }
  /* A phone has no width to spare: Gradio's bubble margins (20 px a side) and page
     padding (32 px a side, see PAGE_CSS) would leave the clause text a 220 px column. */
  #bhyt-chat .message-row.bubble { margin-left: .25rem; margin-right: .25rem; }
  #bhyt-chat .message-row.bubble.bot-row { max-width: calc(100% - .5rem); }
  #bhyt-chat .message-row.bubble.user-row { max-width: 90%; }
  details.bhyt-source { padding: .3rem .45rem; }
}
"""

# Gradio's own strings (tooltips, footer, queue status) have no Vietnamese
# translation. Browsers whose language Gradio does not know (vi among them) get
# its English dictionary, so Vietnamese is given under "en" as well as "vi".
# Keys are flat ("chatbot.clear"): the i18n library looks a flat key up before
# the nested built-in dictionary that is merged in after these.
GRADIO_STRINGS_VI = {
    "chatbot.clear": "Xóa hội thoại",
    "chatbot.copy_message": "Sao chép câu trả lời",
    "chatbot.copied_message": "Đã sao chép",
    "chatbot.retry": "Hỏi lại",
    "chatbot.undo": "Hoàn tác",
    "common.clear": "Xóa",
    "common.error": "Lỗi",
    "common.loading": "Đang tải",
    "common.progress": "Tiến độ",
    "common.submit": "Gửi",
    "errors.use_via_api": "Dùng qua API",
    "errors.use_via_api_or_mcp": "Dùng qua API hoặc MCP",
    "status.queue_position": "Đang chờ: thứ {position} trên {size}",
    "blocks.connection_can_break": "Trên điện thoại, kết nối có thể bị ngắt nếu bạn chuyển thẻ hoặc màn hình tắt.",
    "blocks.lost_connection": "Mất kết nối vì đã rời trang. Đang kết nối lại…",
}

# Rules outside the app's content box, to which Gradio scopes ``css``: the
# footer's "·" divider (there is one link, which Gradio hides below 640 px) and
# the page padding on a phone.
PAGE_CSS = (".gradio-container footer .divider { display: none; } "
            "@media (max-width: 480px) { .gradio-container .main.app { padding-left: .5rem; padding-right: .5rem; } }")

# Gradio's page says lang="en"; screen readers and hyphenation need "vi".
HEAD = f'<style>{PAGE_CSS}</style><script>document.documentElement.setAttribute("lang", "vi");</script>'


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
                chatbot = gr.Chatbot(
                    label="Hội thoại", show_label=False, elem_id="bhyt-chat", height="60vh", min_height=320,
                    sanitize_html=True, allow_tags=False, render_markdown=True, feedback_options=None,
                    buttons=["copy"], layout="bubble", autoscroll=True,
                    placeholder="Hãy đặt câu hỏi về nội dung kế hoạch BHYT mà địa phương bạn ban hành. Câu trả lời có trích dẫn [1], [2]… "
                                "ở cuối; bấm vào từng nguồn để xem nguyên văn.",
                )
                with gr.Row(equal_height=True):
                    # The label shows only with a refusal message (rate limit, overload) above the box.
                    question = gr.Textbox(label="Câu hỏi", show_label=False, placeholder="Nhập câu hỏi (có dấu hoặc không dấu)…",
                                          lines=1, max_lines=4, scale=5, min_width=200, elem_id="bhyt-question")
                    send = gr.Button("Gửi", variant="primary", scale=1, min_width=72, elem_id="bhyt-send")
                _example_buttons(question)
                gr.ClearButton([chatbot, question], value="Xóa hội thoại", size="sm")

            with gr.Tab("Chỉ tiêu các địa phương", id="overview", elem_id="bhyt-tab-overview"):
                build_overview_tab(backend)

        admit_chat, admit_ask = _admission(backend, lambda: len(demo._queue))
        gr.on([question.submit, send.click], backend.respond, inputs=[question, chatbot, locality, mode],
              outputs=[chatbot, question], api_name="respond", concurrency_limit=limit,
              concurrency_id="answer", show_progress="minimal", validator=admit_chat)
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
        message = backend.admission_message(client, waiting())
        # The message goes to the question (the first input); Gradio wants one verdict per input.
        return [gr.validate(message is None, message or "")] + [gr.validate(True, "")] * (inputs - 1)

    # Gradio passes the request to a parameter annotated gr.Request, by position
    # after the inputs: the signatures mirror the endpoints'.
    def admit_chat(message: str, history: list, locality: str, mode: str, request: gr.Request) -> list[dict]:
        return verdicts(request, 4)

    def admit_ask(question: str, locality: str, mode: str, request: gr.Request) -> list[dict]:
        return verdicts(request, 3)

    return admit_chat, admit_ask


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


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``demo.launch``: bind address, theme, CSS, Vietnamese strings, privacy."""
    return {
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
