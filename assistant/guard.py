"""Question checks that run before any search: empty, too long, markup, no words.

Every rejection comes back as a polite Vietnamese reply. HTML and script
payloads are not rejected outright: tags (and the contents of ``<script>`` and
``<style>``) are stripped, the remaining words are searched, and a notice says
markup was removed. The cleaned question, never the markup, is what an answer
echoes back, refused or not (``GuardResult.question``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.vntext import nfc

_SCRIPT_RE = re.compile(r"<\s*(script|style|iframe|object)\b[^>]*>.*?(<\s*/\s*\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>?")
_JS_URL_RE = re.compile(r"\bjavascript\s*:", re.IGNORECASE)
_ENTITY_RE = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
# C0 and C1 controls (tabs and line ends included: a question is one line).
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Invisible characters that change how echoed text is displayed or split words unseen:
# zero-width marks, bidirectional embeddings, overrides and isolates ("Trojan Source"), BOM.
_INVISIBLE_RE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# Lone surrogates (from JSON "\ud83d" or undecodable argv bytes) cannot be encoded as UTF-8.
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
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
        question: The cleaned question (NFC, markup, controls and invisible
            characters removed, lone surrogates replaced by U+FFFD, spaces
            collapsed); safe to echo back. Set for refusals too: "" for an
            empty question, the cleaned first ``max_chars`` characters of a
            too-long one, the cleaned text (no words in it) otherwise.
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
        # Only the first max_chars characters are cleaned: echoing them is bounded, and the
        # markup patterns never run over an unbounded text.
        cleaned, _ = clean_text(raw[:max_chars])
        return GuardResult(ok=False, question=cleaned, message=too_long_message(len(raw), max_chars))
    cleaned, had_markup = clean_text(raw)
    if not _WORD_RE.search(cleaned):
        message = MARKUP_ONLY_MESSAGE if had_markup else NO_WORDS_MESSAGE
        return GuardResult(ok=False, question=cleaned, message=message)
    return GuardResult(ok=True, question=cleaned, notices=(MARKUP_NOTICE,) if had_markup else ())


def clean_text(text: str) -> tuple[str, bool]:
    """``text`` made safe to search and echo, and whether markup was removed.

    Markup, controls, line separators (U+2028, U+2029, U+0085), invisible
    format characters and lone surrogates go; spaces are collapsed.
    """
    text = _SURROGATE_RE.sub("\ufffd", text)
    stripped = strip_markup(text)
    had_markup = stripped != text
    stripped = _INVISIBLE_RE.sub("", _CONTROL_RE.sub(" ", stripped))
    return " ".join(stripped.split()), had_markup
