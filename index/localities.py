"""Localities of the corpus: which a question names, and whether a name means a plan's locality.

The one place where a locality written by a user (a filter, a place in a
question) is matched against the plans' ``locality``, ``province`` and
``level`` metadata: :func:`detect_localities` (in a question), :func:`plans_of`
(filter values: "ninh bình", "Tỉnh Ninh Bình" and "Ninh Binh" all mean Ninh
Bình; "xã Đak Đoa", "Dak Doa" and "ĐẮK ĐOA" the plan of xã Đak Đoa) and
:func:`overlapping_locality` (a place and a plan that contain one another:
"Thừa Thiên Huế" and "Huế", "Gia Lai" and the plan of xã Đak Đoa).

Places are found in text by ``ingest/places.py`` (:func:`places_in_question`):
a province counts by its name, a commune or ward after its level word ("xã Ia
Grai") or by its bare name when it is an indexed plan's locality ("dak doa").
A commune is never matched through its province: "xã Ia Grai, tỉnh Gia Lai"
does not name the plan of xã Đak Đoa, also in Gia Lai, while "tỉnh Gia Lai" does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from types import SimpleNamespace

from ingest.model import DocumentMeta
from ingest.places import COMMUNE_LEVELS, PROVINCE_LEVELS, Locality, PlaceMention, places_in_question, read_place_name
from ingest.vntext import nfc

__all__ = ["detect_localities", "locality_key", "overlapping_locality", "overlapping_plans", "plans_of",
           "plans_of_each"]


@lru_cache(maxsize=65536)  # read for every plan on every question: 3,400 plans (docs/scaling.md)
def locality_key(name: str) -> str:
    """The comparison form of a place name: folded, without its level word, spaces collapsed."""
    return read_place_name(name).key


def _plan_places(documents: Iterable[DocumentMeta]) -> tuple[Locality, ...]:
    """The indexed plans' localities as places a question may name by their bare name."""
    return tuple(dict.fromkeys(Locality(meta.locality, meta.level, meta.province or meta.locality)
                               for meta in documents if meta.locality))


def _is_commune_plan(meta: DocumentMeta) -> bool:
    return meta.level in COMMUNE_LEVELS or (meta.level not in PROVINCE_LEVELS and
                                            bool(meta.province) and locality_key(meta.province) !=
                                            locality_key(meta.locality))


def _same_commune(key: str, level: str, province: str, meta: DocumentMeta) -> bool:
    """The plan is the commune ``key`` (of ``level`` and ``province`` when they are known)."""
    if not _is_commune_plan(meta) or locality_key(meta.locality) != key:
        return False
    if level and meta.level in COMMUNE_LEVELS and meta.level != level:
        return False
    return not province or not meta.province or locality_key(meta.province) == locality_key(province)


@lru_cache(maxsize=65536)
def _contains(a: str, b: str) -> bool:
    """Same place, or one name contains the other as whole words ("thua thien hue", "hue")."""
    return bool(a and b) and (a == b or re.search(rf"(?<!\w){re.escape(b)}(?!\w)", a) is not None
                              or re.search(rf"(?<!\w){re.escape(a)}(?!\w)", b) is not None)


def _mention_priority(mention: PlaceMention, meta: DocumentMeta) -> int | None:
    """0 when ``mention`` names the plan's own locality, 1 when it names the province the plan lies in,
    None when it names neither."""
    loc = mention.locality
    key = locality_key(loc.name)
    if not loc.level:  # an indexed plan's locality of unknown level: by its name only
        return 0 if locality_key(meta.locality) == key else None
    if not loc.is_province:
        province = loc.province if mention.province_named else ""
        level = loc.level if mention.marked else ""
        return 0 if _same_commune(key, level, province, meta) else None
    if not _is_commune_plan(meta) and _contains(key, locality_key(meta.locality)):
        return 0
    if meta.province and _contains(key, locality_key(meta.province)):
        return 1
    return None


def detect_localities(question: str, documents: Iterable[DocumentMeta]) -> list[str]:
    """Return the corpus localities named in ``question``, in order of appearance.

    Args:
        question: The question as typed (any accents, any case, NFC or NFD).
        documents: Metadata of the indexed documents.

    Returns:
        Distinct ``DocumentMeta.locality`` values (with accents). A plan also matches through
        its province ("tỉnh Gia Lai" names the plan of xã Đak Đoa), never through a commune of
        that province ("xã Ia Grai, tỉnh Gia Lai" names no plan). A locality's own name wins over
        a province that merely contains it.
    """
    documents = [meta for meta in documents if meta.locality]
    found: list[tuple[int, int, str]] = []  # (position, priority, locality)
    for mention in places_in_question(nfc(question), known=_plan_places(documents)):
        for meta in documents:
            priority = _mention_priority(mention, meta)
            if priority is not None:
                found.append((mention.start, priority, meta.locality))
    found.sort()
    return list(dict.fromkeys(locality for _, _, locality in found))


def plans_of(names: Iterable[str], documents: Iterable[DocumentMeta]) -> list[DocumentMeta]:
    """The plans whose locality or province is one of ``names``: filter values, any accents, with or
    without their level word ("ninh binh", "Tỉnh Ninh Bình" and "Ninh Binh" all name Ninh Bình;
    "xã Đak Đoa", "Dak Doa" and "ĐẮK ĐOA" name Đak Đoa). A name written as a commune ("xã ...")
    names only a commune's plan, never a province's."""
    written = [read_place_name(name) for name in names]
    written = [w for w in written if w.key]
    chosen: list[DocumentMeta] = []
    for meta in documents:
        values = {locality_key(v) for v in (meta.locality, meta.province) if v}
        if any(_same_commune(w.key, w.level, w.province, meta) if w.is_commune else w.key in values
               for w in written):
            chosen.append(meta)
    return chosen


def plans_of_each(names: Iterable[str], documents: Iterable[DocumentMeta]) -> dict[str, list[DocumentMeta]]:
    """``{name: plans_of([name], documents)}`` for every name, reading the plans once.

    A question naming a province also names its ~100 communes' plans at national scale; reading
    3,400 plans once per name took most of an answer (docs/scaling.md). The plans are indexed by
    the keys of their locality and province, so each name costs only its own plans.
    """
    documents = list(documents)
    by_key: dict[str, list[int]] = {}
    for position, meta in enumerate(documents):
        for key in dict.fromkeys(locality_key(v) for v in (meta.locality, meta.province) if v):
            by_key.setdefault(key, []).append(position)
    out: dict[str, list[DocumentMeta]] = {}
    for name in names:
        written = read_place_name(name)
        positions = by_key.get(written.key, []) if written.key else []
        out[name] = [documents[i] for i in positions if not written.is_commune
                     or _same_commune(written.key, written.level, written.province, documents[i])]
    return out


@lru_cache(maxsize=65536)
def _written(name: str):
    """``read_place_name(name)``, read once per name: a comparison question naming a province and its
    ~100 communes checks each name against every plan (docs/scaling.md)."""
    return read_place_name(name)


def overlapping_locality(name: str, meta: DocumentMeta) -> bool:
    """True when ``name`` and the plan's locality or province are the same place or one contains the other.

    ``name`` is a place as the assistant names it ("Gia Lai", "xã Ia Grai",
    "xã Tân Phú, tỉnh Đồng Nai") or a plan's locality. A commune overlaps only its own plan:
    "xã Ia Grai" does not overlap the plan of xã Đak Đoa, though both lie in Gia Lai.
    """
    return _overlaps(name, meta.locality, meta.province, meta.level)


def overlapping_plans(names: Iterable[str], documents: Iterable[DocumentMeta]) -> list[DocumentMeta]:
    """The plans of ``documents`` (in order) that overlap any of ``names``: ``[d for d in documents if
    any(overlapping_locality(n, d) for n in names)]``, without checking every name against every plan.

    A question naming a province names its ~100 communes too; checking each against 3,400 plans took
    ~200 ms of an answer (docs/scaling.md). A commune name overlaps only plans of its own locality key,
    found by lookup; the other names (provinces, cities: a few) are checked against every plan.
    """
    documents = list(documents)
    communes: dict[str, list[str]] = {}
    others: list[str] = []
    for name in dict.fromkeys(names):
        written = _written(name)
        if written.is_commune:
            communes.setdefault(written.key, []).append(name)
        else:
            others.append(name)
    chosen = []
    for meta in documents:
        candidates = communes.get(locality_key(meta.locality), ()) if meta.locality else ()
        if any(overlapping_locality(n, meta) for n in candidates) or any(
                overlapping_locality(n, meta) for n in others):
            chosen.append(meta)
    return chosen


@lru_cache(maxsize=262144)  # a province question checks ~100 names against ~100 plans, per answer
def _overlaps(name: str, locality: str, province: str, level: str) -> bool:
    written = _written(name)
    if written.is_commune:
        # _same_commune reads only these three fields of a plan's metadata.
        return _same_commune(written.key, written.level, written.province,
                             SimpleNamespace(locality=locality, province=province, level=level))
    key = written.key
    return any(_contains(key, locality_key(value)) for value in (locality, province) if value)
