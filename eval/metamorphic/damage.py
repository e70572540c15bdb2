"""Optional damage for harder corpora (issue 15): points reordered, dropped or merged, OCR-style misreadings.

Off by default and never used by the metamorphic run: each kind is a share of
the candidate lines or words. Points are the lines that start with a bullet or
a letter; reordering swaps two neighbouring points, dropping deletes one,
merging joins one to the line before it; OCR damage strips a word's accents or
reads a word-initial "Đ" as "P", as scanned plans show.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from eval.metamorphic.edits import Edit
from ingest.vntext import fold_diacritics

__all__ = ["DamageOptions", "DamagePlan", "damage_edits"]

_POINT_RE = re.compile(r"^[ \t]*(?:[-–—+•*·]|[a-zđ][).\-])[ \t]+\S.*$", re.MULTILINE)
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class DamageOptions:
    """Shares of points reordered, dropped, merged, and of words misread (0 = none)."""

    reorder: float = 0.0
    drop: float = 0.0
    merge: float = 0.0
    ocr: float = 0.0

    @property
    def active(self) -> bool:
        """Whether any damage is asked for."""
        return any((self.reorder, self.drop, self.merge, self.ocr))


@dataclass(frozen=True)
class DamagePlan:
    """Damage edits and what they did (counts per kind)."""

    edits: tuple[Edit, ...]
    report: dict


def _misread(word: str, rng: random.Random) -> str:
    if word[:1] == "Đ" and rng.random() < 0.5:
        return "P" + fold_diacritics(word[1:])
    return fold_diacritics(word)


def damage_edits(text: str, rng: random.Random, options: DamageOptions) -> DamagePlan:
    """Damage edits on ``text``; points touched by one kind are left alone by the others."""
    points = list(_POINT_RE.finditer(text))
    edits: list[Edit] = []
    touched: set[int] = set()
    report = {"reordered": 0, "dropped": 0, "merged": 0, "misread_words": 0}
    for i in range(len(points) - 1):
        if i in touched or i + 1 in touched or rng.random() >= options.reorder:
            continue
        first, second = points[i], points[i + 1]
        if text[first.end():second.start()].strip():
            continue
        edits += [Edit(first.start(), first.end(), second.group(0)), Edit(second.start(), second.end(), first.group(0))]
        touched.update((i, i + 1))
        report["reordered"] += 1
    for i, point in enumerate(points):
        if i in touched:
            continue
        if rng.random() < options.drop:
            end = point.end() + 1 if text[point.end():point.end() + 1] == "\n" else point.end()
            edits.append(Edit(point.start(), end, ""))
            touched.add(i)
            report["dropped"] += 1
        elif i > 0 and i - 1 not in touched and rng.random() < options.merge and point.start() > 0:
            marker = re.match(r"[ \t]*\S+[ \t]+", point.group(0))
            edits.append(Edit(point.start() - 1, point.start() + marker.end(), " "))
            touched.add(i)
            report["merged"] += 1
    busy = [(e.start - 1, e.end + 1) for e in edits]
    for word in _WORD_RE.finditer(text):
        if options.ocr and rng.random() < options.ocr and not any(s <= word.start() < e for s, e in busy):
            misread = _misread(word.group(0), rng)
            if misread != word.group(0):
                edits.append(Edit(word.start(), word.end(), misread))
                report["misread_words"] += 1
    return DamagePlan(tuple(edits), report)
