"""Vietnamese text forms shared by ingest, search, restoration and evaluation.

Quoted text is never changed: these functions derive *search forms* only.

- :func:`nfc` normalises to NFC at the door.
- :func:`fold_diacritics` removes every diacritic (NFD, drop marks, đ -> d):
  "Đồng Nai" -> "Dong Nai". pyvi's ``ViUtils.remove_accents`` returns bytes
  and is not used.
- :func:`canonical_syllable` puts the tone mark in one fixed place, so the
  spelling variants "hóa/hoá", "khỏe/khoẻ", "thủy/thuỷ", "Ủy/Uỷ" compare equal,
  and writes a bare final "y" after a consonant as "i" ("tỷ" -> "tỉ", "lý" -> "lí").
- :func:`search_form` applies both to a whole text, lowercased.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks (grave, acute, hook above, tilde, dot below).
_TONE_MARKS = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
_TONE_BY_NUMBER = {v: k for k, v in _TONE_MARKS.items()}
# Vowel letters after tone removal (NFC, lowercase), with their quality marks kept.
_VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (composed) form."""
    return unicodedata.normalize("NFC", text)


def fold_diacritics(text: str) -> str:
    """Remove all Vietnamese diacritics, keeping case: "Đảng ủy" -> "Dang uy".

    Works on NFC or NFD input; the result is plain ASCII letters for Vietnamese
    text (other characters are kept as they are).
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


def split_tone(syllable: str) -> tuple[str, int]:
    """Split an NFC syllable into (toneless NFC syllable, tone number 0..5).

    Tone numbers: 0 none, 1 huyền, 2 sắc, 3 hỏi, 4 ngã, 5 nặng. Vowel quality
    marks (â, ă, ê, ô, ơ, ư) and đ are kept.
    """
    tone = 0
    kept = []
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in _TONE_MARKS:
            tone = _TONE_MARKS[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _vowel_span(base: str) -> tuple[int, int]:
    """Return [start, end) of the vowel nucleus of a lowercase toneless syllable."""
    start = 0
    # Onsets "qu" and "gi" absorb their u/i when another vowel follows.
    if base.startswith("qu") and len(base) > 2 and base[2] in _VOWELS:
        start = 2
    elif base.startswith("gi") and len(base) > 2 and base[2] in _VOWELS:
        start = 2
    while start < len(base) and base[start] not in _VOWELS:
        start += 1
    end = start
    while end < len(base) and base[end] in _VOWELS:
        end += 1
    if start == len(base) and base.startswith("gi"):  # "gì": the i is the nucleus
        return 1, 2
    return start, end


def _tone_position(base: str) -> int:
    """Index in ``base`` (lowercase, toneless) that carries the tone, or -1."""
    start, end = _vowel_span(base)
    if start >= end:
        return -1
    nucleus = base[start:end]
    for i in range(len(nucleus) - 1, -1, -1):  # "ươ" -> ơ, "uyê" -> ê
        if nucleus[i] in _MARKED_VOWELS:
            return start + i
    if len(nucleus) == 1:
        return start
    has_final = end < len(base)
    if has_final:
        return end - 1
    # Open syllable: one fixed ("old") style: hóa, khỏe, thủy, mái, ngoài.
    return end - 2


def canonical_syllable(syllable: str) -> str:
    """Return a syllable with its tone placed canonically and final y/i unified.

    Case is preserved per letter. Examples: "hoá" -> "hóa", "Uỷ" -> "Ủy",
    "tỷ" -> "tỉ", "kỹ" -> "kĩ". Non-Vietnamese tokens come back unchanged
    apart from NFC.
    """
    syllable = nfc(syllable)
    base, tone = split_tone(syllable)
    lower = base.lower()
    # "tỷ", "lý", "kỹ", "mỹ", "sỹ": a lone y after a consonant onset is spelled i too.
    if len(lower) >= 2 and lower.endswith("y") and lower[-2] not in _VOWELS and not lower.startswith("qu"):
        base = base[:-1] + ("I" if base[-1] == "Y" else "i")
        lower = base.lower()
    if tone == 0:
        return base
    pos = _tone_position(lower)
    if pos < 0:
        return syllable
    marked = unicodedata.normalize("NFD", base[pos]) + _TONE_BY_NUMBER[tone]
    return base[:pos] + unicodedata.normalize("NFC", marked) + base[pos + 1 :]


def canonical_spelling(text: str) -> str:
    """Apply :func:`canonical_syllable` to every word of ``text`` (case kept)."""
    return _WORD_RE.sub(lambda m: canonical_syllable(m.group(0)), nfc(text))


def search_form(text: str) -> str:
    """Lowercased, NFC, canonical-spelling form of ``text`` for matching."""
    return canonical_spelling(nfc(text).lower())


@lru_cache(maxsize=65_536)
def folded_form(text: str) -> str:
    """Lowercased, accent-free form of ``text`` for accent-tolerant matching.

    Cached: the same clause, heading and locality strings are folded many times
    per question.
    """
    return fold_diacritics(nfc(text).lower())


def is_accentless(text: str) -> bool:
    """True when ``text`` has letters but not a single Vietnamese diacritic.

    Used to tell an accent-less question ("muc ho tro dong bhyt") from an
    accented one.
    """
    letters = [ch for ch in nfc(text) if ch.isalpha()]
    if not letters:
        return False
    return fold_diacritics("".join(letters)) == "".join(letters)
