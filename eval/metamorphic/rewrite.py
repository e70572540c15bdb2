"""One plan rewritten: markers renumbered, locality, figures, dates and numbers changed, lines laid out anew.

The passes run in order on the source plan's NFC text, each a list of edits
with an offset map (``edits.py``): markers (``numbering.py``), string
substitutions (``places.py``, ``figures.py``, applied by
``mapping.substitute``), then line layout (``layout.py``) and, only when
asked, damage (``damage.py``). The composed maps carry any span of the source
(a gold evidence string) onto the rewritten text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from eval.metamorphic.damage import DamageOptions, damage_edits
from eval.metamorphic.edits import OffsetMap, apply_edits, project
from eval.metamorphic.figures import (
    FigureShift,
    document_number_substitutions,
    figure_substitutions,
    question_variants,
)
from eval.metamorphic.layout import join_lines, wrap_lines
from eval.metamorphic.mapping import Conventions, PlanMapping, Substitution, substitute
from eval.metamorphic.numbering import renumber
from eval.metamorphic.places import NewLocality, SourceLocality, locality_substitutions, provinces_named
from ingest.model import ParsedDocument
from ingest.vntext import nfc

__all__ = ["RewrittenPlan", "rewrite_plan", "source_locality"]


def source_locality(source: ParsedDocument) -> SourceLocality:
    """The locality of a source plan as ingest reads it; a commune's province from the provinces its text names."""
    name, level, province = source.meta.locality, source.meta.level, source.meta.province or source.meta.locality
    if level == "xã" and province == name:
        named = [n for n in provinces_named(source.source_text) if n != name]
        province = named[0] if named else province
    return SourceLocality(name, level, province)


@dataclass(frozen=True)
class RewrittenPlan:
    """A rewritten plan: its text, its mapping, and the maps from the source text onto it."""

    text: str
    mapping: PlanMapping
    source_text: str
    maps: tuple[OffsetMap, ...]

    def project(self, start: int, end: int) -> tuple[int, int]:
        """The span ``[start, end)`` of the source text, in the rewritten text."""
        return project(self.maps, start, end)


def rewrite_plan(source: ParsedDocument, *, source_name: str, rewrite_name: str, doc_id: str, seed: str,
                 corpus_seed: int, shift: FigureShift, locality: NewLocality, conventions: Conventions,
                 damage: DamageOptions | None = None) -> RewrittenPlan:
    """Rewrite one source plan.

    Args:
        source: The source plan as ingest parses it (clauses give where markers stand).
        source_name: File name of the source plan.
        rewrite_name: File name the rewrite is written to.
        doc_id: The doc id ingest gives ``rewrite_name``.
        seed: The rewrite's own seed (document numbers, damage).
        corpus_seed: The corpus seed (recorded).
        shift: How the corpus moves figures and dates.
        locality: The new issuing locality.
        conventions: Numbering and layout to write.
        damage: Reordering, dropping, merging and OCR damage (None: none).
    """
    text = nfc(source.source_text)
    maps: list[OffsetMap] = []
    markers = renumber(text, source.clauses, conventions)
    marked, offset_map = apply_edits(text, markers.edits)
    maps.append(offset_map)

    old = source_locality(source)
    rng = random.Random(f"{seed}:numbers")
    candidates = (locality_substitutions(old, locality) + figure_substitutions(marked, shift)
                  + document_number_substitutions(marked, rng))
    substituted, edits, counts = substitute(marked, candidates)
    _, offset_map = apply_edits(marked, edits)
    maps.append(offset_map)
    applied, question_only, seen = [], [], set()
    for candidate in candidates:
        if candidate.old in seen:
            continue
        seen.add(candidate.old)
        counted = Substitution(candidate.kind, candidate.old, candidate.new, counts.get(candidate.old, 0))
        (applied if counted.count else question_only).append(counted)
    for variant in [v for s in applied for v in question_variants(s)]:
        if variant.old not in seen:
            seen.add(variant.old)
            question_only.append(variant)

    current = substituted
    if conventions.layout in ("joined", "wrapped"):
        current, offset_map = apply_edits(current, join_lines(current))
        maps.append(offset_map)
    if conventions.layout == "wrapped":
        current, offset_map = apply_edits(current, wrap_lines(current, conventions.wrap_width))
        maps.append(offset_map)
    damage_report: dict = {}
    if damage is not None and damage.active:
        damage_plan = damage_edits(current, random.Random(f"{seed}:damage"), damage)
        current, offset_map = apply_edits(current, damage_plan.edits)
        maps.append(offset_map)
        damage_report = damage_plan.report
    issuer_new, _, _ = substitute(source.meta.issuer, applied + question_only)
    mapping = PlanMapping(
        source=source_name, source_doc_id=source.meta.doc_id, rewrite=rewrite_name, doc_id=doc_id, seed=seed,
        corpus_seed=corpus_seed,
        locality={"old": old.name, "old_level": old.level, "old_province": old.province, "new": locality.name,
                  "new_level": locality.level, "new_province": locality.province},
        issuer={"old": source.meta.issuer, "new": issuer_new},
        substitutions=tuple(applied), question_forms=tuple(question_only), conventions=conventions,
        written_kinds=markers.written, damage=damage_report)
    return RewrittenPlan(current if current.endswith("\n") else current + "\n", mapping, text, tuple(maps))
