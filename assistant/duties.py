"""Answers to "what must X do?": the block of the clause tree that agency X owns.

Plans assign duties per agency: a heading ("2. Sở Tài chính") owning bullets or
paragraphs, or an item that starts with the agency ("Các chi bộ thôn theo dõi,
triển khai ..."). When a question asks what someone must do
(:attr:`QuestionIntent.wants_duties`), :func:`find_agency_block` looks among the
retrieved clauses and their ancestors for the clause whose agency name contains
the question's subject at its start (folded, abbreviations contracted, so
"UBND các xã" matches "Uỷ ban nhân dân các xã, phường", and "Sở Y tế" does not
match "Chỉ đạo các cơ sở y tế"), and the answer lists
everything under it, each part cited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.intent import content_terms
from index.types import ScoredClause
from ingest.model import Clause


@dataclass(frozen=True)
class AgencyBlock:
    """The part of a plan one agency owns.

    Attributes:
        head: The clause naming the agency (retrieved, or reached through the tree).
        name: The agency name as the plan writes it (repaired reading for OCR text).
        members: The clauses to quote, in reading order (the head itself when it
            carries text, then its children; a sub-heading such as "- Chỉ đạo các
            cơ sở y tế:" is replaced by its own children).
        lead_ins: Per member, the sub-heading it hangs under ("" for direct children).
    """

    head: ScoredClause
    name: str
    members: tuple[ScoredClause, ...]
    lead_ins: tuple[str, ...] = ()

    def lead_in(self, position: int) -> str:
        """The sub-heading of member ``position`` ("" when none)."""
        return self.lead_ins[position] if position < len(self.lead_ins) else ""


def _reading(clause: Clause) -> str:
    return " ".join((clause.reading or clause.body or clause.text).split())


def agency_name(clause: Clause, parent: Clause | None = None) -> tuple[str, bool]:
    """The agency a clause names and whether the clause is only that name (a heading), from the
    structure ingest recorded (:attr:`Clause.heading`, :attr:`Clause.is_heading`, :attr:`Clause.agency`).

    "2. Sở Tài chính" -> ("Sở Tài chính", True); "Đảng uỷ Mặt trận Tổ quốc Việt Nam tỉnh: Lãnh
    đạo ..." or "Ban Tuyên giáo ... hướng dẫn ..." -> (its agency, False); a clause whose agency
    is its parent's names none of its own -> ("", False).
    """
    if clause.is_heading:
        return clause.heading.rstrip(":. "), True
    if clause.agency and (parent is None or parent.agency != clause.agency):
        return clause.agency, False
    return "", False


def subject_phrase(subject: str, drop: set[str]) -> str:
    """The question's subject as normalised terms, up to the place it is in ("ubnd xa").

    "Sở Y tế ở Cà Mau và ở Sơn La phải ..." -> the terms of "Sở Y tế":
    leading place words are skipped, the first place word after the name ends it.
    """
    terms: list[str] = []
    for term in content_terms(subject):
        if term in drop:
            if terms:
                break
            continue
        terms.append(term)
    return " ".join(terms)


def _starts_with_phrase(name: str, phrase: str) -> bool:
    """True when the agency name begins with the subject ("Sở Y tế", not "chỉ đạo các cơ sở y tế")."""
    normalised = " ".join(content_terms(name))
    return normalised == phrase or normalised.startswith(phrase + " ")


def _parent(index, clause: Clause) -> Clause | None:
    if not clause.parent_id:
        return None
    try:
        return index.clause(clause.parent_id)
    except KeyError:
        return None


def _ancestors(index, clause: Clause) -> list[Clause]:
    """The clause's ancestors below its section, nearest first."""
    chain: list[Clause] = []
    parent = _parent(index, clause)
    while parent is not None and parent.kind != "section":
        chain.append(parent)
        parent = _parent(index, parent)
    return chain


def find_agency_block(phrase: str, pool: Sequence[ScoredClause], index, derive) -> AgencyBlock | None:
    """The block owned by the agency ``phrase`` names, among ``pool`` and their ancestors.

    Args:
        phrase: Output of :func:`subject_phrase`; "" finds nothing.
        pool: Retrieved clauses, best first (the first match wins).
        index: The clause tree (``clause(id)``, ``children(id)``).
        derive: ``derive(scored, clause) -> ScoredClause`` for clauses reached through the tree.

    Returns:
        The :class:`AgencyBlock`, or None when no clause names that agency.
    """
    if not phrase or index is None:
        return None
    seen: set[str] = set()
    for scored in pool:
        for clause in [scored.clause, *_ancestors(index, scored.clause)]:
            if clause.id in seen or clause.kind in ("section", "attribute", "footnote"):
                continue
            seen.add(clause.id)
            parent = _parent(index, clause)
            name, heading_only = agency_name(clause, parent)
            if not name:
                continue
            if not _starts_with_phrase(name, phrase):
                continue
            head = scored if clause.id == scored.id else derive(scored, clause)
            members: list[ScoredClause] = [] if heading_only and index.children(clause.id) else [head]
            lead_ins: list[str] = [""] * len(members)
            for kid in index.children(clause.id):
                if kid.kind == "footnote":
                    continue
                grandkids = [g for g in index.children(kid.id) if g.kind != "footnote"]
                if grandkids and _reading(kid).endswith(":"):
                    members.extend(derive(head, g) for g in grandkids)
                    lead_ins.extend([_reading(kid).lstrip("-+* ")] * len(grandkids))
                else:
                    members.append(derive(head, kid))
                    lead_ins.append("")
            return AgencyBlock(head=head, name=name, members=tuple(members), lead_ins=tuple(lead_ins))
    return None
