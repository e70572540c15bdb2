"""Search tokens for Vietnamese plan text: protected numbers, pyvi words, abbreviations.

Two token streams are derived from one text (the quoted text is never changed):

- :func:`accented_tokens`: NFC, lowercased, canonical spelling (``search_form``),
  word-segmented by pyvi ("bảo_hiểm"), each compound also as its syllables so a
  query segmented differently still matches.
- :func:`folded_tokens`: diacritic-folded syllables ("bao", "hiem") plus adjacent
  syllable pairs ("bao_hiem"), so accent-less questions and OCR text with lost
  or wrong accents ("muc tiéu bao pha") still meet the clean text.

Document numbers, dates and figures ("52-CT/TW", "03/10/2025", "99,3%",
"16-KH/TU") are cut out before pyvi sees the text (pyvi would split them) and
kept as single tokens. Abbreviations are expanded both ways from
:data:`ABBREVIATIONS`: a text with "BHYT" also gets "bảo hiểm y tế" and a text
with "bảo hiểm y tế" also gets "bhyt". No regex here drops one-letter words
("ở", "y") and input is NFC-normalised first, so NFD text tokenises the same.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.vntext import fold_diacritics, folded_form, nfc, search_form

#: Bump when tokenisation changes: stored tokens become stale and the index must be rebuilt.
TOKENIZER_VERSION = 2

#: The project's one abbreviation table: abbreviation -> expansions (the first is
#: added to texts that use the abbreviation; the others are other ways plans spell it).
#: The lexical index, the question reader (assistant/intent.py) and the answer
#: metrics (eval/metrics.py) all derive their forms from it.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "BHYT": ("bảo hiểm y tế",),
    "BHXH": ("bảo hiểm xã hội",),
    "BHTN": ("bảo hiểm thất nghiệp",),
    "KCB": ("khám chữa bệnh", "khám bệnh, chữa bệnh"),
    "UBND": ("ủy ban nhân dân",),
    "HĐND": ("hội đồng nhân dân",),
    "MTTQ": ("mặt trận tổ quốc",),
    "CCCD": ("căn cước công dân",),
    "CNTT": ("công nghệ thông tin",),
    "TW": ("trung ương",),
    "TU": ("tỉnh ủy",),
    "TP": ("thành phố",),
    "NSNN": ("ngân sách nhà nước",),
    "CTXH": ("chính trị - xã hội",),
    "LĐTBXH": ("lao động - thương binh và xã hội",),
}
#: Abbreviations that are also ordinary syllables when lower-case ("tu" in "tu dưỡng").
CASE_SENSITIVE_ABBREVIATIONS = frozenset({"TU"})
#: Abbreviations of phrases whose words also stand alone ("ngân sách" without
#: "nhà nước"): a question matched word by word must keep those words.
COMPOSITIONAL_ABBREVIATIONS = frozenset({"NSNN", "CTXH", "LĐTBXH"})

# Spans pyvi must not split, most specific first.
_PROTECTED_RE = re.compile(
    r"\d+\s?[-–]\s?[^\W\d_]+(?:\s?[-/]\s?[^\W\d_]+)+"   # 52-CT/TW, 646-KH/TU, 12-KH/ĐU
    r"|(?<!\w)[A-ZĐ]{1,8}(?:[-/][A-ZĐ]{1,8})+(?!\w)"    # KH/UBND, CT/TW (number left blank)
    r"|\d{1,2}/\d{1,2}/\d{2,4}"                          # 03/10/2025
    r"|\d{1,2}/\d{4}"                                    # 01/2026
    r"|\d+(?:[.,]\d+)*\s?%?",                            # 99,3%, 2026, 1.000
)
_SPACE_RE = re.compile(r"\s+")
_DOC_NUMBER_HEAD_RE = re.compile(r"^(\d+)[-–]")
_WORD_RE = re.compile(r"\w+")


def _phrase_pattern(phrase: str) -> str:
    """Regex for a folded phrase whose words may be separated by any whitespace/commas."""
    words = _WORD_RE.findall(folded_form(phrase))
    return r"[\s,]+".join(re.escape(w) for w in words)


def _compile_abbreviation_patterns() -> list[tuple[str, re.Pattern, list[re.Pattern]]]:
    patterns = []
    for abbr, phrases in ABBREVIATIONS.items():
        folded_abbr = fold_diacritics(abbr)
        flags = 0 if abbr in CASE_SENSITIVE_ABBREVIATIONS else re.IGNORECASE
        abbr_re = re.compile(rf"(?<![^\W_]){re.escape(folded_abbr)}(?![^\W_])", flags)
        phrase_res = [re.compile(r"(?<!\w)" + _phrase_pattern(p) + r"(?!\w)") for p in phrases]
        patterns.append((abbr, abbr_re, phrase_res))
    return patterns


_ABBREVIATION_PATTERNS = _compile_abbreviation_patterns()


def abbreviation_context(text: str) -> str:
    """Return the extra words that expand ``text``'s abbreviations both ways.

    Args:
        text: Any text (NFC or NFD, accented or not).

    Returns:
        Space-separated expansions ("bảo hiểm y tế") of abbreviations found in
        ``text`` and abbreviations ("bhyt") of expansions found in it; "" if none.
    """
    folded_cased = fold_diacritics(nfc(text))
    folded_lower = folded_cased.lower()
    extra: list[str] = []
    for abbr, abbr_re, phrase_res in _ABBREVIATION_PATTERNS:
        if abbr_re.search(folded_cased):
            extra.append(ABBREVIATIONS[abbr][0])
        if any(p.search(folded_lower) for p in phrase_res):
            extra.append(abbr.lower())
    return " ".join(extra)


def _protected_token(span: str) -> list[str]:
    """Tokens for one protected span: the span itself (spaces removed), plus a document
    number's leading number so "chỉ thị 52" meets "52-CT/TW"."""
    token = _SPACE_RE.sub("", span).replace("–", "-")
    tokens = [token]
    head = _DOC_NUMBER_HEAD_RE.match(token)
    if head:
        tokens.append(head.group(1))
    return tokens


@lru_cache(maxsize=4096)
def _segment_chunk(chunk: str) -> tuple[str, ...]:
    from pyvi import ViTokenizer  # imported lazily: loading the CRF model takes a moment

    return tuple(ViTokenizer.tokenize(chunk).split())


def segment_words(text: str) -> list[str]:
    """Split ``text`` into pyvi words, keeping protected spans whole.

    Case and accents are kept; compounds are joined by "_" ("bảo_hiểm");
    punctuation-only pieces are dropped; one-letter words are kept.

    Args:
        text: Any text; it is NFC-normalised first.

    Returns:
        The words in reading order.
    """
    text = nfc(text)
    words: list[str] = []
    pos = 0
    for match in _PROTECTED_RE.finditer(text):
        words.extend(_plain_words(text[pos:match.start()]))
        words.append(_SPACE_RE.sub("", match.group(0)).replace("–", "-"))
        pos = match.end()
    words.extend(_plain_words(text[pos:]))
    return words


def _plain_words(chunk: str) -> list[str]:
    if not chunk.strip():
        return []
    return [w for w in _segment_chunk(chunk.strip()) if any(ch.isalnum() for ch in w)]


def segment_for_embedding(text: str) -> str:
    """Return ``text`` as pyvi-segmented words joined by spaces (for bi-encoders trained
    on segmented Vietnamese), with document numbers and dates kept whole."""
    return " ".join(segment_words(text))


def accented_tokens(text: str, *, expand: bool = True) -> list[str]:
    """Lowercased, canonical-spelling pyvi tokens of ``text`` (see module docstring).

    Args:
        text: Any text.
        expand: Add abbreviation expansions (both ways).

    Returns:
        Tokens: protected spans whole, compounds ("bảo_hiểm") and their syllables.
    """
    text = nfc(text)
    if expand:
        extra = abbreviation_context(text)
        if extra:
            text = f"{text} . {extra}"
    tokens: list[str] = []
    pos = 0
    for match in _PROTECTED_RE.finditer(text):
        tokens.extend(_word_tokens(text[pos:match.start()]))
        tokens.extend(t.lower() for t in _protected_token(match.group(0)))
        pos = match.end()
    tokens.extend(_word_tokens(text[pos:]))
    return tokens


def _word_tokens(chunk: str) -> list[str]:
    tokens = []
    for word in _plain_words(chunk):
        form = search_form(word)
        tokens.append(form)
        if "_" in form:
            tokens.extend(s for s in form.split("_") if s)
    return tokens


def folded_tokens(text: str, *, expand: bool = True) -> list[str]:
    """Diacritic-folded syllables of ``text`` plus adjacent pairs (see module docstring).

    Args:
        text: Any text.
        expand: Add abbreviation expansions (both ways).

    Returns:
        Tokens such as ["muc", "tieu", "muc_tieu", ...]; protected spans whole.
    """
    text = nfc(text)
    if expand:
        extra = abbreviation_context(text)
        if extra:
            text = f"{text} . {extra}"
    units: list[list[str]] = [[]]  # runs of syllables; pairs never cross a protected span
    tokens: list[str] = []
    pos = 0
    for match in _PROTECTED_RE.finditer(text):
        units[-1].extend(_WORD_RE.findall(folded_form(text[pos:match.start()])))
        tokens.extend(fold_diacritics(t).lower() for t in _protected_token(match.group(0)))
        units.append([])
        pos = match.end()
    units[-1].extend(_WORD_RE.findall(folded_form(text[pos:])))
    for run in units:
        tokens.extend(run)
        tokens.extend(f"{a}_{b}" for a, b in zip(run, run[1:], strict=False))
    return tokens
