"""Legacy-font mojibake inside Unicode text: find TCVN3/VNI runs and convert them.

A Unicode file may hold paragraphs pasted from a ``.VnTime`` or ``VNI-Times``
document ("Ch\\u00ddnh s\\u00b8ch" -> "Chính sách"). :func:`convert_legacy_runs`
repairs them run by run and leaves clean text alone.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.reading.legacy_fonts import LEGACY_SIGNATURE, decode_legacy, is_unicode_only
from ingest.syllables import is_vietnamese_syllable, scored_words

_MIN_GAIN = 0.3  # a run is converted only when its syllable score rises this much
_MIN_FIXED_WORDS = 2  # ... and at least this many words become valid syllables


def convert_legacy_runs(text: str) -> str:
    """Convert TCVN3/VNI mojibake runs inside Unicode text; leave everything else alone.

    A *run* is a stretch of a line between words that can only be Unicode
    Vietnamese (they contain ă, ơ, ư, ạ, ế, ... which no legacy byte produces).
    A run is converted with the TCVN3 or VNI table when it contains a
    legacy-only character (µ, ¸, ©, ö, ...), and converting it raises its share
    of valid syllables by at least 0.3 with at least two words repaired. So
    "Ch\\u00ddnh s\\u00b8ch b¶o hiÓm" becomes "Chính sách bảo hiểm", while clean text, an
    OCR slip like "¢y" or a footnote sign "¹" are kept.

    Args:
        text: Unicode text (NFC or not).

    Returns:
        ``text`` with legacy runs converted, NFC. Line breaks and everything
        outside converted runs are unchanged.
    """
    if not any(char in LEGACY_SIGNATURE for char in text):
        return unicodedata.normalize("NFC", text)
    lines = text.splitlines(keepends=True)
    return unicodedata.normalize("NFC", "".join(_convert_line(line) for line in lines))


def _convert_line(line: str) -> str:
    if not any(char in LEGACY_SIGNATURE for char in line):
        return line
    runs: list[list[int]] = []  # [start, end) of consecutive tokens that could be legacy
    previous_in_run = False
    for match in re.finditer(r"\S+", line):
        if is_unicode_only(match.group(0)):
            previous_in_run = False
        elif previous_in_run:
            runs[-1][1] = match.end()
        else:
            runs.append([match.start(), match.end()])
            previous_in_run = True
    pieces = []
    cursor = 0
    for start, end in runs:
        pieces.append(line[cursor:start])
        pieces.append(_convert_run(line[start:end]))
        cursor = end
    pieces.append(line[cursor:])
    return "".join(pieces)


def _convert_run(run: str) -> str:
    """Return the best legacy conversion of ``run`` if it clearly improves it, else ``run``."""
    if not any(char in LEGACY_SIGNATURE for char in run):
        return run
    words = scored_words(run)
    if not words:
        return run
    valid_before = sum(is_vietnamese_syllable(word) for word in words)
    best, best_valid = run, valid_before
    for encoding in ("tcvn3", "vni"):
        converted = decode_legacy(run, encoding)
        converted_words = scored_words(converted)
        if len(converted_words) != len(words):
            continue
        valid = sum(is_vietnamese_syllable(word) for word in converted_words)
        if valid > best_valid:
            best, best_valid = converted, valid
    gain = (best_valid - valid_before) / len(words)
    if best is run or gain < _MIN_GAIN or best_valid - valid_before < _MIN_FIXED_WORDS:
        return run
    return best
