"""Safe HTML for the web chat: answers with numbered sources, notices, the plans table.

Every piece of user or document text goes through :func:`escape` (or
:func:`escape_markdown` for answer text that may carry markdown lists and tables)
before it is placed in HTML built here. The chat component sanitizes again, but
nothing here relies on that.

HTML is produced on one line per block: the chat renders markdown, and a blank
or even a raw newline inside an HTML block would end the block and let markdown
rewrite the rest.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Protocol

from assistant.answer import Answer, Citation

# Characters of surrounding text shown on each side of a cited clause.
CONTEXT_WINDOW = 400
# A user message longer than this is shortened in the chat bubble (the full text
# still goes to the assistant, whose guard decides what to do with it).
USER_ECHO_CHARS = 600
# Marks the waiting reply (render_waiting), which the page's second step replaces by the answer.
WAITING_MARK = 'class="bhyt-waiting"'

# A line that starts a list item or a numbered heading keeps its own line when
# hard-wrapped source text is reflowed for display.
_LINE_START_RE = re.compile(r"^\s*(?:[-+*•–]|\d+(?:\.\d+)*[.)/-]|[IVXLC]+[.\-–]|[a-zđ][.)])\s")
# A line this short is a heading or a paragraph's last line, not a hard wrap.
_SHORT_LINE = 45
_SPACES_RE = re.compile(r"[ \t\u00a0]+")
_MARKER_RE = re.compile(r"\[(\d{1,2})\]")
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_SENTINELS = _MARK_OPEN + _MARK_CLOSE
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")

SourceLookup = Callable[[str], "str | None"]


class PlanInfo(Protocol):
    """What the plans table needs from a document (``ingest.model.DocumentMeta`` fits)."""

    locality: str
    issuer: str
    number: str
    date: str
    title: str


def escape(text: str) -> str:
    """Escape ``text`` for HTML element content and attribute values."""
    return html.escape(text, quote=True)


def escape_markdown(text: str) -> str:
    """Escape HTML in answer text while keeping its markdown (lists, tables, bold).

    Markdown images are defused so an answer never makes the browser fetch a URL.
    """
    return html.escape(text, quote=False).replace("![", "!\\[")


def reflow(text: str) -> str:
    """Return escaped HTML of hard-wrapped source text, reflowed for a narrow screen.

    Line breaks inside a sentence become spaces; a new line (``<br>``) starts at a
    list item or numbered heading, after a sentence end and after a short line
    (a heading). Blank lines and runs of spaces collapse; other characters are kept.
    """
    parts: list[str] = []
    previous = ""
    for line in text.splitlines():
        clean = _SPACES_RE.sub(" ", line).strip()
        if not clean:
            continue
        if parts:
            bare_line = clean.lstrip(_SENTINELS)
            bare_previous = previous.rstrip(_SENTINELS)
            starts_new = (_LINE_START_RE.match(bare_line) or bare_previous.endswith((".", ":", ";", "!", "?"))
                          or len(bare_previous) < _SHORT_LINE)
            parts.append("<br>" if starts_new else " ")
        parts.append(escape(clean))
        previous = clean
    return "".join(parts)


def format_date(date: str) -> str:
    """Show an ISO date as Vietnamese readers write it: "2026-01-09" -> "09/01/2026",
    "2026-01" -> "01/2026"; other text is kept, "" becomes "—"."""
    match = _ISO_DATE_RE.match(date.strip())
    if match:
        year, month, day = match.groups()
        return f"{day}/{month}/{year}" if day else f"{month}/{year}"
    return date.strip() or "—"


def visible_text(text: str) -> str:
    """``text`` as a bubble may show it: control and invisible format characters (bidi
    overrides, zero-width marks) dropped, tabs and line separators as spaces, line ends
    kept, lone surrogates as U+FFFD. Markup is kept (escaping makes it inert)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\n":
            kept.append(char)
        elif char == "\t" or category in ("Zl", "Zp") or char == "\x85":
            kept.append(" ")
        elif category == "Cs":
            kept.append("\ufffd")
        elif category not in ("Cc", "Cf"):
            kept.append(char)
    return "".join(kept)


def render_user_message(text: str, max_chars: int = USER_ECHO_CHARS) -> str:
    """Echo a user's question in the chat as inert HTML, shortened when very long.

    Control and invisible characters never reach the bubble (:func:`visible_text`).
    """
    text = visible_text(text)
    shown = text if len(text) <= max_chars else text[:max_chars].rstrip() + " …"
    body = escape(shown).replace("\n", "<br>")
    note = ""
    if len(text) > max_chars:
        count = f"{len(text):,}".replace(",", ".")
        note = f'<div class="bhyt-muted">(Câu hỏi dài {count} ký tự, chỉ hiển thị phần đầu.)</div>'
    return f'<div class="bhyt-user">{body or "&nbsp;"}</div>{note}'


def render_waiting(plans: int) -> str:
    """The reply shown while a question waits: where the assistant searches.

    The page's script puts the queue position in its place while the question is
    queued (``WAITING_MARK`` identifies the message).
    """
    return (f'<div {WAITING_MARK} role="status"><span class="bhyt-dots" aria-hidden="true"></span> '
            f'<span class="bhyt-waiting-text">Đang tìm trong {plans} kế hoạch…</span></div>')


def render_notice(message: str, *, kind: str = "notice") -> str:
    """A Vietnamese message for the reader (guard refusals, errors) as a styled block."""
    css = {"notice": "bhyt-notice", "error": "bhyt-notice bhyt-error"}.get(kind, "bhyt-notice")
    return f'<div class="{css}">{escape(message)}</div>'


def render_context(source: str, start: int, end: int, window: int = CONTEXT_WINDOW) -> str:
    """Escaped HTML of the text around ``source[start:end]`` with that span in ``<mark>``.

    The window is widened to whole words; "…" shows where the text was cut.

    Raises:
        ValueError: When the offsets do not lie inside ``source``.
    """
    if not 0 <= start <= end <= len(source):
        raise ValueError(f"offsets must satisfy 0 <= start <= end <= {len(source)}, got {start}..{end}")
    left = max(0, start - window)
    if left > 0:
        space = source.find(" ", left, start)
        left = space + 1 if space != -1 else left
    right = min(len(source), end + window)
    if right < len(source):
        space = source.rfind(" ", end, right)
        right = space if space != -1 else right
    # Reflow the window as one text, so line breaks around the span are kept;
    # private-use sentinels survive escaping and become the <mark> tags.
    window_text = f"{source[left:start]}{_MARK_OPEN}{source[start:end]}{_MARK_CLOSE}{source[end:right]}"
    body = reflow(window_text).replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>")
    return ("… " if left > 0 else "") + body + (" …" if right < len(source) else "")


def _mark_references(text: str, numbers: set[int]) -> str:
    """Style the [n] markers that point at an actual citation."""

    def replace(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n in numbers:
            return f'<span class="bhyt-ref">[{n}]</span>'
        return match.group(0)

    return _MARKER_RE.sub(replace, text)


def render_citation(citation: Citation, source: str | None = None) -> str:
    """One numbered source as ``<details>``: document, section path, verbatim clause,
    and (when the source text is known) the clause within its surrounding text.

    A clause of a scanned plan (``citation.reading`` set) leads with its repaired
    reading, labelled; the scanned text, which a citizen cannot read, is one tap away.
    """
    summary = escape(citation.locality or citation.doc_title)
    if citation.section:
        summary += f' <span class="bhyt-muted">— {escape(citation.section)}</span>'
    parts = [
        f'<details class="bhyt-source"><summary><span class="bhyt-ref">[{citation.n}]</span> {summary}</summary>',
        f'<div class="bhyt-doc"><b>Văn bản:</b> {escape(citation.doc_title)}</div>',
    ]
    if citation.section:
        parts.append(f'<div class="bhyt-path"><b>Vị trí:</b> {escape(citation.section)}</div>')
    if citation.reading:
        parts.append('<div class="bhyt-reading"><div class="bhyt-reading-label">Bản đọc đã sửa lỗi nhận dạng</div>'
                     f'<div class="bhyt-quote">{reflow(citation.reading)}</div></div>'
                     '<details class="bhyt-scan"><summary>Xem nguyên văn bản quét</summary>'
                     f'<div class="bhyt-quote bhyt-scan-text">{reflow(citation.text)}</div></details>')
    else:
        parts.append(f'<div class="bhyt-quote">{reflow(citation.text)}</div>')
    if source is not None and citation.char_end <= len(source):
        context = render_context(source, citation.char_start, citation.char_end)
        parts.append(
            '<details class="bhyt-context"><summary>Xem đoạn này trong văn bản gốc</summary>'
            f'<div class="bhyt-context-text">{context}</div></details>'
        )
    parts.append("</details>")
    return "".join(parts)


def render_answer(answer: Answer, source_lookup: SourceLookup | None = None) -> str:
    """The chat message for an answer: text with [n] markers, notices, numbered sources.

    An abstention starts with a distinct notice and lists its clauses under
    "Nội dung liên quan" instead of "Nguồn trích dẫn".

    Args:
        answer: The assistant's answer.
        source_lookup: ``doc_id -> NFC source text`` (or None when unknown), used to
            show each cited clause within its surrounding text.
    """
    blocks: list[str] = []
    if answer.abstained and not answer.off_topic:  # an off-topic reply says itself what it is
        blocks.append(
            '<div class="bhyt-abstain"><b>Chưa tìm thấy câu trả lời trong các kế hoạch đã nạp.</b></div>'
        )
    numbers = {c.n for c in answer.citations}
    blocks.append(_mark_references(escape_markdown(answer.answer.strip()), numbers))
    for notice in answer.notices:
        blocks.append(render_notice(notice))
    if answer.flagged:
        blocks.append(render_notice("Một số đánh dấu trích dẫn không khớp với nguồn nên đã được lược bỏ."))
    if answer.citations:
        heading = "Nội dung liên quan" if answer.abstained else "Nguồn trích dẫn"
        css = "bhyt-sources bhyt-related" if answer.abstained else "bhyt-sources"
        items = "".join(
            render_citation(c, source_lookup(c.doc_id) if source_lookup else None) for c in answer.citations
        )
        blocks.append(f'<div class="{css}"><div class="bhyt-sources-title">{heading}</div>{items}</div>')
    return "\n\n".join(blocks)


def render_plans_table(documents: Iterable[PlanInfo]) -> str:
    """HTML table of the ingested plans: locality, issuer, number, date."""
    rows = []
    for doc in sorted(documents, key=lambda d: d.locality):
        number = escape(doc.number) if doc.number else '<span class="bhyt-muted">(không ghi số)</span>'
        rows.append(
            f"<tr><td>{escape(doc.locality)}</td><td>{escape(doc.issuer)}</td>"
            f"<td>{number}</td><td>{escape(format_date(doc.date))}</td></tr>"
        )
    if not rows:
        return '<p class="bhyt-muted">Chưa nạp kế hoạch nào.</p>'
    head = "<tr><th>Địa phương</th><th>Cơ quan ban hành</th><th>Số</th><th>Ngày</th></tr>"
    return f'<div class="bhyt-plans"><table><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>'
