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
from collections.abc import Iterable, Sequence
from functools import lru_cache
from types import SimpleNamespace

from ingest.model import DocumentMeta
from ingest.places import COMMUNE_LEVELS, PROVINCE_LEVELS, Locality, PlaceMention, places_in_question, read_place_name
from ingest.vntext import folded_form, nfc

__all__ = ["detect_localities", "locality_key", "overlapping_locality", "overlapping_plans", "plans_of",
           "plans_of_each"]


@lru_cache(maxsize=65536)  # read for every plan on every question: 3,400 plans (docs/scaling.md)
def locality_key(name: str) -> str:
    """The comparison form of a place name: folded, without its level word, spaces collapsed."""
    return read_place_name(name).key


class _Directory:
    """The plans of one document list, looked up by place: built once per list, not on every question.

    At 3,400 plans, checking each place a question names against every plan took ~15 ms of an answer
    (docs/scaling.md). A place reaches a plan only through the plan's locality or province key (equal,
    or one containing the other as whole words), so the plans sharing a word with it are the only
    candidates; the checks themselves are unchanged.
    """

    def __init__(self, documents: Sequence[DocumentMeta]) -> None:
        self.documents = tuple(documents)
        self.places = tuple(dict.fromkeys(Locality(meta.locality, meta.level, meta.province or meta.locality)
                                          for meta in self.documents if meta.locality))
        self._by_locality: dict[str, list[int]] = {}
        self._by_word: dict[str, set[int]] = {}
        for position, meta in enumerate(self.documents):
            if meta.locality:
                self._by_locality.setdefault(locality_key(meta.locality), []).append(position)
            for value in (meta.locality, meta.province):
                for word in locality_key(value).split() if value else ():
                    self._by_word.setdefault(word, set()).add(position)

    def of_locality(self, key: str) -> list[DocumentMeta]:
        """Plans whose locality key is ``key``, in order."""
        return [self.documents[i] for i in self._by_locality.get(key, ())]

    def sharing_a_word(self, key: str) -> list[DocumentMeta]:
        """Plans whose locality or province key shares a word with ``key``, in order."""
        positions: set[int] = set()
        for word in key.split():
            positions |= self._by_word.get(word, set())
        return [self.documents[i] for i in sorted(positions)]


_DIRECTORIES: dict[tuple[int, ...], _Directory] = {}


def _directory(documents: Iterable[DocumentMeta]) -> _Directory:
    """The directory of ``documents``, kept for the last few lists (an index's plans, by identity)."""
    documents = documents if isinstance(documents, (list, tuple)) else list(documents)
    key = tuple(map(id, documents))
    found = _DIRECTORIES.get(key)
    if found is None:
        if len(_DIRECTORIES) >= 4:
            _DIRECTORIES.pop(next(iter(_DIRECTORIES)))
        # The directory holds the plans themselves, so their ids cannot be reused while it is kept.
        found = _DIRECTORIES[key] = _Directory(documents)
    return found


def _plan_places(documents: Iterable[DocumentMeta]) -> tuple[Locality, ...]:
    """The indexed plans' localities as places a question may name by their bare name."""
    return _directory(documents).places


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


# "các xã", "những phường", "cấp xã", "xã, phường" (folded): the question asks about the communes of the
# province it names, so a province's mention keeps its communes' plans beside its own.
_ASKS_FOR_COMMUNES = re.compile(r"\b(?:cac|nhung|moi|tung|cap)\s+(?:xa|phuong|dac khu)\b|\bxa\s*,\s*phuong\b")


def detect_localities(question: str, documents: Iterable[DocumentMeta]) -> list[str]:
    """Return the corpus localities named in ``question``, in order of appearance.

    Args:
        question: The question as typed (any accents, any case, NFC or NFD).
        documents: Metadata of the indexed documents.

    Returns:
        Distinct ``DocumentMeta.locality`` values (with accents). A plan also matches through
        its province ("tỉnh Gia Lai" names the plan of xã Đak Đoa) when the province has no plan
        of its own or the question asks about its communes ("các xã của tỉnh Gia Lai"), never
        through a commune of that province ("xã Ia Grai, tỉnh Gia Lai" names no plan). A
        locality's own name wins over a province that merely contains it.
    """
    directory = _directory(documents)
    question = nfc(question)
    with_communes = _ASKS_FOR_COMMUNES.search(folded_form(question)) is not None
    found: list[tuple[int, int, str]] = []  # (position, priority, locality)
    for mention in places_in_question(question, known=directory.places):
        key = locality_key(mention.locality.name)
        candidates = (directory.sharing_a_word(key) if mention.locality.is_province
                      else directory.of_locality(key))
        matches = [(priority, meta.locality) for meta in candidates
                   if meta.locality and (priority := _mention_priority(mention, meta)) is not None]
        if not with_communes and any(priority == 0 for priority, _ in matches):
            # The province has a plan of its own: "tỉnh Lâm Đồng" means it, not its ~100 communes' plans.
            matches = [m for m in matches if m[0] == 0]
        found.extend((mention.start, priority, locality) for priority, locality in matches)
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
    a province only plans sharing a word with it, both found by lookup. A province that has a plan of
    its own overlaps that plan only, not its communes' plans.
    """
    directory = _directory(documents)
    chosen: set[int] = set()  # ids of the chosen plans
    for name in dict.fromkeys(names):
        written = _written(name)
        if not written.key:
            continue
        if written.is_commune:
            chosen.update(id(m) for m in directory.of_locality(written.key) if overlapping_locality(name, m))
            continue
        overlapping = [m for m in directory.sharing_a_word(written.key) if overlapping_locality(name, m)]
        if any(not _is_commune_plan(m) and _contains(written.key, locality_key(m.locality)) for m in overlapping):
            # A province with a plan of its own is that plan: its communes' plans overlap it only
            # through their province, as in detect_localities.
            overlapping = [m for m in overlapping if not _is_commune_plan(m)]
        chosen.update(id(m) for m in overlapping)
    return [meta for meta in directory.documents if id(meta) in chosen]


@lru_cache(maxsize=262144)  # a province question checks ~100 names against ~100 plans, per answer
def _overlaps(name: str, locality: str, province: str, level: str) -> bool:
    written = _written(name)
    if written.is_commune:
        # _same_commune reads only these three fields of a plan's metadata.
        return _same_commune(written.key, written.level, written.province,
                             SimpleNamespace(locality=locality, province=province, level=level))
    key = written.key
    return any(_contains(key, locality_key(value)) for value in (locality, province) if value)
