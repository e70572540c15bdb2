"""Question checks that run before any search: empty, too long, markup, no words.

Every rejection comes back as a polite Vietnamese reply. HTML and script
payloads are not rejected outright: tags (and the contents of ``<script>`` and
``<style>``) are stripped, the remaining words are searched, and a notice says
markup was removed. The cleaned question, never the markup, is what an answer
echoes back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.vntext import nfc

_SCRIPT_RE = re.compile(r"<\s*(script|style|iframe|object)\b[^>]*>.*?(<\s*/\s*\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>?")
_JS_URL_RE = re.compile(r"\bjavascript\s*:", re.IGNORECASE)
_ENTITY_RE = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD_RE = re.compile(r"[^\W_]", re.UNICODE)

EMPTY_MESSAGE = ("Bạn chưa nhập câu hỏi. Trợ lý trả lời về các kế hoạch đã nạp: chỉ tiêu, cơ quan phụ trách, "
                 "thời hạn, kinh phí (ví dụ: Tỷ lệ dân số có thẻ BHYT cần đạt mức nào vào cuối năm 2026?).")
NO_WORDS_MESSAGE = "Câu hỏi chưa có chữ nào để tìm. Bạn hãy viết câu hỏi bằng lời, ví dụ: \"Ai chủ trì việc giám sát tiến độ triển khai?\""
MARKUP_ONLY_MESSAGE = "Câu hỏi chỉ gồm mã HTML/script nên không được xử lý. Bạn hãy viết câu hỏi bằng lời thường."
MARKUP_NOTICE = "Phần mã HTML/script trong câu hỏi đã được bỏ đi; chỉ phần chữ được dùng để tìm kiếm."


def too_long_message(length: int, limit: int) -> str:
    """The Vietnamese reply for a question of ``length`` characters over ``limit``."""
    def vn(number: int) -> str:
        return f"{number:,}".replace(",", ".")

    return f"Câu hỏi quá dài ({vn(length)} ký tự; tối đa {vn(limit)} ký tự). Bạn hãy rút gọn, mỗi lần hỏi một ý."


@dataclass(frozen=True)
class GuardResult:
    """Outcome of checking a question.

    Attributes:
        ok: True when the question can be searched.
        question: The cleaned question (NFC, markup removed, spaces collapsed);
            safe to echo back.
        message: The Vietnamese reply when ``ok`` is False ("" otherwise).
        notices: Vietnamese notices for an accepted question (e.g. markup removed).
    """

    ok: bool
    question: str
    message: str = ""
    notices: tuple[str, ...] = ()


def strip_markup(text: str) -> str:
    """Remove HTML tags, script/style blocks, entities and ``javascript:`` from ``text``."""
    text = _SCRIPT_RE.sub(" ", text)
    text = _TAG_RE.sub(" ", text)
    text = _ENTITY_RE.sub(" ", text)
    text = _JS_URL_RE.sub(" ", text)
    return text.replace("<", " ").replace(">", " ")


def check_question(question: str | None, max_chars: int) -> GuardResult:
    """Check ``question`` and return the cleaned question or a Vietnamese reply.

    Args:
        question: The raw question (may be None or contain markup).
        max_chars: Longest accepted question, in characters (setting ``max_question_chars``).

    Returns:
        A :class:`GuardResult`.

    Raises:
        ValueError: If ``max_chars`` is not positive.
    """
    if max_chars <= 0:
        raise ValueError(f"max_chars must be > 0, got {max_chars}")
    raw = nfc(question or "")
    if not raw.strip():
        return GuardResult(ok=False, question="", message=EMPTY_MESSAGE)
    if len(raw) > max_chars:
        return GuardResult(ok=False, question="", message=too_long_message(len(raw), max_chars))
    cleaned = strip_markup(raw)
    had_markup = cleaned != raw
    cleaned = " ".join(_CONTROL_RE.sub(" ", cleaned).split())
    if not _WORD_RE.search(cleaned):
        message = MARKUP_ONLY_MESSAGE if had_markup else NO_WORDS_MESSAGE
        return GuardResult(ok=False, question="", message=message)
    return GuardResult(ok=True, question=cleaned, notices=(MARKUP_NOTICE,) if had_markup else ())
