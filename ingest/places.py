"""The one table of Vietnamese provinces and centrally-run cities, and OCR-tolerant lookup in text.

Ingest uses it to decide which locality issued a plan
(``ingest/structure/plan_locality.py``); the assistant uses it to notice a place
a question names that the indexed plans may not cover. Names are matched on
folded forms, with the OCR confusion "Đ" -> "P" undone ("PONG NAI" -> "Đồng Nai").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.vntext import fold_diacritics, folded_form, search_form

__all__ = ["ALIASES", "LOCALITIES", "Locality", "find_localities", "fold_ocr", "lookup_locality", "place_names"]


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

#: Other names people write for a table locality: the old city name, the halves of a merged name.
ALIASES: dict[str, str] = {
    "Sài Gòn": "Hồ Chí Minh",
    "Bà Rịa": "Bà Rịa - Vũng Tàu",
    "Vũng Tàu": "Bà Rịa - Vũng Tàu",
}


def place_names() -> tuple[str, ...]:
    """Every name a place may be written with: the table's names, then the aliases."""
    return tuple(loc.name for loc in LOCALITIES) + tuple(ALIASES)

