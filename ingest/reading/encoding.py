"""Bytes to NFC Vietnamese text: BOMs, UTF-8/16, Windows-1258, TCVN3 (ABC) and VNI.

Plan files arrive from provincial offices in whatever their editor saved:
UTF-8 with or without BOM, UTF-16, Windows-1258 (tone marks stored as separate
combining characters), or the legacy 8-bit font encodings TCVN3 (``.VnTime``)
and VNI (``VNI-Times``). :func:`decode_bytes` tries strict UTF-8 first. A file
that is UTF-8 but for a few stray bytes (a Windows quote pasted from Word) stays
UTF-8, with those bytes replaced by "\ufffd" and a warning naming where they
are: it degrades locally. Otherwise every 8-bit candidate is scored by the
share of words that are valid Vietnamese syllables (:func:`vietnamese_score`),
and a legacy encoding is chosen only on that positive evidence; a best guess
that is still poor Vietnamese is kept with a warning. :func:`convert_legacy_runs`
repairs legacy-font paragraphs pasted into an otherwise Unicode file
("Ch\\u00ddnh s\\u00b8ch" -> "Chính sách") run by run, leaving clean text alone.

This module is the entry point and holds the whole-file detection. Its parts
live in ``legacy_fonts.py`` (the TCVN3/VNI tables, :func:`encode_legacy`,
:func:`decode_legacy`), ``ingest/syllables.py`` (:func:`is_vietnamese_syllable`,
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
        warnings: Vietnamese notes for the ingest report (stray bytes replaced,
            an uncertain guess).
    """

    text: str
    encoding: str
    score: float = 1.0
    warnings: tuple[str, ...] = ()


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
# A UTF-8 file may carry this many stray bytes (at least, or one per thousand) and stay UTF-8.
_STRAY_BYTES_MIN = 16
_STRAY_BYTES_PER_MILLE = 1
# A legacy reading must beat the repaired UTF-8 reading by this much syllable score to win.
_LEGACY_MARGIN = 0.1
# Below this syllable score a guessed 8-bit encoding is kept, with a warning.
_UNCERTAIN_SCORE = 0.6
_SHOWN_POSITIONS = 5


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
    mostly_utf8 = _utf8_with_stray_bytes(data)
    if mostly_utf8 is not None and not best.score > mostly_utf8.score + _LEGACY_MARGIN:
        return mostly_utf8
    if best.score < _UNCERTAIN_SCORE:
        note = (f"Không chắc chắn về bảng mã của tệp: đã đọc theo {best.encoding}, nhưng chỉ "
                f"{best.score:.0%} số từ là âm tiết tiếng Việt hợp lệ; hãy kiểm tra lại nội dung.")
        return DecodedText(best.text, best.encoding, best.score, (note,))
    return best


def _utf8_with_stray_bytes(data: bytes) -> DecodedText | None:
    """UTF-8 with a few invalid bytes replaced by U+FFFD, when the rest is real UTF-8; else None.

    Real UTF-8 means the file has multi-byte sequences (Vietnamese letters) and the
    invalid bytes are few: at most 16, or one per thousand bytes.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    stray = [i for i, char in enumerate(text) if "\udc80" <= char <= "\udcff"]
    multibyte = sum(1 for char in text if char > "\x7f" and not "\udc80" <= char <= "\udcff")
    if not stray or not multibyte or len(stray) > max(_STRAY_BYTES_MIN, len(data) * _STRAY_BYTES_PER_MILLE // 1000):
        return None
    lines = [text.count("\n", 0, i) + 1 for i in stray]
    shown = ", ".join(f"dòng {line}" for line in dict.fromkeys(lines[:_SHOWN_POSITIONS]))
    more = " và các chỗ khác" if len(set(lines)) > _SHOWN_POSITIONS else ""
    byte_values = ", ".join(sorted({f"0x{ord(text[i]) - 0xDC00:02X}" for i in stray})[:_SHOWN_POSITIONS])
    note = (f"Tệp là UTF-8 nhưng có {len(stray)} byte không hợp lệ ({byte_values}) ở {shown}{more}; "
            "các byte này đã được thay bằng ký tự \ufffd, phần còn lại giữ nguyên.")
    repaired = "".join("\ufffd" if "\udc80" <= char <= "\udcff" else char for char in text)
    repaired = unicodedata.normalize("NFC", repaired)
    return DecodedText(repaired, "utf-8", round(vietnamese_score(repaired), 4), (note,))


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

