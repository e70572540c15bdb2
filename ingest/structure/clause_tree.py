"""Build the clause tree of a plan from its cleaned logical lines.

Hierarchy (outermost first): Roman sections ("I-", "II.", OCR "I1-" = II),
numbered items ("1.", "1-"), lettered items ("a)"), bullets ("-", "+", "*";
a bullet symbol not yet open nests under the open one, so "+" under "-", and
a bullet indented deeper than the open one nests under it whatever its symbol,
as Markdown lists nest). A Markdown heading takes the level its depth stands
for in the document; one without a numeral is named by its position among its
siblings ("## Mục tiêu" as the second section: path ("2",)).
Attribute lines ("* Cơ quan, đơn vị thực hiện: ...", "Thời gian thực hiện: ...")
close any open bullets and become children (kind "attribute") of the task they
follow. Plain paragraphs belong to the open item or section (kind "paragraph");
before the first section they are top-level, and so is the closing "Trên đây
là Kế hoạch ..." paragraph. Footnotes become children of the clause that
cites them and are listed in its ``footnotes``.

Paths: sections ("II",), items ("II", "3"), lettered ("II", "3", "a"),
bullets by position ("II", "3", "2"), attributes ("II", "3", "attr1"),
paragraphs ("II", "3", "p1") or ("p1",), footnotes (<citing path>, "fn1").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.model import Clause, make_clause_id
from ingest.structure.line_markers import BULLET_RANK
from ingest.structure.lines import Line
from ingest.vntext import folded_form

_TITLE_MAX = 160
_RANKED = ("section", "item", "letter")
# A bullet indented this many columns deeper than the open bullet is its child (Markdown uses 2 or more).
_NEST_INDENT = 2


@dataclass
class _Draft:
    """A clause under construction (mutable until the tree is complete)."""

    kind: str
    path: tuple[str, ...]
    titles: tuple[str, ...]
    line: Line
    parent: _Draft | None
    label: str
    heading: str
    rank: int = 9
    counts: dict[str, int] = field(default_factory=dict)
    clause_id: str = ""
    footnote_ids: list[str] = field(default_factory=list)

    def next_child(self, key: str) -> int:
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]


def first_sentence(text: str, limit: int = _TITLE_MAX) -> str:
    """The first sentence (or clause before ":") of ``text``, at most ``limit`` characters."""
    match = re.search(r"(?<=\S)[.:](?=\s|$)", text)
    head = text[: match.start()] if match else text
    if len(head) > limit:
        cut = head.rfind(" ", 0, limit)
        head = head[: cut if cut > 0 else limit] + "…"
    return head.strip()


def _heading(line: Line) -> str:
    """Title of a clause as its descendants cite it: marker + first sentence."""
    marker = line.marker
    if marker.kind == "section":
        return f"{marker.label}{marker.sep} {line.body}".strip()
    head = first_sentence(line.body)
    if marker.kind in ("item", "letter"):
        return f"{marker.label}{marker.sep} {head}".strip()
    if marker.kind == "bullet":
        return f"{marker.label} {head}"
    return head


def _is_closing_paragraph(line: Line) -> bool:
    """The closing paragraph ("Trên đây là Kế hoạch ...", or any line ending "./.")."""
    folded = folded_form(line.body)
    return folded.startswith("tren day la") or line.body.rstrip().endswith("./.")


class _TreeBuilder:
    """Stack machine that turns logical lines into drafts."""

    def __init__(self) -> None:
        self.stack: list[_Draft] = []
        self.top_counts: dict[str, int] = {}
        self.drafts: list[_Draft] = []

    def _child_path(self, parent: _Draft | None, key: str, label: str | None = None) -> tuple[str, ...]:
        """Path of the next child of ``parent``: its label, else the key and its position ("p2", "3")."""
        if parent is None:
            self.top_counts[key] = self.top_counts.get(key, 0) + 1
            index = self.top_counts[key]
        else:
            index = parent.next_child(key)
        part = label if label else (str(index) if key in ("", "x") else f"{key}{index}")
        return (parent.path if parent else ()) + (part,)

    def _add(self, kind: str, line: Line, parent: _Draft | None, path: tuple[str, ...], rank: int = 9) -> _Draft:
        titles = parent.titles + (parent.heading,) if parent else ()
        draft = _Draft(kind, path, titles, line, parent, line.marker.label, _heading(line), rank)
        self.drafts.append(draft)
        return draft

    def _pop_to(self, rank: int) -> None:
        while self.stack and self.stack[-1].rank >= rank:
            self.stack.pop()

    def _top(self) -> _Draft | None:
        return self.stack[-1] if self.stack else None

    def add(self, line: Line) -> None:
        kind = line.marker.kind
        if kind in _RANKED:
            # Conventions nest by rank (Phần > Chương > I. > Điều > 1. > 1.1. > a)); a section
            # with nothing outer open starts at the top.
            rank = line.marker.nesting_rank
            self._pop_to(rank)
            parent = self._top()
            path = self._child_path(parent, "x", line.marker.label)
            self.stack.append(self._add(kind, line, parent, path, rank))
        elif kind == "bullet":
            self._add_bullet(line)
        elif kind == "attribute":
            self._pop_to(BULLET_RANK)
            parent = self._top()
            self._add("attribute", line, parent, self._child_path(parent, "attr"))
        else:
            if _is_closing_paragraph(line):
                self.stack = []
            self._pop_to(BULLET_RANK)
            parent = self._top()
            self._add("paragraph", line, parent, self._child_path(parent, "p"))

    def _add_bullet(self, line: Line) -> None:
        symbol = line.marker.label
        # Open bullets indented deeper than this one are closed: the list is back at this depth.
        while self.stack and self.stack[-1].kind == "bullet" and self.stack[-1].line.indent >= line.indent + _NEST_INDENT:
            self.stack.pop()
        open_bullets = [d for d in self.stack if d.kind == "bullet"]
        same = next((d for d in open_bullets
                     if d.label == symbol and abs(d.line.indent - line.indent) < _NEST_INDENT), None)
        if same is not None:
            self._pop_to(same.rank)  # a sibling of the open bullet with this symbol and indentation
        rank = BULLET_RANK + sum(1 for d in self.stack if d.kind == "bullet")
        parent = self._top()
        self.stack.append(self._add("bullet", line, parent, self._child_path(parent, ""), rank))


def build_clauses(doc_id: str, text: str, lines: list[Line]) -> list[Clause]:
    """Build the clause tree of one document.

    Args:
        doc_id: Id of the document (part of every clause id).
        text: NFC text of the whole file; ``Clause.text`` is sliced from it.
        lines: Logical lines of the body (see :func:`ingest.structure.clean.logical_lines`).

    Returns:
        Clauses in reading order (by ``char_start``); parents come before children.
    """
    builder = _TreeBuilder()
    footnote_lines: list[Line] = []
    for line in lines:
        if line.kind == "footnote":
            footnote_lines.append(line)
        else:
            builder.add(line)
    drafts = builder.drafts

    citing: dict[int, _Draft] = {}
    for draft in drafts:
        for number in draft.line.footnote_refs:
            citing.setdefault(number, draft)
    for line in footnote_lines:
        parent = citing.get(line.footnote_number)
        part = f"fn{line.footnote_number}"
        path = parent.path + (part,) if parent else (part,)
        titles = parent.titles + (parent.heading,) if parent else ()
        drafts.append(_Draft("footnote", path, titles, line, parent, str(line.footnote_number), first_sentence(line.body)))

    for draft in drafts:  # parents precede children in ``drafts``
        draft.clause_id = make_clause_id(doc_id, draft.path, text[draft.line.char_start : draft.line.char_end])
    for draft in drafts:
        if draft.kind == "footnote" and draft.parent is not None:
            draft.parent.footnote_ids.append(draft.clause_id)

    clauses = [
        Clause(
            id=d.clause_id,
            doc_id=doc_id,
            kind=d.kind,
            path=d.path,
            titles=d.titles,
            text=text[d.line.char_start : d.line.char_end],
            body=d.line.body,
            char_start=d.line.char_start,
            char_end=d.line.char_end,
            parent_id=d.parent.clause_id if d.parent else "",
            label=d.label,
            footnotes=tuple(d.footnote_ids),
        )
        for d in drafts
    ]
    clauses.sort(key=lambda c: c.char_start)
    return clauses
