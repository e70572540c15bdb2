"""Localities of the corpus: which a question names, and whether a name means a plan's locality.

The one place where a locality written by a user (a filter, a place in a
question) is matched against the plans' ``locality`` and ``province``
metadata: :func:`detect_localities` (in a question), :func:`plans_of`
(filter values: "ninh bình", "Tỉnh Ninh Bình" and "Ninh Binh" all mean Ninh
Bình) and :func:`overlapping_locality` (a place and a plan that contain one
another: "Thừa Thiên Huế" and "Huế").

"Ở Huế ...", "xã Đak Đoa", "tỉnh Ninh Bình", accent-less "o hue", "dong nai":
names come from the documents' ``locality`` and ``province`` metadata and are
matched on diacritic-folded forms with word boundaries. A name written with
accents in the question must match them exactly (after canonical spelling), so
"huệ" is not taken for "Huế"; an accent-less name matches on its folded form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.model import DocumentMeta
from ingest.vntext import folded_form, is_accentless, nfc, search_form


def _name_pattern(name: str) -> re.Pattern | None:
    words = re.findall(r"\w+", folded_form(name))
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)")


def detect_localities(question: str, documents: Iterable[DocumentMeta]) -> list[str]:
    """Return the corpus localities named in ``question``, in order of appearance.

    Args:
        question: The question as typed (any accents, any case, NFC or NFD).
        documents: Metadata of the indexed documents.

    Returns:
        Distinct ``DocumentMeta.locality`` values (with accents). A document also
        matches through its province ("tỉnh Gia Lai" names the plan of xã Đak Đoa).
        A locality's own name wins over a province that merely contains it.
    """
    question = nfc(question)
    folded_question = folded_form(question)
    # Folding maps each NFC character to one character, so offsets line up.
    aligned = len(folded_question) == len(question)
    found: list[tuple[int, int, str]] = []  # (position, priority, locality)
    for meta in documents:
        if not meta.locality:
            continue
        names = [(meta.locality, 0)]
        if meta.province and folded_form(meta.province) != folded_form(meta.locality):
            names.append((meta.province, 1))
        for name, priority in names:
            pattern = _name_pattern(name)
            if pattern is None:
                continue
            for match in pattern.finditer(folded_question):
                if aligned:
                    span = question[match.start():match.end()]
                    if not is_accentless(span) and search_form(" ".join(span.split())) != search_form(name):
                        continue
                found.append((match.start(), priority, meta.locality))
                break
    found.sort()
    ordered: list[str] = []
    for _, _, locality in found:
        if locality not in ordered:
            ordered.append(locality)
    return ordered


# Words that say what kind of place a name is, not which place ("tỉnh Ninh Bình").
_LEVEL_WORDS_RE = re.compile(r"^(?:tinh|thanh pho|tp\.?|xa|phuong|dac khu|huyen|quan|thi xa|thi tran)\s+")


def locality_key(name: str) -> str:
    """The comparison form of a place name: folded, without its level word, spaces collapsed."""
    key = " ".join(folded_form(name).replace("-", " ").split()).strip(" ,.:;")
    return _LEVEL_WORDS_RE.sub("", key)


def plans_of(names: Iterable[str], documents: Iterable[DocumentMeta]) -> list[DocumentMeta]:
    """The plans whose locality or province is one of ``names``: filter values, any accents, with or
    without their level word ("ninh binh", "Tỉnh Ninh Bình" and "Ninh Binh" all name Ninh Bình)."""
    keys = {locality_key(name) for name in names} - {""}
    return [meta for meta in documents
            if keys & {locality_key(v) for v in (meta.locality, meta.province) if v}]


def overlapping_locality(name: str, meta: DocumentMeta) -> bool:
    """True when ``name`` and the plan's locality or province are the same place or one contains the other."""
    key = locality_key(name)
    for value in (meta.locality, meta.province):
        other = locality_key(value) if value else ""
        if key and other and (key == other or re.search(rf"(?<!\w){re.escape(other)}(?!\w)", key)
                              or re.search(rf"(?<!\w){re.escape(key)}(?!\w)", other)):
            return True
    return False
