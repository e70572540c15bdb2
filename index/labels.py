"""How a clause is named in a citation: its section path in words ("Mục III › 2. Hoàn thiện… › ý 3").

Built from clause metadata only (path, kind, label, ancestor headings); the
retriever puts it on every :class:`~index.types.ScoredClause` and the answer
step names derived clauses with it.
"""

from __future__ import annotations

from ingest.model import Clause

_SECTION_TITLE_CHARS = 40


def _clip(text: str, limit: int = _SECTION_TITLE_CHARS) -> str:
    text = " ".join(text.split()).rstrip(":;.,")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(":;.,") + "…"


def _own_label(clause: Clause) -> str:
    last = clause.path[-1] if clause.path else ""
    if clause.kind == "bullet":
        return f"ý {last}"
    if clause.kind == "footnote":
        return f"chú thích {clause.label or last}"
    if clause.kind == "paragraph":
        return f"đoạn {last.lstrip('p')}"
    text = clause.reading or clause.body or clause.text
    if clause.kind == "item" and clause.label and not text.startswith(clause.label):
        text = f"{clause.label}. {text}"
    return _clip(text)


def section_label(clause: Clause, first_section_start: int | None = None) -> str:
    """Section path in words, e.g. "Mục III › 2. Hoàn thiện cơ chế… › ý 3".

    The first level is "Mục <label>", the other ancestors are their headings
    (clipped with "…"), the clause itself is "ý n" for a bullet, "chú thích n"
    for a footnote, "đoạn n" for a paragraph, else its own clipped heading.
    """
    if not clause.path:
        return _own_label(clause)
    if len(clause.path) == 1 and clause.kind != "section":  # text outside the numbered sections
        after = first_section_start is not None and clause.char_start > first_section_start
        return f"{'Phần kết' if after else 'Mở đầu'} › {_own_label(clause)}"
    parts = [f"Mục {clause.path[0]}"]
    parts.extend(_clip(t) for t in clause.search_titles[1:len(clause.path) - 1] if t)
    if len(clause.path) > 1:
        parts.append(_own_label(clause))
    return " › ".join(parts)
