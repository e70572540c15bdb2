"""Which locality issued a plan.

Locality names are looked up in the one locality table (``ingest/places.py``:
provinces, cities, communes and wards), OCR-tolerant. :func:`issuing_locality`
decides the locality, its province and its level ("tỉnh", "thành phố", or "xã",
"phường", "đặc khu" for a commune such as Đak Đoa) from the place-and-date line,
the header and the body. (Localities named in a *question* are matched by
``index/localities.py``.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.places import Locality, find_localities, lookup_locality
from ingest.vntext import folded_form

__all__ = ["IssuingLocality", "issuing_locality"]


@dataclass(frozen=True)
class IssuingLocality:
    """The locality a plan is issued by, as :func:`issuing_locality` decides it.

    Attributes:
        locality: Name with accents ("Đồng Nai", "Đak Đoa"), "" when unknown.
        province: The province or city the locality lies in (itself for a province).
        level: "tỉnh", "thành phố", "xã" or "" when unknown.
        place: The place of the place-and-date line: the table name when it is
            a table locality, else as written ("" when there is none).
    """

    locality: str
    province: str
    level: str
    place: str


def issuing_locality(place_written: str, number: str, header_text: str, body_text: str) -> IssuingLocality:
    """Decide which locality issued a plan.

    The place of the place-and-date line wins when it is a province or city. A commune issues
    the plan when the body opens with a commune's party or people's committee, the number is an
    "ĐU" number or the header names a commune ("ĐẢNG ỦY XÃ ĐAK ĐOA"); the commune is then the
    place of that line (looked up in the table among the header's provinces; kept as written
    when the table lacks it) or the commune the header names, and its province the header's
    province that holds it. Otherwise the province most named in the header, then in the body.

    Args:
        place_written: The place as written before the date ("" when none).
        number: The document number ("646-KH/TU", "-KH/ĐU").
        header_text: Text of the header block.
        body_text: Text of the body.
    """
    header_places = find_localities(header_text, accented=False)
    header_provinces = [loc for loc in header_places if loc.is_province]
    header_communes = [loc for loc in header_places if not loc.is_province]
    intro = folded_form(body_text[:1500])
    commune_words = re.search(r"\b(?:dang uy|uy ban nhan dan|ubnd) (xa|phuong)\b", intro)
    by_commune = bool(commune_words) or "ĐU" in number or bool(header_communes)
    place_loc = lookup_locality(place_written, provinces=[p.name for p in header_provinces],
                                communes=by_commune) if place_written else None
    place = place_loc.name if place_loc else place_written
    if place_loc and place_loc.is_province:
        return IssuingLocality(place_loc.name, place_loc.name, place_loc.level, place)
    if by_commune and (place_loc or (not place_written and header_communes)):
        commune = place_loc or header_communes[0]
        holder = next((p.name for p in header_provinces if commune.province in (p.name, p.merged_into)),
                      commune.province)
        return IssuingLocality(commune.name, holder, commune.level, place)
    if place_written and by_commune:
        level = "phường" if commune_words and commune_words.group(1) == "phuong" else "xã"
        province = header_provinces[0].name if header_provinces else _body_province(body_text)
        return IssuingLocality(place_written, province, level, place)
    if header_provinces:
        top = header_provinces[0]
        return IssuingLocality(top.name, top.name, top.level, place)
    found = _body_provinces(body_text)
    if found:
        return IssuingLocality(found[0].name, found[0].name, found[0].level, place)
    return IssuingLocality("", "", "", place)


def _body_provinces(body_text: str) -> list[Locality]:
    """Provinces and cities the body names, most named first (accented names, else folded)."""
    for accented in (True, False):
        found = [loc for loc in find_localities(body_text, accented=accented) if loc.is_province]
        if found:
            return found
    return []


def _body_province(body_text: str) -> str:
    found = _body_provinces(body_text)
    return found[0].name if found else ""
