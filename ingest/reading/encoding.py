"""Bytes to NFC Vietnamese text: BOMs, UTF-8/16, Windows-1258, TCVN3 (ABC) and VNI.

Plan files arrive from provincial offices in whatever their editor saved:
UTF-8 with or without BOM, UTF-16, Windows-1258 (tone marks stored as separate
combining characters), or the legacy 8-bit font encodings TCVN3 (``.VnTime``)
and VNI (``VNI-Times``). :func:`decode_bytes` tries strict UTF-8 first, then
scores every 8-bit candidate by the share of words that are valid Vietnamese
syllables (:func:`vietnamese_score`) and keeps the best. :func:`convert_legacy_runs`
repairs legacy-font paragraphs pasted into an otherwise Unicode file
("Ch\\u00ddnh s\\u00b8ch" -> "Chính sách") run by run, leaving clean text alone.

This module is the entry point and holds the whole-file detection. Its parts
live in ``legacy_fonts.py`` (the TCVN3/VNI tables, :func:`encode_legacy`,
:func:`decode_legacy`), ``syllable_score.py`` (:func:`is_vietnamese_syllable`,
:func:`vietnamese_score`) and ``legacy_runs.py`` (:func:`convert_legacy_runs`);
import them from there.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ingest.reading.legacy_fonts import decode_legacy
from ingest.syllables import vietnamese_score

__all__ = ["DecodedText", "UndecodableBytesError", "decode_bytes"]


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from a file's bytes.

    Attributes:
        text: the text, NFC.
        encoding: how it was decoded: ``utf-8``, ``utf-8-sig``, ``utf-16-le``,
            ``utf-16-be``, ``cp1258``, ``tcvn3``, ``vni`` or ``cp1252`` (the
            fallback: any bytes decode, undefined ones as Latin-1).
        score: :func:`vietnamese_score` of the chosen decoding when the
            encoding was guessed by scoring; 1.0 when it was certain (BOM, UTF-8).
    """

    text: str
    encoding: str
    score: float = 1.0


class UndecodableBytesError(ValueError):
    """The bytes are not text in any supported encoding (e.g. an image or random data)."""


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# 8-bit candidates, in the order that wins ties.
_EIGHT_BIT = ("cp1258", "tcvn3", "vni", "cp1252")
_CP1252_SURFACE = {
    byte: bytes([byte]).decode("cp1252") for byte in range(0x80, 0xA0) if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_ALLOWED_CONTROLS = set("\t\n\r\f\x0b")


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a text file's bytes to NFC, detecting the encoding.

    Order: a BOM decides (UTF-8, UTF-16 LE/BE); then strict UTF-8; then BOM-less
    UTF-16 recognised by its zero bytes; then every 8-bit candidate (Windows-1258,
    TCVN3, VNI, Windows-1252) is decoded and the one whose words are most often valid
    Vietnamese syllables wins.

    Args:
        data: the whole file content.

    Returns:
        The decoded text (NFC) and the encoding used.

    Raises:
        UndecodableBytesError: when the text looks binary (a NUL, or more than 1%
            control characters) or a BOM announces an encoding the bytes do not follow.
    """
    decoded = _decode_unchecked(data)
    if _looks_binary(decoded.text):
        raise UndecodableBytesError("binary content (NUL or control characters)")
    return decoded


def _decode_unchecked(data: bytes) -> DecodedText:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data if encoding == "utf-8-sig" else data[len(bom):]
            try:
                return DecodedText(unicodedata.normalize("NFC", body.decode(encoding)), encoding)
            except UnicodeDecodeError as error:
                raise UndecodableBytesError(f"BOM says {encoding} but the bytes are not: {error}") from error
    try:
        return DecodedText(unicodedata.normalize("NFC", data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _guess_bomless_utf16(data)
    if utf16 is not None:
        return DecodedText(utf16[0], utf16[1])
    if b"\x00" in data:
        raise UndecodableBytesError("binary content (NUL bytes)")
    best: DecodedText | None = None
    for encoding in _EIGHT_BIT:
        text = _decode_eight_bit(data, encoding)
        if text is None:
            continue
        candidate = DecodedText(text, encoding, round(vietnamese_score(text), 4))
        if best is None or candidate.score > best.score:
            best = candidate
    assert best is not None  # the cp1252 surface decodes any bytes
    return best


def _windows_surface(data: bytes) -> str:
    """Bytes as Windows-1252 characters (“ ” – ...), Latin-1 for the five bytes it leaves undefined."""
    return data.decode("latin-1").translate(_CP1252_SURFACE)


def _decode_eight_bit(data: bytes, encoding: str) -> str | None:
    if encoding in ("tcvn3", "vni"):
        return decode_legacy(_windows_surface(data), encoding)
    if encoding == "cp1252":
        return unicodedata.normalize("NFC", _windows_surface(data))
    try:
        return unicodedata.normalize("NFC", data.decode(encoding))
    except UnicodeDecodeError:
        return None


def _guess_bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """Return (text, encoding) when ``data`` is BOM-less UTF-16: many zero high bytes on one side only."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_zero = data[0::2].count(0) / (len(data) // 2)
    odd_zero = data[1::2].count(0) / (len(data) // 2)
    if odd_zero >= 0.3 and even_zero <= 0.05:
        encoding = "utf-16-le"
    elif even_zero >= 0.3 and odd_zero <= 0.05:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return unicodedata.normalize("NFC", text), encoding


def _looks_binary(text: str) -> bool:
    """NUL, or more than 1% C0 control characters other than whitespace (and DEL)."""
    if "\x00" in text:
        return True
    controls = sum(1 for char in text if (char < " " and char not in _ALLOWED_CONTROLS) or char == "\x7f")
    return controls > len(text) / 100

