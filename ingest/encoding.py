"""Bytes to NFC Vietnamese text: BOMs, UTF-8/16, Windows-1258, TCVN3 (ABC) and VNI.

Plan files arrive from provincial offices in whatever their editor saved:
UTF-8 with or without BOM, UTF-16, Windows-1258 (tone marks stored as separate
combining characters), or the legacy 8-bit font encodings TCVN3 (``.VnTime``)
and VNI (``VNI-Times``). :func:`decode_bytes` tries strict UTF-8 first, then
scores every 8-bit candidate by the share of words that are valid Vietnamese
syllables (:func:`vietnamese_score`) and keeps the best. :func:`convert_legacy_runs`
repairs legacy-font paragraphs pasted into an otherwise Unicode file
("Ch\\u00ddnh s\\u00b8ch" -> "Chính sách") run by run, leaving clean text alone.

The legacy tables are written here rather than taken from ``viparse`` (0.1.31):
its VNI table lacks ẳ/Ẳ and maps ỵ to "yï" where VNI-Windows uses "î", and its
detector refuses short fragments; ``tests/ingest/test_encoding.py`` checks that
the two tables agree everywhere else.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from functools import cache

from ingest.vntext import split_tone

# --- legacy tables -----------------------------------------------------------------

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
        converted = _TOKEN_RE.sub(lambda match: _recase_heading_word(match, surface), converted)
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


# --- Vietnamese syllables -----------------------------------------------------------

_ONSETS = sorted(
    "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split() + [""],
    key=len, reverse=True,
)
_FRONT = ("i", "e", "ê", "y")  # k, gh, ngh only before these; c, g, ng never (g + i is "gi")
_OPEN_ONLY = set(
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu iêu yêu oai oao oay oeo "
    "uây uôi ươi ươu uya uyu uơ ueo".split()
)
_CODA_OPTIONAL = set("a e ê i o ô ơ u ư y oa oe uê uy".split())
_CODA_REQUIRED = set("ă â iê yê uô ươ oă uâ uyê oo".split())
_CODAS = ("c", "ch", "m", "n", "ng", "nh", "p", "t")
_PALATAL_NUCLEI = {"a", "ê", "i", "oa", "uê", "uy"}  # the only nuclei before ch / nh


def _build_rhymes() -> set[str]:
    rhymes = set(_OPEN_ONLY) | _CODA_OPTIONAL
    for nucleus in _CODA_OPTIONAL | _CODA_REQUIRED:
        for coda in _CODAS:
            if coda in ("ch", "nh") and nucleus not in _PALATAL_NUCLEI:
                continue
            rhymes.add(nucleus + coda)
    return rhymes


_RHYMES = frozenset(_build_rhymes())
_STOP_CODAS = ("c", "ch", "p", "t")
_VIETNAMESE_LETTERS = set("abcdđeghiklmnopqrstuvxyăâêôơư")


@cache
def is_vietnamese_syllable(word: str) -> bool:
    """True when ``word`` is a well-formed Vietnamese syllable ("nghiệp", "Ủy", "gì").

    A compact phonotactic check: onset + rhyme from the standard inventories,
    k/gh/ngh only before front vowels, stop finals (c, ch, p, t) only with the
    sắc or nặng tone. Case and tone placement do not matter; digits and
    foreign letters make the word invalid.
    """
    base, tone = split_tone(word.lower())
    if not base or not set(base) <= _VIETNAMESE_LETTERS:
        return False
    for onset in _ONSETS:
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset):]
        if rhyme not in _RHYMES:
            continue
        if onset in ("k", "gh", "ngh") and not rhyme.startswith(_FRONT):
            continue
        if onset in ("c", "ng", "g") and rhyme.startswith(_FRONT[1:] if onset == "g" else _FRONT):
            continue
        if rhyme.endswith(_STOP_CODAS) and tone not in (2, 5):
            continue
        return True
    return False


_TOKEN_RE = re.compile(r"[^\s\-/]+")
_STRIP = string.punctuation + "“”‘’…–—"


def _words(text: str) -> list[str]:
    """Whitespace tokens with surrounding punctuation removed; tokens with digits are skipped."""
    words = []
    for token in _TOKEN_RE.findall(text):
        word = token.strip(_STRIP)
        # ASCII digits only: "¹" and "²" are TCVN3 letters (ạ, ẳ... ) that str.isdigit accepts.
        if word and not any("0" <= char <= "9" for char in word):
            words.append(word)
    return words


def vietnamese_score(text: str) -> float:
    """Share of the words of ``text`` that are valid Vietnamese syllables (0.0 when none).

    Clean Vietnamese prose scores about 0.9 (acronyms and foreign names count
    against it); mojibake, OCR damage and other languages score much lower.
    """
    words = _words(text)
    if not words:
        return 0.0
    return sum(is_vietnamese_syllable(word) for word in words) / len(words)


# --- whole-file decoding -----------------------------------------------------------


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


# --- legacy runs inside Unicode text -------------------------------------------------

# Latin-1 characters that occur in the legacy tables but are not Vietnamese letters:
# a run must contain one of them to be considered legacy text at all.
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_SIGNATURE = frozenset(
    char
    for encoding in ("tcvn3", "vni")
    for legacy in _unicode_to_legacy(encoding).values()
    for char in legacy
    if ord(char) >= 0xA0 and char not in _VIETNAMESE_LATIN1
) | frozenset(_PDF_GLYPHS)
_MIN_GAIN = 0.3  # a run is converted only when its syllable score rises this much
_MIN_FIXED_WORDS = 2  # ... and at least this many words become valid syllables


def _is_unicode_only(token: str) -> bool:
    """True when the token holds a letter no legacy surface can produce (ă, ư, ạ, ...)."""
    return any(ord(char) > 0xFF and char not in _PDF_GLYPHS for char in token)


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
    if not any(char in _SIGNATURE for char in text):
        return unicodedata.normalize("NFC", text)
    lines = text.splitlines(keepends=True)
    return unicodedata.normalize("NFC", "".join(_convert_line(line) for line in lines))


def _convert_line(line: str) -> str:
    if not any(char in _SIGNATURE for char in line):
        return line
    runs: list[list[int]] = []  # [start, end) of consecutive tokens that could be legacy
    previous_in_run = False
    for match in re.finditer(r"\S+", line):
        if _is_unicode_only(match.group(0)):
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
    if not any(char in _SIGNATURE for char in run):
        return run
    words = _words(run)
    if not words:
        return run
    valid_before = sum(is_vietnamese_syllable(word) for word in words)
    best, best_valid = run, valid_before
    for encoding in ("tcvn3", "vni"):
        converted = decode_legacy(run, encoding)
        converted_words = _words(converted)
        if len(converted_words) != len(words):
            continue
        valid = sum(is_vietnamese_syllable(word) for word in converted_words)
        if valid > best_valid:
            best, best_valid = converted, valid
    gain = (best_valid - valid_before) / len(words)
    if best is run or gain < _MIN_GAIN or best_valid - valid_before < _MIN_FIXED_WORDS:
        return run
    return best
