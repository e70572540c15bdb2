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

from typing import Any

import gradio as gr

from assistant.settings import Settings
from webchat.backend import ChatBackend
from webchat.render import render_plans_table

TITLE = "Trợ lý hỏi đáp bảo hiểm y tế toàn dân"
SUBTITLE = (
    "Trả lời câu hỏi về các kế hoạch của địa phương thực hiện Chỉ thị số 52-CT/TW "
    "ngày 03/10/2025 của Ban Bí thư về bảo hiểm y tế toàn dân, kèm trích dẫn nguyên văn."
)
ALL_LOCALITIES = "Tất cả địa phương"

# One of each kind people ask: a target, who is responsible, near-poor households,
# a deadline, a comparison, and one typed without accents.
EXAMPLE_QUESTIONS = (
    "Mục tiêu tỷ lệ bao phủ BHYT của thành phố Huế năm 2026 là bao nhiêu?",
    "Cơ quan nào chịu trách nhiệm hướng dẫn tuyên truyền về BHYT ở An Giang?",
    "Người thuộc hộ cận nghèo được hỗ trợ đóng bảo hiểm y tế như thế nào?",
    "Ninh Bình yêu cầu gửi báo cáo tổng kết năm trước ngày nào?",
    "So sánh tỷ lệ bao phủ bảo hiểm y tế năm 2026 giữa các địa phương",
    "muc tieu bao phu bhyt nam 2026 cua ninh binh",
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
@media (max-width: 480px) {
  .bhyt-header h1 { font-size: 1.2rem; }
  .bhyt-plans table { font-size: .85em; }
}
"""


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
        with gr.Accordion(f"Các kế hoạch đã nạp ({len(backend.documents)})", open=False):
            gr.HTML(render_plans_table(backend.documents))
        with gr.Row(equal_height=True):
            locality = gr.Dropdown(choices=localities, value="", label="Địa phương", min_width=180,
                                   elem_id="bhyt-locality")
            mode = gr.Radio(choices=modes, value=backend.default_mode(), label="Cách trả lời",
                            interactive=len(modes) > 1, min_width=180, elem_id="bhyt-mode")
        chatbot = gr.Chatbot(
            label="Hội thoại", show_label=False, elem_id="bhyt-chat", height="60vh", min_height=320,
            sanitize_html=True, allow_tags=False, render_markdown=True, feedback_options=None,
            buttons=["copy"], layout="bubble", autoscroll=True,
            placeholder="Hãy đặt câu hỏi về kế hoạch BHYT của địa phương bạn. Câu trả lời có trích dẫn [1], [2]… "
                        "ở cuối; bấm vào từng nguồn để xem nguyên văn.",
        )
        with gr.Row(equal_height=True):
            question = gr.Textbox(show_label=False, placeholder="Nhập câu hỏi (có dấu hoặc không dấu)…",
                                  lines=1, max_lines=4, scale=5, min_width=200, elem_id="bhyt-question")
            send = gr.Button("Gửi", variant="primary", scale=1, min_width=72, elem_id="bhyt-send")
        gr.Examples(examples=[[q] for q in EXAMPLE_QUESTIONS], inputs=[question], label="Câu hỏi mẫu",
                    examples_per_page=len(EXAMPLE_QUESTIONS))
        gr.ClearButton([chatbot, question], value="Xóa hội thoại", size="sm")

        gr.on([question.submit, send.click], backend.respond, inputs=[question, chatbot, locality, mode],
              outputs=[chatbot, question], api_name="respond", concurrency_limit=limit,
              concurrency_id="answer", show_progress="minimal")
        gr.api(_ask_endpoint(backend), api_name="ask", concurrency_limit=limit, concurrency_id="answer")

    demo.queue(max_size=settings.queue_size, default_concurrency_limit=limit)
    return demo


def _ask_endpoint(backend: ChatBackend):
    """The JSON API function, with plain type hints so Gradio can describe it."""

    def ask(question: str, locality: str = "", mode: str = "") -> dict:
        """Answer ``question`` (optionally for one ``locality`` and ``mode``) as JSON."""
        return backend.ask_json(question, locality, mode)

    return ask


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``demo.launch``: bind address, theme, CSS, privacy."""
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "theme": _theme(),
        "css": CSS,
        "ssr_mode": False,
        "show_error": False,
        "share": False,
        "footer_links": ["api"],
        "max_threads": max(40, settings.concurrency_limit * 2),
    }
