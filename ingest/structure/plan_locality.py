"""Which locality issued a plan.

Locality names are looked up in the one table of provinces and cities
(``ingest/places.py``), OCR-tolerant. :func:`issuing_locality` decides
the locality, its province and its level ("tỉnh", "thành phố", or "xã" for a
commune such as Đak Đoa) from the place-and-date line, the header and the body.
(Localities named in a *question* are found by ``index/localities.py``.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.places import find_localities, lookup_locality
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

    The place of the place-and-date line wins when it is a table locality; a
    place that is not (with a commune's party or people's committee named in
    the body, or an "ĐU" number) is a commune, whose province comes from the
    header or the body; otherwise the locality most named in the header, then
    in the body.

    Args:
        place_written: The place as written before the date ("" when none).
        number: The document number ("646-KH/TU", "-KH/ĐU").
        header_text: Text of the header block.
        body_text: Text of the body.
    """
    place_loc = lookup_locality(place_written) if place_written else None
    header_locs = find_localities(header_text, accented=False)
    intro = folded_form(body_text[:1500])
    commune_words = re.search(r"\b(?:dang uy|uy ban nhan dan|ubnd) (?:xa|phuong)\b", intro)
    locality, province, level = "", "", ""
    if place_loc:
        locality, province, level = place_loc.name, place_loc.name, place_loc.level
    elif place_written and (commune_words or "ĐU" in number):
        locality, level = place_written, "xã"
        province = header_locs[0].name if header_locs else ""
        if not province:
            found = find_localities(body_text) or find_localities(body_text, accented=False)
            province = found[0].name if found else ""
    elif header_locs:
        locality, province, level = header_locs[0].name, header_locs[0].name, header_locs[0].level
    else:
        found = find_localities(body_text) or find_localities(body_text, accented=False)
        if found:
            locality, province, level = found[0].name, found[0].name, found[0].level
    place = place_loc.name if place_loc else place_written
    return IssuingLocality(locality, province, level, place)
