"""Which locality issued a plan.

Locality names are looked up in the one locality table (``ingest/places.py``:
provinces, cities, communes and wards), OCR-tolerant. :func:`issuing_locality`
decides the locality, its province and its level ("tỉnh", "thành phố", or "xã",
"phường", "đặc khu" for a commune such as Đak Đoa) from the place-and-date line,
the header and the body. (Localities named in a *question* are matched by
``index/localities.py``.)

A commune's or ward's plan is written the way administrative documents are: the
header names the issuing body with its level word ("ĐẢNG ỦY PHƯỜNG X", "UBND XÃ X",
"ỦY BAN NHÂN DÂN" over "PHƯỜNG X"), often under its province ("ĐẢNG BỘ TỈNH Y");
the place line names the commune, bare or with its level word ("X, ngày …",
"phường X, ngày …"); the body calls the issuer by its level alone ("UBND phường",
"Đảng ủy xã", "trên địa bàn phường") and may name the commune bare.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from ingest.places import (
    COMMUNE_LEVELS,
    Locality,
    WrittenPlace,
    choose_in_provinces,
    find_localities,
    find_places,
    fold_ocr,
    localities,
    lookup_locality,
    read_place_name,
)
from ingest.vntext import folded_form, nfc

__all__ = ["IssuingLocality", "issuing_locality"]

# A commune-level issuing body and its level word, folded: "đảng ủy phường", "ubnd xã", "ủy ban nhân dân
# \n phường", "hđnd đặc khu". The level word right after the body's name is the body's own level.
# "UBND xã, phường" (the communes a provincial plan addresses) names no level of its own.
_COMMUNE_BODY_RE = re.compile(
    r"\b(?:dang uy|dang bo|uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd)\s+(xa|phuong|dac khu)\b"
    r"(?!\s*[,/]?\s*(?:xa|phuong|dac khu)\b)")
_FOLDED_LEVELS = {"xa": "xã", "phuong": "phường", "dac khu": "đặc khu"}
# The level word a place may be written with on the place-and-date line ("Phường Tân Định").
_LEVEL_PREFIX_RE = re.compile(r"^(?:xã|phường|đặc khu|tỉnh|thành phố)\s+", re.IGNORECASE)
# The body's first characters: where a plan says who issues it ("Ủy ban nhân dân phường ban hành …").
_INTRO_CHARS = 1500


@dataclass(frozen=True)
class IssuingLocality:
    """The locality a plan is issued by, as :func:`issuing_locality` decides it.

    Attributes:
        locality: Name with accents ("Đồng Nai", "Đak Đoa"), "" when unknown.
        province: The province or city the locality lies in (itself for a province).
        level: "tỉnh", "thành phố", "xã", "phường", "đặc khu" or "" when unknown.
        place: The place of the place-and-date line: the table name when it is
            a table locality, else as written ("" when there is none).
    """

    locality: str
    province: str
    level: str
    place: str


def issuing_locality(place_written: str, number: str, header_text: str, body_text: str) -> IssuingLocality:
    """Decide which locality issued a plan.

    The header naming a commune-level body with its name ("ĐẢNG ỦY PHƯỜNG X", "UBND XÃ X") decides
    first: that commune issues the plan (the one the place line names when the header names several).
    Otherwise the place of the place-and-date line wins when it is a province or city, unless it is
    written as a commune ("phường X"). A commune issues the plan when the header or the body opens with
    a commune-level body ("Đảng ủy xã", "UBND phường"), the number is an "ĐU" number or the place line
    writes a level word; the commune is then the place of that line, looked up in the table at that
    level among the header's provinces, then the body's (kept as written when the table lacks it), and
    its province the header's province that holds it. Without a header or place line, a commune's plan
    is the commune or ward of its level the body names, with its level word or bare. Otherwise the
    province most named in the header, then in the body.

    Args:
        place_written: The place as written before the date ("" when none).
        number: The document number ("646-KH/TU", "-KH/ĐU").
        header_text: Text of the header block.
        body_text: Text of the body.
    """
    header_provinces = [loc for loc in find_localities(header_text, accented=False) if loc.is_province]
    header_communes = _header_communes(header_text)
    written = read_place_name(place_written) if place_written else None
    level = _commune_level(written.level if written else "", header_text, body_text[:_INTRO_CHARS])
    by_commune = bool(level) or "ĐU" in number or bool(header_communes)
    province_names = [p.name for p in header_provinces]

    # A commune name several provinces share: the header's provinces choose, then the body's.
    choosing = [*province_names, *_body_province_names(body_text)] if header_communes or by_commune else []
    commune = _header_commune(header_communes, written, choosing)
    place_loc = None
    if place_written:
        place_loc = lookup_locality(place_written, provinces=province_names, communes=by_commune)
        if commune is None and place_loc and place_loc.is_province:
            return IssuingLocality(place_loc.name, place_loc.name, place_loc.level, place_loc.name)
        if commune is None and by_commune:
            commune = _table_commune(place_written, level, choosing)
    place = (place_loc.name if place_loc else _bare_place(place_written)) if place_written else ""
    if commune is None and not place_written and by_commune and level:
        commune = _body_commune(body_text, level, province_names)
    if commune is not None:
        if place_written and written is not None and written.key == folded_form(commune.name):
            place = commune.name
        holder = next((p.name for p in header_provinces if commune.province in (p.name, p.merged_into)),
                      commune.province)
        return IssuingLocality(commune.name, holder, commune.level, place)
    if place_written and by_commune:
        province = header_provinces[0].name if header_provinces else _body_province(body_text)
        return IssuingLocality(place, province, level or "xã", place)
    if header_provinces:
        top = header_provinces[0]
        return IssuingLocality(top.name, top.name, top.level, place)
    found = _body_provinces(body_text)
    if found:
        return IssuingLocality(found[0].name, found[0].name, found[0].level, place)
    return IssuingLocality("", "", "", place)


def _commune_level(written_level: str, header_text: str, intro: str) -> str:
    """The commune level ("xã", "phường", "đặc khu") the place line, the header or the body's opening
    gives the issuing body, else ""."""
    if written_level in COMMUNE_LEVELS:
        return written_level
    for text in (fold_ocr(header_text), folded_form(intro)):
        match = _COMMUNE_BODY_RE.search(" ".join(text.split()))
        if match:
            return _FOLDED_LEVELS[match.group(1)]
    return ""


def _header_communes(header_text: str) -> list[list[Locality]]:
    """The communes the header names with their level word, each as its table candidates (same name
    and level, every province), most named first; spelt with the header's accents when it has them,
    else folded (OCR capitals)."""
    for accents in ("exact", "ocr"):
        mentions = [m for m in find_places(header_text, accents=accents)
                    if m.marked and not m.locality.is_province and m.locality.level]
        if mentions:
            break
    groups: dict[tuple[str, str], list[Locality]] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for mention in mentions:
        key = (mention.locality.name, mention.locality.level)
        groups.setdefault(key, list(mention.candidates) or [mention.locality])
        counts[key] += 1
    return [groups[key] for key, _ in counts.most_common()]


def _header_commune(header_communes: list[list[Locality]], written: WrittenPlace | None,
                    provinces: list[str]) -> Locality | None:
    """The commune the header names with its level word: the one the place line names, else the first.

    A name several provinces share is chosen by ``provinces``; when they do not choose, the province
    is left unknown ("") rather than guessed.
    """
    if not header_communes:
        return None
    named = header_communes[0]
    if written is not None and written.key:
        named = next((c for c in header_communes if folded_form(c[0].name) == written.key), named)
    chosen = choose_in_provinces(named, provinces)
    return chosen if chosen is not None else replace(named[0], province="")


def _table_commune(place_written: str, level: str, provinces: list[str]) -> Locality | None:
    """The table commune the place line names, at ``level`` (any commune level when ""), chosen by
    ``provinces``; spelt with the line's accents when it has them. None when the table lacks it or
    several provinces hold one and ``provinces`` do not choose."""
    name = _bare_place(place_written)
    candidates: list[Locality] = []
    for candidate_level in ((level,) if level else COMMUNE_LEVELS):
        text = f"{candidate_level} {name}"
        candidates += [c for m in find_places(text, accents="loose")
                       if m.marked and m.start == 0 and m.end == len(text)
                       for c in (m.candidates or (m.locality,)) if c.level == candidate_level]
    return choose_in_provinces(list(dict.fromkeys(candidates)), provinces)


def _bare_place(place_written: str) -> str:
    """The place as written, without a level word ("phường Tân Định" -> "Tân Định")."""
    return _LEVEL_PREFIX_RE.sub("", nfc(place_written).strip(), count=1)


@lru_cache(maxsize=len(COMMUNE_LEVELS))
def _communes_of_level(level: str) -> tuple[Locality, ...]:
    """Every table commune, ward or special zone of ``level``."""
    return tuple(loc for loc in localities() if loc.level == level)


def _body_commune(body_text: str, level: str, provinces: list[str]) -> Locality | None:
    """The commune of ``level`` the body names most: with its level word, else bare and capitalised.

    A commune's plan without a header names its own commune bare ("đặc thù của Tân Định") beside
    its level alone ("UBND phường"); a bare name counts only when written with its accents and
    capitals, and a name several provinces share only when the text's provinces choose one.
    """
    found = find_localities(body_text)
    marked = [loc for loc in found if loc.level == level]
    if marked:
        return marked[0]
    named = [loc.name for loc in found if loc.is_province]
    counts: Counter[Locality] = Counter()
    for mention in find_places(body_text, accents="exact", known=_communes_of_level(level), max_chars=40_000):
        words = body_text[mention.start:mention.end].split()
        capitalised = all(w[:1].isupper() for w in words if w[:1].isalpha())
        if mention.marked or mention.locality.level != level or not capitalised:
            continue
        candidates = [c for c in mention.candidates if c.level == level]
        chosen = choose_in_provinces(candidates, [*provinces, *named])
        if chosen is not None:
            counts[chosen] += 1
    return counts.most_common(1)[0][0] if counts else None


def _body_provinces(body_text: str) -> list[Locality]:
    """Provinces and cities the body names, most named first (accented names, else folded)."""
    for accented in (True, False):
        found = [loc for loc in find_localities(body_text, accented=accented) if loc.is_province]
        if found:
            return found
    return []


def _body_province_names(body_text: str) -> list[str]:
    return [loc.name for loc in _body_provinces(body_text)]


def _body_province(body_text: str) -> str:
    found = _body_provinces(body_text)
    return found[0].name if found else ""
