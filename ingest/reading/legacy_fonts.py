"""The legacy Vietnamese font encodings TCVN3 (ABC, ``.VnTime``) and VNI (``VNI-Times``).

Before Unicode, Vietnamese documents were typed in 8-bit fonts whose bytes
stand for Vietnamese letters: TCVN3 uses one byte per letter, VNI-Windows an
ASCII base letter followed by a mark byte. This module holds both tables,
:func:`encode_legacy` (to build test fixtures and benchmarks) and
:func:`decode_legacy` (legacy surface -> NFC Unicode), plus what the tables say
about single characters (:data:`LEGACY_SIGNATURE`, :func:`is_unicode_only`).

The tables are written here rather than taken from ``viparse`` (0.1.31):
its VNI table lacks ẳ/Ẳ and maps ỵ to "yï" where VNI-Windows uses "î", and its
detector refuses short fragments; ``tests/ingest/test_encoding.py`` checks that
the two tables agree everywhere else.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from ingest.syllables import TOKEN_RE

# Tone order used by both tables below: huyền, hỏi, ngã, sắc, nặng.
_TONES = "\u0300\u0309\u0303\u0301\u0323"

# TCVN3 (TCVN 5712:1993, VN3 / ABC): one byte per letter, lowercase toned vowels
# only (uppercase headings were typed in a ".VnTimeH" font with the same bytes).
_TCVN3_TONED = {  # base vowel -> bytes for its five toned forms, in _TONES order
    "a": "\xb5\xb6\xb7\xb8\xb9", "ă": "\xbb\xbc\xbd\xbe\xc6", "â": "\xc7\xc8\xc9\xca\xcb",
    "e": "\xcc\xce\xcf\xd0\xd1", "ê": "\xd2\xd3\xd4\xd5\xd6", "i": "\xd7\xd8\xdc\xdd\xde",
    "o": "\xdf\xe1\xe2\xe3\xe4", "ô": "\xe5\xe6\xe7\xe8\xe9", "ơ": "\xea\xeb\xec\xed\xee",
    "u": "\xef\xf1\xf2\xf3\xf4", "ư": "\xf5\xf6\xf7\xf8\xf9", "y": "\xfa\xfb\xfc\xfd\xfe",
}
_TCVN3_PLAIN = dict(zip("\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae", "ĂÂÊÔƠƯĐăâêôơưđ", strict=True))

# VNI-Windows: a toned vowel is the ASCII base letter followed by a mark byte;
# ơ ư đ and the i-family (plus ỵ) are single bytes. Lowercase marks, then uppercase.
_VNI_TONE_MARKS = ("øûõùï", "ØÛÕÙÏ")  # plain vowel + tone
_VNI_HAT_MARKS = ("âàåãáä", "ÂÀÅÃÁÄ")  # â ê ô: circumflex alone, then with each tone
_VNI_BREVE_MARKS = ("êèúüéë", "ÊÈÚÜÉË")  # ă: breve alone, then with each tone
_VNI_SINGLE = {
    "ơ": "ô", "Ơ": "Ô", "ư": "ö", "Ư": "Ö", "đ": "ñ", "Đ": "Ñ", "ỵ": "î", "Ỵ": "Î",
    "ì": "ì", "Ì": "Ì", "ỉ": "æ", "Ỉ": "Æ", "ĩ": "ó", "Ĩ": "Ó", "í": "í", "Í": "Í", "ị": "ò", "Ị": "Ò",
}

# A PDF text layer of a .VnTime document shows TCVN3's ư and ã as these glyphs.
_PDF_GLYPHS = {"\u2212": "\xad", "\u2219": "\xb7"}


def _toned(base: str, tone_index: int) -> str:
    return unicodedata.normalize("NFC", base + _TONES[tone_index])


@cache
def _unicode_to_legacy(encoding: str) -> dict[str, str]:
    """Map every Vietnamese letter to its legacy surface sequence (Latin-1 characters)."""
    table: dict[str, str] = {}
    if encoding == "tcvn3":
        table.update({letter: legacy for legacy, letter in _TCVN3_PLAIN.items()})
        for base, codes in _TCVN3_TONED.items():
            for tone_index, code in enumerate(codes):
                table[_toned(base, tone_index)] = code
        return table
    if encoding != "vni":
        raise ValueError(f"legacy encoding must be 'tcvn3' or 'vni', got {encoding!r}")
    for case in (0, 1):
        def cased(letter: str, case: int = case) -> str:
            return letter.upper() if case else letter

        tone_marks = _VNI_TONE_MARKS[case]
        for base in "aeouy":
            for tone_index, mark in enumerate(tone_marks):
                table[_toned(cased(base), tone_index)] = cased(base) + mark
        for base in "aeo":  # â ê ô
            hat = unicodedata.normalize("NFC", cased(base) + "\u0302")
            table[hat] = cased(base) + _VNI_HAT_MARKS[case][0]
            for tone_index, mark in enumerate(_VNI_HAT_MARKS[case][1:]):
                table[_toned(hat, tone_index)] = cased(base) + mark
        breve = unicodedata.normalize("NFC", cased("a") + "\u0306")
        table[breve] = cased("a") + _VNI_BREVE_MARKS[case][0]
        for tone_index, mark in enumerate(_VNI_BREVE_MARKS[case][1:]):
            table[_toned(breve, tone_index)] = cased("a") + mark
        for letter in ("ơ", "ư"):
            for tone_index, mark in enumerate(tone_marks):
                table[_toned(cased(letter), tone_index)] = _VNI_SINGLE[cased(letter)] + mark
    table.update(_VNI_SINGLE)  # ơ ư đ, the i-family and ỵ are single bytes
    return table


@cache
def _legacy_pattern(encoding: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """Regex matching any legacy sequence (longest first) and the sequence -> letter map."""
    inverse = {legacy: letter for letter, legacy in _unicode_to_legacy(encoding).items()}
    keys = sorted(inverse, key=len, reverse=True)
    return re.compile("|".join(re.escape(key) for key in keys)), inverse


def encode_legacy(text: str, encoding: str) -> bytes:
    """Encode Vietnamese ``text`` in TCVN3 or VNI, as a legacy editor would save it.

    Used to build test fixtures and benchmarks. TCVN3 has no uppercase toned
    vowels: they are written with the lowercase byte, as ".VnTimeH" headings were.

    Args:
        text: Unicode text (any normal form).
        encoding: ``"tcvn3"`` or ``"vni"``.

    Raises:
        ValueError: for another encoding, or a character neither table nor
            Latin-1 can hold.
    """
    table = _unicode_to_legacy(encoding)
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        legacy = table.get(char)
        if legacy is None and encoding == "tcvn3":
            legacy = table.get(char.lower())
        if legacy is not None:
            out += legacy.encode("latin-1")
            continue
        try:  # punctuation such as “ ” – sits where Windows-1252 puts it
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            raise ValueError(f"{encoding} cannot encode {char!r}") from None
    return bytes(out)


def decode_legacy(surface: str, encoding: str) -> str:
    """Convert legacy-font text (bytes read as Latin-1) to NFC Unicode.

    For TCVN3, a word whose ASCII letters are all capitals (a ".VnTimeH"
    heading such as "KÕ HO¹CH") is upper-cased, since TCVN3 only has the
    lowercase toned vowels.

    Args:
        surface: the text with each legacy byte as the Latin-1 character of the
            same value (what Word shows for a .VnTime paragraph in a Unicode file).
        encoding: ``"tcvn3"`` or ``"vni"``.
    """
    pattern, inverse = _legacy_pattern(encoding)
    if encoding == "tcvn3":
        surface = _restore_pdf_glyphs(surface)
    converted = pattern.sub(lambda match: inverse[match.group(0)], surface)
    if encoding == "tcvn3":
        converted = TOKEN_RE.sub(lambda match: _recase_heading_word(match, surface), converted)
    return unicodedata.normalize("NFC", converted)


def _restore_pdf_glyphs(surface: str) -> str:
    """Turn U+2212/U+2219 back into TCVN3 ư/ã where they touch a letter (not between digits)."""
    if not any(glyph in surface for glyph in _PDF_GLYPHS):
        return surface
    chars = list(surface)
    for position, char in enumerate(surface):
        if char in _PDF_GLYPHS:
            before = surface[position - 1] if position else ""
            after = surface[position + 1] if position + 1 < len(surface) else ""
            if before.isalpha() or after.isalpha():
                chars[position] = _PDF_GLYPHS[char]
    return "".join(chars)


def _recase_heading_word(match: re.Match[str], surface: str) -> str:
    """Upper-case a converted TCVN3 word of a capitals heading.

    A word qualifies when its ASCII letters are all capitals and there are at
    least two of them ("HO¹CH"), or one ("KÕ") when every neighbour on its line
    is such a word: one capital alone ("Bé" = "Bộ") is only a capitalised word.
    """
    word = match.group(0)
    capitals = _ascii_capitals(word)
    if capitals >= 2:
        return word.upper()
    if capitals == 1:
        line_start = surface.rfind("\n", 0, match.start()) + 1
        line_end = surface.find("\n", match.end())
        before = surface[line_start:match.start()].split()[-1:]
        after = surface[match.end():line_end if line_end >= 0 else None].split()[:1]
        neighbours = before + after
        if neighbours and all(_ascii_capitals(neighbour) >= 2 for neighbour in neighbours):
            return word.upper()
    return word


def _ascii_capitals(word: str) -> int:
    """Number of ASCII capitals in ``word``, or 0 if it has any ASCII lowercase letter."""
    letters = [char for char in word if char.isascii() and char.isalpha()]
    return len(letters) if letters and all(char.isupper() for char in letters) else 0


# Latin-1 characters that occur in the legacy tables but are not Vietnamese letters:
# text must contain one of them to be considered legacy text at all.
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
#: Characters only legacy-font text has (µ, ¸, ©, ...; the PDF glyphs included).
LEGACY_SIGNATURE = frozenset(
    char
    for encoding in ("tcvn3", "vni")
    for legacy in _unicode_to_legacy(encoding).values()
    for char in legacy
    if ord(char) >= 0xA0 and char not in _VIETNAMESE_LATIN1
) | frozenset(_PDF_GLYPHS)


def is_unicode_only(token: str) -> bool:
    """True when the token holds a letter no legacy surface can produce (ă, ư, ạ, ...)."""
    return any(ord(char) > 0xFF and char not in _PDF_GLYPHS for char in token)
