"""Clauses too long to search and embed whole are split at sentence boundaries, offsets kept exact.

A plan's clauses are a few hundred characters (the longest of the five bundled
plans has 872), but a file with no structure, or one paragraph of megabytes,
would become one clause whose embedding alone takes minutes and cannot be
interrupted. Such a clause is cut into parts of at most ``max_chars``
characters, at the last sentence end (". ", "; ", "? ", "! ", a line break)
before the limit, else at the last space, else at the limit. Every part is a
clause of the same kind whose text is the exact slice of the file; the first
keeps the clause's path, id-bearing place and children, later parts are
numbered after it ("3" -> "3.2", "3.3"), so a citation says "ý 3.2".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ingest.model import Clause, make_clause_id

__all__ = ["DEFAULT_MAX_CLAUSE_CHARS", "split_long_clauses"]

#: Longest clause kept whole: far above real clauses, well within what an embedder reads usefully.
DEFAULT_MAX_CLAUSE_CHARS = 3000
_SENTENCE_END_RE = re.compile(r"[.;!?…](?=\s)|\n")


def _cut_points(text: str, max_chars: int) -> list[tuple[int, int]]:
    """(start, end) ranges of ``text``, each at most ``max_chars`` long, cut at sentence ends where possible."""
    ranges: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start:start + max_chars]
        ends = [m.end() for m in _SENTENCE_END_RE.finditer(window)]
        cut = ends[-1] if ends and ends[-1] > max_chars // 4 else 0
        if not cut:
            space = window.rfind(" ")
            cut = space if space > max_chars // 4 else max_chars
        ranges.append((start, start + cut))
        start += cut
    ranges.append((start, len(text)))
    return ranges


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inward past whitespace at both edges."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _parts(clause: Clause, max_chars: int) -> list[Clause]:
    collapsed = " ".join(clause.text.split())
    marker = collapsed[: len(collapsed) - len(clause.body)] if collapsed.endswith(clause.body) else ""
    parts: list[Clause] = []
    for start, end in _cut_points(clause.text, max_chars):
        start, end = _stripped(clause.text, start, end)
        if start == end:
            continue
        piece = clause.text[start:end]
        body = " ".join(piece.split())
        if not parts and marker and body.startswith(marker):
            body = body[len(marker):].strip()
        if parts:
            tail = f"{clause.path[-1]}.{len(parts) + 1}" if clause.path else f"p.{len(parts) + 1}"
            path = (*clause.path[:-1], tail)
        else:
            path = clause.path
        parts.append(replace(clause, id=make_clause_id(clause.doc_id, path, piece), path=path, text=piece, body=body,
                             char_start=clause.char_start + start, char_end=clause.char_start + end,
                             footnotes=clause.footnotes if not parts else (), reading=""))
    return parts


def split_long_clauses(clauses: Sequence[Clause], max_chars: int = DEFAULT_MAX_CLAUSE_CHARS) -> list[Clause]:
    """``clauses`` with every clause longer than ``max_chars`` cut into parts (reading order kept).

    Children and footnote references of a split clause point at its first part.

    Raises:
        ValueError: If ``max_chars`` is not positive.
    """
    if max_chars <= 0:
        raise ValueError(f"max_chars must be > 0, got {max_chars}")
    if all(len(c.text) <= max_chars for c in clauses):
        return list(clauses)
    renamed: dict[str, str] = {}
    out: list[Clause] = []
    for clause in clauses:
        if len(clause.text) <= max_chars:
            out.append(clause)
            continue
        parts = _parts(clause, max_chars)
        renamed[clause.id] = parts[0].id
        out.extend(parts)
    return [replace(c, parent_id=renamed.get(c.parent_id, c.parent_id),
                    footnotes=tuple(renamed.get(f, f) for f in c.footnotes)) for c in out]
