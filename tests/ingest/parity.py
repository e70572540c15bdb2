"""Does a plan read from another format give the clause tree of its .txt original?

Used by the format tests (.docx, .pdf, .md renderings of the five plans): a
clause of the original is matched when the converted document has a clause of
the same kind at the same section path whose text is the same up to whitespace.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.model import ParsedDocument
from ingest.pipeline import parse_text
from ingest.reading.readers import read_source


@dataclass(frozen=True)
class ParityReport:
    """How many of the original's clauses the converted document reproduces.

    Attributes:
        matched: Original clauses found in the converted document.
        total: Clauses of the original.
        missing: Up to ten (path, text) pairs of the original that were not found.
        extra: Up to ten (path, text) pairs of the converted document with no original.
    """

    matched: int
    total: int
    missing: tuple[tuple[tuple[str, ...], str], ...]
    extra: tuple[tuple[tuple[str, ...], str], ...]

    @property
    def share(self) -> float:
        """Matched share of the original's clauses (1.0 for an empty original)."""
        return self.matched / self.total if self.total else 1.0


def _key(clause) -> tuple[str, tuple[str, ...], str]:
    return clause.kind, tuple(clause.path), " ".join(clause.body.split())


def clause_parity(original: ParsedDocument, converted: ParsedDocument) -> ParityReport:
    """Compare the clause trees of ``original`` and ``converted`` (kind, section path, body modulo whitespace)."""
    want = Counter(_key(c) for c in original.clauses)
    have = Counter(_key(c) for c in converted.clauses)
    matched = sum((want & have).values())
    missing = tuple((path, text) for _, path, text in (want - have).elements())[:10]
    extra = tuple((path, text) for _, path, text in (have - want).elements())[:10]
    return ParityReport(matched, sum(want.values()), missing, extra)


def parse_file(path: Path) -> tuple[str, ParsedDocument]:
    """A file read by ``read_source`` and parsed by ``parse_text``: (its text, the document)."""
    source = read_source(path)
    return source.text, parse_text(source.text, str(path), encoding=source.encoding)
