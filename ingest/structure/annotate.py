"""Record each clause's structure once, at ingest, so no later step re-reads its text.

Fills the structural fields of every :class:`ingest.model.Clause` of a parsed
document: its own heading without the number, whether it is only a heading,
what an attribute line states, the agency whose duty it is, the year its
heading context is about, and its sentence spans (see
:mod:`ingest.structure.roles` and :mod:`ingest.structure.sentences`). Runs after
OCR repair, so repaired readings are what gets read.
"""

from __future__ import annotations

from dataclasses import replace

from ingest.model import Clause, ParsedDocument
from ingest.structure.clause_tree import first_sentence
from ingest.structure.roles import (
    agency_heading,
    agency_lead,
    agency_subject,
    attribute_kind,
    is_heading_text,
    last_year,
    strip_numbering,
)
from ingest.structure.sentences import sentence_spans

__all__ = ["annotate", "annotate_clauses"]

_NO_HEADING_KINDS = ("attribute", "footnote")


def annotate_clauses(clauses: tuple[Clause, ...] | list[Clause]) -> tuple[Clause, ...]:
    """The clauses (parents before children, as ingest orders them) with their structure filled."""
    done: dict[str, Clause] = {}
    has_children = {c.parent_id for c in clauses if c.parent_id and c.kind not in _NO_HEADING_KINDS}
    result: list[Clause] = []
    for clause in clauses:
        parent = done.get(clause.parent_id) if clause.parent_id else None
        text = clause.search_text
        heading = first_sentence(strip_numbering(text)).rstrip(":").strip()
        is_heading = clause.kind not in _NO_HEADING_KINDS and bool(text.strip()) and is_heading_text(text)
        attribute = attribute_kind(text) if clause.kind == "attribute" else ""
        own_agency = ""
        if clause.kind not in ("section", *_NO_HEADING_KINDS):
            # A heading may name its agency and go on with its duty after a colon ("2- Đảng ủy Ủy ban nhân dân
            # tỉnh: Lãnh đạo Ủy ban nhân dân tỉnh chỉ đạo các sở, ngành:"): the name before the colon is the agency.
            own_agency = ((agency_heading(text) or agency_lead(text)) if is_heading
                          else (agency_lead(text) or agency_subject(text)))
        agency = own_agency or (parent.agency if parent is not None else "")
        leads = is_heading or clause.id in has_children
        year = (last_year(heading) if leads else "") or (parent.year if parent is not None else "")
        annotated = replace(
            clause, heading=heading, is_heading=is_heading, attribute=attribute, agency=agency, year=year,
            sentences=sentence_spans(clause.body, clause.reading, clause.text, clause.char_start),
        )
        done[clause.id] = annotated
        result.append(annotated)
    return tuple(result)


def annotate(document: ParsedDocument) -> ParsedDocument:
    """``document`` with every clause's structural fields filled."""
    return replace(document, clauses=annotate_clauses(document.clauses))
