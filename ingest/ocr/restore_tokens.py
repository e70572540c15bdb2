"""Which tokens of a text the restorer may rewrite, and how a rewrite keeps the case.

The restorer changes only the letters of Vietnamese syllables. This module
holds the token patterns it works on and the rules that keep everything else
exactly as written: document numbers and dates ("52-CT/TW", "03/10/2025"),
figures, Roman numerals of headings ("II."), list markers ("a)") and
abbreviations ("BHYT"). :func:`apply_case` gives a restored spelling the case
of the token it replaces.
"""

from __future__ import annotations

import re

from ingest.ocr.damage import is_abbreviation

#: A word of plain restoration: letters only.
WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
#: A token of OCR repair: letters, digits and the symbols OCR puts for letters ("s6", "1a", "¢y", "$6").
OCR_TOKEN_RE = re.compile(r"(?:[^\W_]|[&@¢€¥$])+", re.UNICODE)

_CHUNK_RE = re.compile(r"\S+")
_ROMAN_RE = re.compile(r"^[IVXLC]+$")
# Roman numerals of section headings as OCR reads them: "I1-" for "II-".
_OCR_ROMAN_RE = re.compile(r"^[IVXLC1l]+$")
_OCR_SYMBOLS = "&@¢€¥$"
# Document numbers and dates: "52-CT/TW", "646-KH/TU", "-KH/TU", "03/10/2025".
_DOC_NUMBER_RE = re.compile(r"\d/|/\d|\d+\s*-\s*[A-ZĐ]|[A-ZĐ]/[A-ZĐ]|\d{3,}", re.UNICODE)


def protected_spans(text: str, *, ocr: bool) -> list[tuple[int, int]]:
    """Spans of the whitespace-delimited chunks of ``text`` that must be kept as written.

    Args:
        text: NFC text.
        ocr: Apply the OCR-repair rule for chunks with digits (see :func:`is_protected_chunk`).

    Returns:
        ``(start, end)`` character spans, in text order.
    """
    spans = []
    for chunk in _CHUNK_RE.finditer(text):
        if is_protected_chunk(chunk.group(0), ocr=ocr):
            spans.append(chunk.span())
    return spans


def is_protected(match: re.Match, text: str, protected: list[tuple[int, int]]) -> bool:
    """True when the token ``match`` of ``text`` must be kept as written.

    It is inside a protected chunk, a Roman numeral of a heading, a one-letter
    list marker ("a)", "b.") or an abbreviation ("BHYT", "UBND", "TW").

    Args:
        match: A :data:`WORD_RE` or :data:`OCR_TOKEN_RE` match in ``text``.
        text: The text the match was found in.
        protected: :func:`protected_spans` of ``text``.
    """
    start, end = match.span()
    if any(s <= start and end <= e for s, e in protected):
        return True
    word = match.group(0)
    after = text[end : end + 1]
    if _ROMAN_RE.match(word) and (len(word) > 1 or after in (".", "-", ")", "–")):
        return True
    if _OCR_ROMAN_RE.match(word) and word[:1] in "IVX" and after in (".", "-", ")", "–"):
        return True
    if len(word) == 1 and word.isalpha() and after in (")", "."):
        return True  # list markers "a)", "b."
    return word.isalpha() and len(word) > 1 and is_abbreviation(word)  # "BHYT", "UBND", "TW"


def is_protected_chunk(chunk: str, *, ocr: bool) -> bool:
    """True when a whitespace-delimited chunk must be kept as written.

    Document numbers and dates always are. Otherwise plain restoration keeps
    every chunk with a digit; OCR repair only those without letters or OCR
    symbols ("2026", "96%", "1-"), since "1a" or "s6" are misread words.
    """
    if _DOC_NUMBER_RE.search(chunk):
        return True
    if not any(ch.isdigit() for ch in chunk):
        return False
    if not ocr:
        return True
    return not any(ch.isalpha() or ch in _OCR_SYMBOLS for ch in chunk)


def apply_case(original: str, surface: str, *, exact: bool) -> str:
    """Give ``surface`` (lowercase) the case pattern of ``original``.

    Args:
        original: The token as written.
        surface: Its restored spelling, lowercase.
        exact: Copy the case letter by letter when both have the same length
            (plain restoration); otherwise keep the token's pattern (lower,
            Capitalised, UPPER), as OCR repair does.
    """
    if exact and len(original) == len(surface):
        return "".join(s.upper() if o.isupper() else s for o, s in zip(original, surface, strict=True))
    letters = [ch for ch in original if ch.isalpha()]
    uppers = sum(1 for ch in letters if ch.isupper())
    if len(letters) > 1 and (uppers == len(letters) or (len(letters) > 2 and uppers > len(letters) / 2)):
        return surface.upper()  # "PONG" -> "ĐỒNG", "PiCH" -> "ĐÍCH"
    if original[:1].isupper() or (original[:1] in "¢" and len(letters) > 0 and letters[0].isupper()):
        return surface[:1].upper() + surface[1:]
    return surface
