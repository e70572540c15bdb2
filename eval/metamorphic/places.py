"""New localities for rewritten plans, from the real list of provinces, communes and wards.

Names come from the ``vietnam-provinces`` package (the 34 provinces and cities
and their 3,300 communes, wards and special zones after the 2025 reform). A
plan issued by a province becomes another province's; a commune's plan another
commune's (in another province); a centrally-run city's plan a ward's or a
province's. :func:`locality_substitutions` lists every spelling of the old
locality the plan or a question may use (accented, upper case, accent-less,
the OCR "P" for "Đ") with its new counterpart, and the level words that go
with a change of level ("thành phố" -> "phường", "Thành ủy" -> "Đảng ủy phường").
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

from vietnam_provinces import Province, VietNamDivisionType, Ward

from eval.metamorphic.mapping import Substitution
from ingest.places import ALIASES, province_called
from ingest.vntext import fold_diacritics, folded_form, nfc

__all__ = ["NewLocality", "SourceLocality", "Taken", "choose_locality", "locality_substitutions", "provinces_named", "spellings"]

# Level of a source plan -> the levels a rewrite of it may take (the first is its own, or its nearest).
# A province's plan rewritten as a commune's or a ward's keeps the province's departments ("Sở Y tế"):
# worded at the new level, not re-planned for it. Provinces are 34, so a national corpus is mostly
# communes and wards (eval/metamorphic/corpus.py).
TARGET_LEVELS = {"tỉnh": ("tỉnh", "xã", "phường"), "thành phố": ("phường", "tỉnh"), "xã": ("xã",)}
_PREFIXES = {VietNamDivisionType.XA: "Xã ", VietNamDivisionType.PHUONG: "Phường "}


@dataclass(frozen=True)
class SourceLocality:
    """The locality a source plan is issued by, as ingest reads it.

    Attributes:
        name: "Ninh Bình", "Huế", "Đak Đoa".
        level: "tỉnh", "thành phố" or "xã".
        province: The province a commune lies in (the name itself otherwise).
    """

    name: str
    level: str
    province: str


@dataclass(frozen=True)
class NewLocality:
    """The locality a rewrite is issued by.

    Attributes:
        name: Bare name, without its level word.
        level: "tỉnh", "xã" or "phường".
        province: Province it lies in (itself for a province).
    """

    name: str
    level: str
    province: str


def _bare(name: str, division: VietNamDivisionType) -> str:
    name = nfc(name).strip()
    prefix = _PREFIXES.get(division, "")
    return name[len(prefix):].strip() if prefix and name.startswith(prefix) else name


@lru_cache(maxsize=4)  # the same texts to avoid, for every rewrite of a corpus
def _phrases(text: str, longest: int = 5) -> frozenset[str]:
    """Every run of up to ``longest`` words of ``text`` folded, to tell at once whether a name occurs in it."""
    words = re.findall(r"\w+", folded_form(text))
    return frozenset(" ".join(words[i:i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1))


def _key(name: str) -> str:
    """A name's comparison form: folded words, punctuation dropped ("Cam Ly - Đà Lạt" -> "cam ly da lat")."""
    return " ".join(re.findall(r"\w+", folded_form(name)))


def _usable(name: str, province_names: set[str]) -> bool:
    """A name no other text can be read as: two words or more, no digits, not a province's (today's, merged
    away in 2025, or an alias)."""
    if any(ch.isdigit() for ch in name) or len(name.split()) < 2 or _key(name) in province_names:
        return False
    # A commune or ward named like a province, even one merged away ("Bắc Kạn"), reads as that province.
    return province_called(name) is None and name not in ALIASES


@lru_cache(maxsize=8)
def _usable_localities(level: str, avoided: frozenset[str]) -> tuple[tuple[NewLocality, str, str], ...]:
    """(locality, folded name, folded province) of every locality of ``level`` a rewrite may take, whatever
    other rewrites took: read once per corpus (reading every ward for each of 3,400 rewrites took minutes)."""
    provinces = {p.code: nfc(p.name).removeprefix("Thành phố ") for p in Province.iter_all()}
    province_names = {_key(n) for n in provinces.values()}
    if level == "tỉnh":
        candidates = [NewLocality(nfc(p.name), "tỉnh", nfc(p.name)) for p in Province.iter_all()
                      if p.division_type == VietNamDivisionType.TINH]
        return tuple((c, _key(c.name), _key(c.province)) for c in candidates if folded_form(c.name) not in avoided)
    division = VietNamDivisionType.XA if level == "xã" else VietNamDivisionType.PHUONG
    # A commune's plan names its province as "tỉnh …": only communes of provinces proper.
    in_province = {p.code for p in Province.iter_all() if p.division_type == VietNamDivisionType.TINH}
    candidates = [NewLocality(_bare(w.name, division), level, provinces[w.province_code])
                  for w in Ward.iter_all() if w.division_type == division
                  and (level == "phường" or w.province_code in in_province)]
    return tuple((c, _key(c.name), _key(c.province)) for c in candidates if _usable(c.name, province_names)
                 and _key(c.name) not in avoided and folded_form(c.province) not in avoided)


def _candidates(level: str, avoided: frozenset[str], taken_folded: set[str], *,
                own_province: bool = True) -> list[NewLocality]:
    """The usable localities of ``level`` no rewrite has taken; with ``own_province``, a commune only in a
    province no other rewrite is issued by or lies in."""
    return [c for c, name, province in _usable_localities(level, avoided) if name not in taken_folded
            and (level != "xã" or not own_province or province not in taken_folded)]


@dataclass
class Taken:
    """What a corpus's earlier rewrites took, as comparison keys, grown one rewrite at a time (keying every
    earlier name again for each of 3,400 rewrites was most of the corpus's time).

    Attributes:
        names: Names and communes' provinces of every rewrite.
        provinces: Provinces issuing a plan of their own.
        places: (name, province) of every rewrite.
    """

    names: set[str] = field(default_factory=set)
    provinces: set[str] = field(default_factory=set)
    places: set[tuple[str, str]] = field(default_factory=set)

    def add(self, locality: NewLocality) -> None:
        name, province = _key(locality.name), _key(locality.province)
        self.names |= {name, province}
        self.places.add((name, province))
        if locality.level == "tỉnh":
            self.provinces.add(name)


def untaken(level: str, taken: Taken, *, avoid_text: str = "") -> bool:
    """True while a locality of ``level`` is left that is not among the places ``taken`` (the 34
    provinces run out first, then the wards)."""
    return any((name, province) not in taken.places
               for _, name, province in _usable_localities(level, _phrases(avoid_text)))


def choose_locality(level: str, rng: random.Random, *, avoid_text: str = "",
                    taken: Taken | None = None) -> NewLocality:
    """A real locality of ``level`` ("tỉnh", "xã" or "phường") named nowhere in ``avoid_text``.

    Names (and a commune's province) already ``taken`` by other rewrites, names of provinces
    (today's, those merged away in 2025 and their aliases), names with digits and one-word names
    are skipped, so a name never collides with other text; a province is skipped only when it
    issues a plan already (a national corpus: a province's plan and its communes' plans). Once every
    commune of a free province is taken, communes of provinces other rewrites name are chosen; once
    every name of a level is taken, a place of a name taken in another province that is not among
    the places taken (the country has many "xã Tân Thành"); then places repeat.
    """
    taken = taken or Taken()
    avoided = _phrases(avoid_text)
    names = taken.provinces if level == "tỉnh" else taken.names
    candidates = (_candidates(level, avoided, names) or _candidates(level, avoided, names, own_province=False)
                  or [c for c, name, province in _usable_localities(level, avoided)
                      if (name, province) not in taken.places]
                  or _candidates(level, avoided, set()))
    if not candidates:
        raise ValueError(f"no {level} left to choose")
    return rng.choice(sorted(candidates, key=lambda c: (c.name, c.province)))


def provinces_named(text: str) -> list[str]:
    """Provinces and cities (of the package's list) that ``text`` names, most named first."""
    folded = folded_form(text)
    counts = []
    for province in Province.iter_all():
        name = nfc(province.name).removeprefix("Thành phố ")
        found = len(re.findall(rf"(?<!\w){re.escape(folded_form(name))}(?!\w)", folded))
        if found:
            counts.append((-found, name))
    return [name for _, name in sorted(counts)]


def _ocr_upper(name: str) -> str:
    """The OCR'd capitals of a name: accents lost, a word-initial "Đ" read as "P" ("PONG NAI")."""
    return fold_diacritics(re.sub(r"(?<!\w)Đ", "P", name.upper()))


_STYLES = {
    "plain": lambda n: n,
    "upper": str.upper,
    "lower": str.lower,
    "folded": fold_diacritics,
    "folded_upper": lambda n: fold_diacritics(n).upper(),
    "folded_lower": lambda n: fold_diacritics(n).lower(),
    "ocr_upper": _ocr_upper,
}


def spellings(name: str) -> list[tuple[str, str]]:
    """Ways a name is written, each with the style it is written in (first style wins a tie).

    Styles: "plain" (as is), "upper", "lower", "folded" (accents lost), "folded_upper",
    "folded_lower", "ocr_upper" (accents lost, "Đ" read as "P").
    """
    seen, unique = set(), []
    for style, write in _STYLES.items():
        form = write(name)
        if form not in seen:
            seen.add(form)
            unique.append((style, form))
    return unique


def _styled(name: str, style: str) -> str:
    return _STYLES[style](name)


def _name_pairs(old: str, new: str, kind: str) -> list[Substitution]:
    return [Substitution(kind, form, _styled(new, style)) for style, form in spellings(old)]


# Level words of a centrally-run city or a province and what they become at the new level.
_LEVEL_WORDS = {
    ("thành phố", "phường"): (("thành phố", "phường"), ("Thành ủy", "Đảng ủy phường"),
                              ("Thành uỷ", "Đảng uỷ phường")),
    ("thành phố", "tỉnh"): (("thành phố", "tỉnh"), ("Thành ủy", "Tỉnh ủy"), ("Thành uỷ", "Tỉnh uỷ")),
    ("tỉnh", "xã"): (("tỉnh", "xã"), ("Tỉnh ủy", "Đảng ủy xã"), ("Tỉnh uỷ", "Đảng uỷ xã")),
    ("tỉnh", "phường"): (("tỉnh", "phường"), ("Tỉnh ủy", "Đảng ủy phường"), ("Tỉnh uỷ", "Đảng uỷ phường")),
}


def _level_pairs(old_level: str, new_level: str) -> list[Substitution]:
    pairs = []
    for old, new in _LEVEL_WORDS.get((old_level, new_level), ()):
        variants = [(old, new), (old[:1].upper() + old[1:], new[:1].upper() + new[1:]), (old.upper(), new.upper())]
        if " " in old:  # as OCR without accents reads it; a bare "tinh" may be "tính", "tình" or "tinh"
            folded_old, folded_new = fold_diacritics(old), fold_diacritics(new)
            variants += [(folded_old.lower(), folded_new.lower()), (folded_old.upper(), folded_new.upper())]
        pairs += [Substitution("level", o, n) for o, n in variants]
    return pairs


def locality_substitutions(source: SourceLocality, new: NewLocality) -> list[Substitution]:
    """Every spelling of the old locality (and its province, and level words) with its replacement."""
    pairs = _name_pairs(source.name, new.name, "locality")
    if source.level == "xã" and source.province and source.province != source.name:
        pairs += _name_pairs(source.province, new.province, "province")
    return pairs + _level_pairs(source.level, new.level)
