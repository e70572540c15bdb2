"""Terminal rendering of an :class:`~assistant.answer.Answer` for ``ask`` without ``--json``.

The answer comes first, then notices, then the numbered sources: section path,
document, locality, and the verbatim quoted text (plus the repaired reading of
an OCR-damaged clause). Abstentions are labelled as such and their sources as
"liên quan", not as the answer. ``json_text`` is the one JSON writer of
``ask --json`` and ``batch``: readable Vietnamese that always encodes.
"""

from __future__ import annotations

import json
import re
import textwrap

from assistant.answer import Answer

# Characters json.dumps(ensure_ascii=False) leaves raw that still break a JSON line for some
# readers: lone surrogates (not encodable as UTF-8) and the line ends str.splitlines knows.
_UNSAFE_IN_JSON_RE = re.compile("[\ud800-\udfff\x85\u2028\u2029]")

QUOTE_WIDTH = 100
MAX_QUOTE_CHARS = 700


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > MAX_QUOTE_CHARS:
        flat = flat[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
    return textwrap.fill(f"«{flat}»", width=QUOTE_WIDTH, initial_indent="    ", subsequent_indent="     ")


def json_text(data: object, *, indent: int | None = None) -> str:
    """``data`` as JSON, Vietnamese readable, safe to write as UTF-8 and to split on line ends.

    Lone surrogates, U+0085, U+2028 and U+2029 are written as ``\\uXXXX``
    escapes (they can only occur inside JSON strings, so the JSON reads back the
    same), so encoding never fails and a JSON line stays one line.
    """
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def render_answer(answer: Answer, *, show_timings: bool = False) -> str:
    """Return the answer and its numbered citations as plain text for a terminal."""
    lines: list[str] = []
    if answer.abstained and not answer.off_topic:  # an off-topic reply says itself what it is
        lines.append("⚠ Không tìm thấy câu trả lời trong các kế hoạch đã nạp.")
    lines.append(answer.answer)
    for notice in answer.notices:
        lines.append(f"ℹ {notice}")
    if answer.flagged:
        lines.append("⚠ Câu trả lời có trích dẫn không hợp lệ đã bị bỏ; hãy đối chiếu với nguồn.")
    if answer.citations:
        lines.append("")
        lines.append("Đoạn liên quan:" if answer.abstained else "Nguồn:")
        for c in answer.citations:
            place = f" — {c.locality}" if c.locality else ""
            lines.append(f"[{c.n}] {c.section}{place}")
            lines.append(f"    {c.doc_title} (ký tự {c.char_start}–{c.char_end})")
            if c.reading:
                lines.append("    Văn bản gốc (OCR):")
            lines.append(_quote(c.text))
            if c.reading:
                lines.append("    Đọc lại có dấu:")
                lines.append(_quote(c.reading))
    if show_timings and answer.timings_ms:
        parts = ", ".join(f"{k} {v:.1f} ms" for k, v in answer.timings_ms.items())
        lines.append("")
        lines.append(f"Thời gian: {parts}")
    return "\n".join(lines)
