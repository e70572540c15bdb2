"""What each search channel reads of a clause: the embedded text and the lexical text.

The clause text itself is never changed; these are derived readings for search
(``Clause.search_text`` and ``Clause.search_titles``, which prefer OCR-repaired
readings when there are any).
"""

from __future__ import annotations

from ingest.model import Clause, DocumentMeta

_TITLE_CONTEXT_CHARS = 160


def embedding_text(clause: Clause, meta: DocumentMeta) -> str:
    """What is embedded for a clause: locality and issuer, ancestor headings, then its text.

    So "Sở Tài chính" under the Huế plan is near a question about Huế.
    """
    context = " – ".join(p for p in (meta.locality, meta.issuer) if p)
    titles = " › ".join(_clip(t, _TITLE_CONTEXT_CHARS) for t in clause.search_titles if t)
    return "\n".join(p for p in (context, titles, clause.search_text) if p)


def lexical_text(clause: Clause) -> str:
    """What the lexical channel indexes: the clause text and its parent's heading."""
    parent = clause.search_titles[-1] if clause.titles else ""
    return f"{parent}\n{clause.search_text}" if parent else clause.search_text


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
