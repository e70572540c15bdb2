"""OCR confusion rules: which spellings a misread scanned token may stand for.

The rules are data, in ``ingest/ocr/resources/ocr_confusions.json`` (format
``ocr-confusions v1``). Each rule rewrites a letter sequence of the lowercased,
diacritic-folded token at its start, its end or anywhere ("p" -> "d" at the
start, "1" -> "l", "ti" -> "u") at a cost in edit units; dropping one
non-digit character costs ``delete_cost``; putting back one of
``insert_letters`` (a vowel the scan lost: "tp" -> "tap", "s" -> "so") costs
``insert_cost`` and is tried only on tokens that do not already read as a
syllable; at most ``max_edits`` edits are chained. :class:`ingest.ocr.restore.Restorer` turns the reachable spellings into
candidate syllables.
"""

from __future__ import annotations

import json
import math
from collections.abc import Container, Iterable
from dataclasses import dataclass
from pathlib import Path

CONFUSIONS_FORMAT = "ocr-confusions v1"


def read_confusions(path: Path) -> dict:
    """Read a confusion table file; fails in words when its format is not ``ocr-confusions v1``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != CONFUSIONS_FORMAT:
        raise ValueError(f"Tệp {path.name} không đúng định dạng '{CONFUSIONS_FORMAT}'.")
    return data


@dataclass(frozen=True)
class ConfusionRules:
    """Parsed OCR confusion rules.

    Attributes:
        rules: ``(from, to, where, cost)`` rewrites, ``where`` one of
            ``"start"``, ``"end"``, ``"any"``.
        delete_cost: Cost of dropping one non-digit character.
        max_edits: Most edits chained from one token.
        insert_letters: Letters a scan may have lost ("" disables insertion).
        insert_cost: Cost of putting one of them back.
    """

    rules: tuple[tuple[str, str, str, float], ...]
    delete_cost: float
    max_edits: int
    insert_letters: str = ""
    insert_cost: float = math.inf

    @classmethod
    def from_table(cls, table: dict) -> ConfusionRules:
        """Build the rules from a parsed ``ocr_confusions.json`` (insertion keys optional)."""
        rules = tuple((r["from"], r["to"], r["where"], float(r["cost"])) for r in table["rules"])
        return cls(
            rules,
            float(table["delete_cost"]),
            int(table["max_edits"]),
            str(table.get("insert_letters", "")),
            float(table.get("insert_cost", math.inf)),
        )

    def variants(self, folded: str, known: Container[str]) -> dict[str, float]:
        """Folded strings reachable from ``folded`` by up to ``max_edits`` OCR edits, with cost.

        Args:
            folded: A lowercased, diacritic-folded token.
            known: Folded spellings worth returning (those that read as syllables).

        Returns:
            Each reachable spelling in ``known`` (``folded`` itself at cost 0
            when known) and the cheapest total cost of reaching it.
        """
        frontier = {folded: 0.0}
        reached = dict(frontier)
        insert = bool(self.insert_letters) and folded not in known
        for _ in range(self.max_edits):
            nxt: dict[str, float] = {}
            for form, cost in frontier.items():
                for new, step in self._one_edit(form, insert=insert):
                    total = cost + step
                    if total < reached.get(new, math.inf) and total < nxt.get(new, math.inf):
                        nxt[new] = total
            for form, cost in nxt.items():
                reached[form] = min(cost, reached.get(form, math.inf))
            frontier = nxt
        return {f: c for f, c in reached.items() if f in known}

    def _one_edit(self, form: str, *, insert: bool = False) -> Iterable[tuple[str, float]]:
        for src, dst, where, cost in self.rules:
            if where == "start":
                if form.startswith(src):
                    yield dst + form[len(src) :], cost
            elif where == "end":
                if form.endswith(src):
                    yield form[: len(form) - len(src)] + dst, cost
            else:
                i = form.find(src)
                while i >= 0:
                    yield form[:i] + dst + form[i + len(src) :], cost
                    i = form.find(src, i + 1)
        if len(form) > 1:
            for i in range(len(form)):
                if not form[i].isdigit():  # a dropped digit would lose a number ("9thang")
                    yield form[:i] + form[i + 1 :], self.delete_cost
        if insert and len(form) <= 3:  # short tokens are the ones that lose a whole vowel
            for i in range(1, len(form) + 1):
                for letter in self.insert_letters:
                    yield form[:i] + letter + form[i:], self.insert_cost
