"""The one table of Vietnamese localities, and finding them in text.

The table (:func:`localities`) holds the 34 provinces and centrally-run cities
of the 2025 reform with their 3,321 communes (xã), wards (phường) and special
zones (đặc khu), read from the ``vietnam-provinces`` package, and the 30
provinces of before the 2025 merger that older plans still name ("Thừa Thiên
Huế", "Bà Rịa - Vũng Tàu"), each with the province it was merged into.
Lookup structures are built once, on first use.

Text finding (:func:`find_places`) works on folded forms, with the OCR
confusion "Đ" -> "P" undone at word starts ("PONG NAI" -> "Đồng Nai"). A
province or city counts by its name alone; a commune or ward name collides
with ordinary words and with other communes ("Tân Phú" is a commune of six
provinces), so it counts only after its level word ("xã Ia Grai", "phường
Thuận Hóa", "p. Thuận Hóa", accent-less "xa ia grai") or when the caller
knows it (the locality of an indexed plan). A province named with it ("xã Ia
Grai, tỉnh Gia Lai") chooses among same-name communes. :func:`places_in_question`
adds the rules for questions: a bare name counts when written as a name, after a
place word, or typed on a phone, and never when it is an ordinary phrase.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ingest.vntext import folded_form, is_accentless, nfc, search_form

__all__ = [
    "ALIASES", "COMMUNE_LEVELS", "ORDINARY_PHRASES", "PROVINCE_LEVELS", "SPELLING_EQUIVALENTS", "Locality",
    "PlaceMention", "WrittenPlace", "choose_in_provinces", "find_localities", "find_places", "fold_ocr", "localities", "lookup_locality",
    "place_names", "place_spelling", "places_in_question", "province_called", "read_place_name",
]

PROVINCE_LEVELS = ("tỉnh", "thành phố")
COMMUNE_LEVELS = ("xã", "phường", "đặc khu")


@dataclass(frozen=True)
class Locality:
    """A province, centrally-run city, commune, ward or special zone.

    Attributes:
        name: Name with accents, without its level word: "Đồng Nai", "Ia Grai".
        level: "tỉnh", "thành phố", "xã", "phường" or "đặc khu" ("" when unknown).
        province: The province or city it lies in (its own name for a province).
        merged_into: For a province merged away in 2025, the province it became part of.
    """

    name: str
    level: str
    province: str = ""
    merged_into: str = ""

    @property
    def is_province(self) -> bool:
        """True for a province or centrally-run city."""
        return self.level in PROVINCE_LEVELS


#: Provinces merged away in 2025 (older plans still name them), with the province each joined.
_MERGED_PROVINCES: tuple[tuple[str, str], ...] = (
    ("Hà Giang", "Tuyên Quang"), ("Yên Bái", "Lào Cai"), ("Bắc Kạn", "Thái Nguyên"), ("Vĩnh Phúc", "Phú Thọ"),
    ("Hòa Bình", "Phú Thọ"), ("Bắc Giang", "Bắc Ninh"), ("Hải Dương", "Hải Phòng"), ("Thái Bình", "Hưng Yên"),
    ("Hà Nam", "Ninh Bình"), ("Nam Định", "Ninh Bình"), ("Quảng Bình", "Quảng Trị"),
    ("Thừa Thiên Huế", "Huế"),
    ("Quảng Nam", "Đà Nẵng"), ("Kon Tum", "Quảng Ngãi"), ("Bình Định", "Gia Lai"), ("Phú Yên", "Đắk Lắk"),
    ("Ninh Thuận", "Khánh Hòa"), ("Đắk Nông", "Lâm Đồng"), ("Bình Thuận", "Lâm Đồng"), ("Bình Phước", "Đồng Nai"),
    ("Bình Dương", "Hồ Chí Minh"), ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"), ("Long An", "Tây Ninh"),
    ("Tiền Giang", "Đồng Tháp"), ("Bến Tre", "Vĩnh Long"), ("Trà Vinh", "Vĩnh Long"), ("Sóc Trăng", "Cần Thơ"),
    ("Hậu Giang", "Cần Thơ"), ("Bạc Liêu", "Cà Mau"), ("Kiên Giang", "An Giang"),
)

#: Other names people write for a province or city: the old city name, the halves of a merged name.
ALIASES: dict[str, str] = {
    "Sài Gòn": "Hồ Chí Minh",
    "HCM": "Hồ Chí Minh",
    "TPHCM": "Hồ Chí Minh",
    "Bà Rịa": "Bà Rịa - Vũng Tàu",
    "Vũng Tàu": "Bà Rịa - Vũng Tàu",
}

#: Spellings of one syllable that name the same place ("Đắk Đoa", "Đăk Đoa", "Đak Đoa"): the
#: official lists themselves mix them. Keys and values are in :func:`~ingest.vntext.search_form`.
SPELLING_EQUIVALENTS: dict[str, str] = {"đắk": "đak", "đăk": "đak", "krông": "krong"}

#: Folded phrases that are place names but, typed without capitals, mean ordinary words:
#: "nâng cao bằng", "hòa bình" (peace), "diễn biến", "đóng thấp".
ORDINARY_PHRASES = frozenset({"cao bang", "hoa binh", "dien bien", "dong thap"})

# Level words, folded: the levels they name, their accented spelling, the level they write.
_LEVEL_WORDS: dict[tuple[str, ...], tuple[tuple[str, ...], str, str]] = {
    ("tinh",): (PROVINCE_LEVELS, "tỉnh", "tỉnh"),
    ("thanh", "pho"): (PROVINCE_LEVELS, "thành phố", "thành phố"),
    ("tp",): (PROVINCE_LEVELS, "tp", "thành phố"),
    ("xa",): (("xã",), "xã", "xã"),
    ("x",): (("xã",), "x", "xã"),
    ("phuong",): (("phường",), "phường", "phường"),
    ("p",): (("phường",), "p", "phường"),
    ("dac", "khu"): (("đặc khu",), "đặc khu", "đặc khu"),
}
_DOTTED_LEVEL_WORDS = {"x", "p"}  # one letter: a level word only as "p." / "x."
# Typed without accents, "xa" and "phuong" are also "xa" (far) and "phương" (direction, way):
# the words before or after them that say so ("địa phương", "thị xã", "phương án", "xã hội").
_NOT_LEVEL_AFTER = frozenset({"dia", "thi", "song", "da", "don", "bon", "tha", "vung"})
_NOT_LEVEL_BEFORE = {"xa": frozenset({"hoi", "xoi"}),
                     "phuong": frozenset({"an", "tien", "huong", "thuc", "phap", "cham", "trinh", "dien"})}
# Words after which a bare name in a question is a place ("ở Huế", "của Đồng Nai").
_QUESTION_PLACE_MARKERS = frozenset({"tinh", "pho", "tp", "xa", "huyen", "quan", "phuong", "o", "tai", "cua", "va"})
_LEVEL_PREFIX_RE = re.compile(r"^(thành phố|tỉnh|xã|phường|đặc khu)\s+", re.IGNORECASE)
_WORD_RE = re.compile(r"\w+")
# What may stand between two words of one name: spaces, or the hyphen, dash or apostrophe of
# "Bà Rịa - Vũng Tàu", "Chân Mây – Lăng Cô", "M’Drắk".
_NAME_GAP_RE = re.compile(r"\s*[-–’']?\s*")


def _package_divisions() -> list[dict]:
    """The package's nested divisions file, read without importing its 3,000-member enum module."""
    spec = importlib.util.find_spec("vietnam_provinces")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("vietnam_provinces is not installed (see pyproject.toml)")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "nested-divisions.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _split_level(official: str) -> tuple[str, str]:
    """("Xã", "Ia Grai") from "Xã Ia Grai"; the level lowercased, the name with spaces collapsed."""
    official = " ".join(nfc(official).split())
    match = _LEVEL_PREFIX_RE.match(official)
    if not match:
        return "", official
    return match.group(1).lower(), official[match.end():]


@lru_cache(maxsize=1)
def localities() -> tuple[Locality, ...]:
    """Every locality of the table: provinces and cities (2025, then merged away), then communes and wards."""
    provinces: list[Locality] = []
    communes: list[Locality] = []
    for division in _package_divisions():
        _, province = _split_level(division["name"])
        level = "thành phố" if division["division_type"].startswith("thành phố") else "tỉnh"
        provinces.append(Locality(province, level, province))
        for ward in division["wards"]:
            _, name = _split_level(ward["name"])
            communes.append(Locality(name, ward["division_type"], province))
    merged = [Locality(name, "tỉnh", name, successor) for name, successor in _MERGED_PROVINCES]
    return tuple(provinces + merged + communes)


def fold_ocr(text: str) -> str:
    """Folded form with the OCR "Đ" -> "P" confusion undone at word starts ("pong nai" -> "dong nai")."""
    return re.sub(r"\bp(?=[aeiouy])", "d", folded_form(text))


@lru_cache(maxsize=65536)  # a question is checked against every indexed plan's name (3,400 at national scale)
def _key(name: str) -> str:
    """Lookup key of a name: OCR-folded words joined by one space ("Bà Rịa - Vũng Tàu" -> "ba ria vung tau")."""
    return " ".join(fold_ocr(w) for w in _WORD_RE.findall(name))


def place_spelling(text: str) -> str:
    """Accented comparison form: :func:`search_form`, words only, with :data:`SPELLING_EQUIVALENTS` applied."""
    return " ".join(SPELLING_EQUIVALENTS.get(w, w) for w in _WORD_RE.findall(search_form(text)))


@dataclass(frozen=True)
class _NameTable:
    """Names by lookup key, as (spelling, place) pairs: an alias is spelt as the alias, not as its place."""

    entries: dict[str, tuple[tuple[str, Locality], ...]]
    first_words: frozenset[str]
    longest: int

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, Locality]]) -> _NameTable:
        grouped: dict[str, list[tuple[str, Locality]]] = defaultdict(list)
        for spelling, loc in pairs:
            key = _key(spelling)
            if key:
                grouped[key].append((spelling, loc))
        return cls({k: tuple(v) for k, v in grouped.items()}, frozenset(k.split()[0] for k in grouped),
                   max((len(k.split()) for k in grouped), default=0))


@dataclass(frozen=True)
class _Tables:
    provinces: _NameTable  # provinces and cities, aliases included
    communes: _NameTable  # communes, wards, special zones
    by_name: dict[str, Locality]  # province name -> province


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    by_name = {loc.name: loc for loc in localities() if loc.is_province}
    provinces = _NameTable.of([(loc.name, loc) for loc in by_name.values()]
                              + [(alias, by_name[target]) for alias, target in ALIASES.items()])
    communes = _NameTable.of((loc.name, loc) for loc in localities() if not loc.is_province)
    return _Tables(provinces, communes, by_name)


def province_called(name: str) -> Locality | None:
    """The province or city the table calls ``name`` exactly, else None."""
    return _tables().by_name.get(name)


# ---------------------------------------------------------------------------------------- lookup


@dataclass(frozen=True)
class WrittenPlace:
    """A place name as a user or a plan writes it, read into parts.

    Attributes:
        key: Folded name without its level word: "ia grai".
        level: The level its level word writes ("xã", "phường", "đặc khu", "tỉnh", "thành phố"),
            "" without one.
        province: The province written after it, table name ("xã Ia Grai, tỉnh Gia Lai" -> "Gia Lai").
    """

    key: str
    level: str
    province: str = ""

    @property
    def is_commune(self) -> bool:
        """True when written as a commune, ward or special zone."""
        return self.level in COMMUNE_LEVELS


def _level_word_at(words: Sequence[str], i: int) -> tuple[int, tuple[str, ...]]:
    """(number of words, levels) of a level word starting at ``words[i]``, or (0, ())."""
    for size in (2, 1):
        entry = _LEVEL_WORDS.get(tuple(words[i:i + size]))
        if entry and len(words) > i + size:
            return size, entry[0]
    return 0, ()


def read_place_name(name: str) -> WrittenPlace:
    """Read a written place name: "Tỉnh Ninh Bình", "xã Đak Đoa", "Dak Doa", "xã Ia Grai, tỉnh Gia Lai"."""
    text = nfc(name)
    province = ""
    head, sep, tail = text.partition(",")
    if sep:
        found = lookup_locality(tail)
        if found is not None and found.is_province:
            text, province = head, found.name
    words = _WORD_RE.findall(folded_form(text))
    size, _ = _level_word_at(words, 0)
    level = _LEVEL_WORDS[tuple(words[:size])][2] if size else ""
    return WrittenPlace(" ".join(words[size:]), level, province)


def lookup_locality(name: str, *, provinces: Iterable[str] = (), communes: bool = False) -> Locality | None:
    """The table locality ``name`` names (OCR tolerant, level word optional), else None.

    A bare name is a province or city ("Đak Đoa" is None), as in any text; a commune or ward
    is looked up when its level word is written ("xã Đak Đoa", "phường Lào Cai") or when the
    caller knows the name is a commune's (``communes=True``: the place line of a commune's plan),
    and then a province or city of the same name still wins unless the level word says otherwise.
    A commune name several provinces share is resolved by a province written after it ("Tân Phú,
    tỉnh Đồng Nai") or by ``provinces`` (a province merged away counts as the one it joined);
    otherwise it stays unresolved (None).

    Args:
        name: The name as written: "PONG NAI", "Tỉnh Gia Lai", "xã Đak Đoa", "dongnai".
        provinces: Provinces the text around it names, to choose among same-name communes.
        communes: Look the bare name up among communes too.
    """
    written = read_place_name(name)
    tables = _tables()
    key = _key(written.key)
    if not key:
        return None
    joined = key.replace(" ", "")
    if not written.is_commune:
        found = tables.provinces.entries.get(key) or next(
            (entries for k, entries in tables.provinces.entries.items() if k.replace(" ", "") == joined), ())
        if found:
            return found[0][1]
    if not written.is_commune and not communes:
        return None
    candidates = [c for _, c in tables.communes.entries.get(key, ()) if not written.level or c.level == written.level]
    if written.province:
        return choose_in_provinces(candidates, [written.province], strict=True)
    return choose_in_provinces(candidates, provinces)


def choose_in_provinces(candidates: Sequence[Locality], provinces: Iterable[str], *, strict: bool = False) -> Locality | None:
    """The one candidate in the first of ``provinces`` that holds one, else (unless ``strict``) the
    only candidate. A province merged away holds what the province it joined holds."""
    for province in provinces:
        loc = province_called(province)
        names = {province, loc.merged_into} if loc else {province}
        inside = [c for c in candidates if c.province in names]
        if len(inside) == 1:
            return inside[0]
    return candidates[0] if len(candidates) == 1 and not strict else None


# ---------------------------------------------------------------------------------- text finding


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a text.

    Attributes:
        locality: The place meant (for a commune name several provinces share, the one in the
            province the text names, else the first of :attr:`candidates`).
        start: Offset of the mention in the text (its level word included).
        end: Offset after it (a province written with a commune included).
        marked: Written with its level word ("xã Ia Grai", "tỉnh Gia Lai").
        candidates: Every table place of this name and level (same-name communes of other provinces).
        province_named: The text names the province of this commune ("xã Ia Grai, tỉnh Gia Lai").
    """

    locality: Locality
    start: int
    end: int
    marked: bool = False
    candidates: tuple[Locality, ...] = ()
    province_named: bool = False

    @property
    def label(self) -> str:
        """How an answer names the place: "Gia Lai", "xã Ia Grai", "xã Tân Phú, tỉnh Đồng Nai"."""
        loc = self.locality
        if loc.is_province or not loc.level:
            return loc.name
        label = f"{loc.level} {loc.name}"
        province = province_called(loc.province)
        if self.province_named and province is not None:
            label += f", {province.level} {province.name}"
        return label


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    key: str


def _words(text: str) -> list[_Word]:
    return [_Word(m.start(), m.end(), fold_ocr(m.group(0))) for m in _WORD_RE.finditer(text)]


def _spelled_as(written: str, name: str, accents: str) -> bool:
    """Whether ``written`` may name ``name``: "ocr" anything folded-equal, "loose" accent-less or
    the same accents, "exact" the same accents (:func:`place_spelling`)."""
    if accents == "ocr":
        return True
    if accents == "loose" and is_accentless(written):
        return _WORD_RE.findall(folded_form(written)) == _WORD_RE.findall(folded_form(name))
    return place_spelling(written) == place_spelling(name)


def _is_level_word(text: str, words: Sequence[_Word], i: int, size: int, accents: str) -> bool:
    written = text[words[i].start:words[i + size - 1].end]
    first = words[i].key
    if first in _DOTTED_LEVEL_WORDS and text[words[i].end:words[i].end + 1] != ".":
        return False
    if first == "xa" and i > 0 and words[i - 1].key == "thi":  # "thị xã" is another level
        return False
    _, accented, _ = _LEVEL_WORDS[tuple(w.key for w in words[i:i + size])]
    if accents == "ocr" or is_accentless(written):
        if accents == "exact" and written.lower() != accented:
            return False
        before = words[i - 1].key if i > 0 else ""
        after = words[i + size].key if i + size < len(words) else ""
        return before not in _NOT_LEVEL_AFTER and after not in _NOT_LEVEL_BEFORE.get(first, ())
    return search_form(" ".join(written.split())) == accented


def _name_at(text: str, words: Sequence[_Word], i: int, table: _NameTable, levels: tuple[str, ...] | None,
             accents: str) -> tuple[int, tuple[Locality, ...]]:
    """(number of words, candidates) of the longest name of ``table`` starting at ``words[i]``."""
    if i >= len(words) or words[i].key not in table.first_words:
        return 0, ()
    longest = min(table.longest, len(words) - i)
    for n in range(i + 1, i + longest):  # a name does not run across punctuation ("năm. Định")
        if not _NAME_GAP_RE.fullmatch(text[words[n - 1].end:words[n].start]):
            longest = n - i
            break
    for size in range(longest, 0, -1):
        entries = table.entries.get(" ".join(w.key for w in words[i:i + size]))
        if not entries:
            continue
        written = text[words[i].start:words[i + size - 1].end]
        found = tuple(dict.fromkeys(loc for spelling, loc in entries
                                    if (levels is None or loc.level in levels)
                                    and _spelled_as(written, spelling, accents)))
        if found:
            return size, found
    return 0, ()


# What may stand between a commune and the province written with it: ", tỉnh", " thuộc ", " (".
_QUALIFIER_GAP_RE = re.compile(r"[\s,:()\-–]*(?:(?:thuoc|cua|o|tai)[\s,:()\-–]*)?")


def find_places(text: str, *, accents: str = "loose", known: Sequence[Locality] = (),
                max_chars: int | None = None) -> list[PlaceMention]:
    """Places named in ``text``, in order of appearance.

    Args:
        text: Any text (NFC or NFD).
        accents: "loose": a name written without accents matches on its folded form, one written
            with accents must carry the table's (so "huệ" is not "Huế"); "exact": the table's
            accents always; "ocr": folded forms only, "Đ" read as "P" undone.
        known: Places that count by their bare name too (the localities of indexed plans).
        max_chars: Read only this many first characters.
    """
    if accents not in ("loose", "exact", "ocr"):
        raise ValueError(f"accents must be 'loose', 'exact' or 'ocr', got {accents!r}")
    text = nfc(text if max_chars is None else text[:max_chars])
    words = _words(text)
    tables = _tables()
    keys = [w.key for w in words]
    known_table = _NameTable.of((loc.name, loc) for loc in known)
    mentions: list[PlaceMention] = []
    i = 0
    while i < len(words):
        size, levels = _level_word_at(keys, i)
        if size and _is_level_word(text, words, i, size, accents):
            table = tables.provinces if levels == PROVINCE_LEVELS else tables.communes
            length, found = _name_at(text, words, i + size, table, levels, accents)
            if not found and levels != PROVINCE_LEVELS:
                length, found = _name_at(text, words, i + size, known_table, None, accents)
                found = tuple(f for f in found if f.level in levels + ("",))
            if found:
                end = i + size + length
                mentions.append(PlaceMention(found[0], words[i].start, words[end - 1].end, True, found))
                i = end
                continue
            # A commune of another level ("phường Đak Đoa" where Đak Đoa is a xã) is not that place
            # either; a province still is ("các xã Ninh Bình": the communes of Ninh Bình).
            other = max(_name_at(text, words, i + size, t, None, accents)[0] for t in (tables.communes, known_table))
            other = 0 if _name_at(text, words, i + size, tables.provinces, None, accents)[0] >= other else other
            if other:
                i += size + other
                continue
        best = (0, ())
        for table in (tables.provinces, known_table):
            length, found = _name_at(text, words, i, table, None, accents)
            if length > best[0]:
                best = (length, found)
        if best[0]:
            end = i + best[0]
            mentions.append(PlaceMention(best[1][0], words[i].start, words[end - 1].end, False, best[1]))
            i = end
            continue
        i += 1
    return _attach_provinces(text, mentions)


def _attach_provinces(text: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """Choose each commune's province among the provinces the text names; a province written right
    after its commune ("xã Ia Grai, tỉnh Gia Lai", "xã Ia Grai thuộc Gia Lai") joins the mention."""
    province_names = [m.locality.name for m in mentions if m.locality.is_province]
    result: list[PlaceMention] = []
    joined = False
    for n, mention in enumerate(mentions):
        if joined:  # this province joined the commune before it
            joined = False
            continue
        if mention.locality.is_province or not mention.locality.level:
            result.append(mention)
            continue
        following = mentions[n + 1] if n + 1 < len(mentions) else None
        if following is not None and following.locality.is_province and \
                _QUALIFIER_GAP_RE.fullmatch(folded_form(text[mention.end:following.start])):
            chosen = choose_in_provinces(mention.candidates, [following.locality.name], strict=True)
            if chosen is not None:
                result.append(replace(mention, locality=chosen, end=following.end, province_named=True))
                joined = True
                continue
        chosen = choose_in_provinces(mention.candidates, province_names)
        result.append(replace(mention, locality=chosen) if chosen is not None else mention)
    return result


def places_in_question(question: str, *, known: Sequence[Locality] = ()) -> list[PlaceMention]:
    """Places a question names, in order, as :func:`find_places` finds them with the rules of questions.

    A bare name (no level word) of the table counts when written as a name ("Lào Cai"), after a
    place word ("ở", "tại", "của"), or typed on a phone (all lowercase, no accents) when it has two
    syllables or more; a ``known`` name (an indexed plan's locality or province: "hue", "dak doa")
    counts however it is written. Neither counts as one of :data:`ORDINARY_PHRASES` written in
    lowercase without a place word before it, so "nâng cao bằng cách nào" names no place.

    Args:
        question: The question as typed.
        known: Places that count by their bare name too (the localities of indexed plans).
    """
    text = nfc(question)
    phone_typed = text == text.lower() and is_accentless(text)
    words = _words(text)
    index_of = {w.start: n for n, w in enumerate(words)}
    known_keys = {_key(loc.name) for loc in known} | {_key(loc.province) for loc in known if loc.province}
    kept: list[PlaceMention] = []
    for mention in find_places(text, accents="loose", known=known):
        if not mention.marked:
            written = text[mention.start:mention.end]
            key = _key(written)
            n = index_of[mention.start]
            capitalised = all(w[:1].isupper() for w in written.split() if w[:1].isalpha())
            preceded = n > 0 and words[n - 1].key in _QUESTION_PLACE_MARKERS
            if key in ORDINARY_PHRASES and not (capitalised or preceded):
                continue
            typed_bare = phone_typed and len(key.split()) >= 2
            if not (capitalised or preceded or typed_bare or key in known_keys):
                continue
        kept.append(mention)
    return kept


# Localities are named in the first pages; scanning more only costs time on huge files.
_LOCALITY_SCAN_CHARS = 40_000


def find_localities(text: str, *, accented: bool = True) -> list[Locality]:
    """Table localities named in ``text`` (its first 40,000 characters), most mentioned first.

    Provinces and cities count by name, communes and wards after their level word.

    Args:
        text: Any text.
        accented: Match names with their accents; ``False`` matches folded forms, for
            OCR text without diacritics.
    """
    mentions = find_places(text, accents="exact" if accented else "ocr", max_chars=_LOCALITY_SCAN_CHARS)
    counts = Counter(m.locality for m in mentions)
    first: dict[Locality, int] = {}
    for n, mention in enumerate(mentions):
        first.setdefault(mention.locality, n)
    return sorted(counts, key=lambda loc: (-counts[loc], first[loc]))


def place_names() -> tuple[str, ...]:
    """Every name a place may be written with: the table's names (each once), then the aliases."""
    return tuple(dict.fromkeys(loc.name for loc in localities())) + tuple(ALIASES)
