"""Which locality issued a plan: the table of provinces and cities, OCR-tolerant lookup, and the choice.

Locality names are matched on folded forms through a small table of Vietnamese
provinces and centrally-run cities (:data:`LOCALITIES`), with the OCR confusion
"Đ" -> "P" undone ("PONG NAI" -> "Đồng Nai"). :func:`issuing_locality` decides
the locality, its province and its level ("tỉnh", "thành phố", or "xã" for a
commune such as Đak Đoa) from the place-and-date line, the header and the body.
(Localities named in a *question* are found by ``index/localities.py``.)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.vntext import fold_diacritics, folded_form, search_form

__all__ = ["LOCALITIES", "IssuingLocality", "Locality", "find_localities", "fold_ocr", "issuing_locality",
           "lookup_locality"]


@dataclass(frozen=True)
class Locality:
    """A province or centrally-run city.

    Attributes:
        name: Name with accents, e.g. "Đồng Nai".
        level: "tỉnh" or "thành phố".
    """

    name: str
    level: str


_CITIES = ("Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ")
# The 28 provinces since the 2025 merger, then provinces merged away in 2025
# (older plans still name them).
_PROVINCES = (
    "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An", "Hà Tĩnh",
    "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Ninh Bình",
    "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Đồng Nai", "Tây Ninh",
    "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
    "Hà Giang", "Yên Bái", "Bắc Kạn", "Vĩnh Phúc", "Hòa Bình", "Bắc Giang", "Hải Dương", "Thái Bình",
    "Hà Nam", "Nam Định", "Quảng Bình", "Thừa Thiên Huế", "Quảng Nam", "Kon Tum", "Bình Định", "Phú Yên",
    "Ninh Thuận", "Đắk Nông", "Bình Phước", "Bình Dương", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh",
    "Sóc Trăng", "Hậu Giang", "Bạc Liêu", "Kiên Giang", "Bà Rịa - Vũng Tàu", "Bình Thuận",
)
LOCALITIES: tuple[Locality, ...] = tuple(Locality(n, "thành phố") for n in _CITIES) + tuple(
    Locality(n, "tỉnh") for n in _PROVINCES
)


def fold_ocr(text: str) -> str:
    """Folded form with the OCR "Đ" -> "P" confusion undone at word starts ("pong nai" -> "dong nai")."""
    folded = folded_form(text)
    return re.sub(r"\bp(?=[aeiouy])", "d", folded)


# Localities are named in the first pages; scanning more only costs time on huge files.
_LOCALITY_SCAN_CHARS = 40_000
_LOCALITY_KEYS = sorted(((fold_diacritics(loc.name).lower(), loc) for loc in LOCALITIES), key=lambda kv: -len(kv[0]))

_SEARCH_NAMES = {loc.name: search_form(loc.name) for loc in LOCALITIES}


def lookup_locality(name: str) -> Locality | None:
    """The table entry whose folded name equals ``name`` folded (OCR tolerant), else None."""
    key = fold_ocr(name).strip(" ,.:;")
    key = re.sub(r"^(?:tinh|thanh pho|tp\.?)\s+", "", key)
    key = re.sub(r"\s+", " ", key)
    for folded, loc in _LOCALITY_KEYS:
        if key == folded or key.replace(" ", "") == folded.replace(" ", ""):
            return loc
    return None


def find_localities(text: str, *, accented: bool = True) -> list[Locality]:
    """Table localities named in ``text``, most mentioned first.

    Args:
        text: Any text.
        accented: Match on the accented (search) form; ``False`` matches folded
            forms, for OCR text without diacritics.
    """
    text = text[:_LOCALITY_SCAN_CHARS]
    haystack = search_form(text) if accented else fold_ocr(text)
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    taken: list[tuple[int, int]] = []
    for folded, loc in _LOCALITY_KEYS:  # longest first: "Thừa Thiên Huế" before "Huế"
        needle = _SEARCH_NAMES[loc.name] if accented else folded
        for match in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack):
            if any(s <= match.start() < e for s, e in taken):
                continue
            taken.append((match.start(), match.end()))
            counts[loc.name] += 1
            first.setdefault(loc.name, match.start())
    by_name = {loc.name: loc for loc in LOCALITIES}
    return [by_name[n] for n in sorted(counts, key=lambda n: (-counts[n], first[n]))]


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
