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
from ingest.vntext import nfc


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


def clause_key(clause) -> tuple[str, tuple[str, ...], str]:
    """What parity compares of a clause: kind, section path, body modulo whitespace."""
    return clause.kind, tuple(clause.path), " ".join(clause.body.split())


def clause_keys(document: ParsedDocument) -> Counter:
    """The multiset of :func:`clause_key` over a document's clauses."""
    return Counter(clause_key(c) for c in document.clauses)


def clause_parity(original: ParsedDocument, converted: ParsedDocument) -> ParityReport:
    """Compare the clause trees of ``original`` and ``converted`` (kind, section path, body modulo whitespace)."""
    want, have = clause_keys(original), clause_keys(converted)
    matched = sum((want & have).values())
    missing = tuple((path, text) for _, path, text in (want - have).elements())[:10]
    extra = tuple((path, text) for _, path, text in (have - want).elements())[:10]
    return ParityReport(matched, sum(want.values()), missing, extra)


def parse_file(path: Path) -> tuple[str, ParsedDocument]:
    """A file read by ``read_source`` and parsed by ``parse_text``: (its text, the document)."""
    source = read_source(path)
    return source.text, parse_text(source.text, str(path), encoding=source.encoding)


def rendering_parity(txt_path: Path, rendered_path: Path, min_share: float) -> tuple[ParsedDocument, ParsedDocument]:
    """Parse a plan and its rendering in another format; assert parity and exact offsets.

    Returns:
        (the .txt original, the rendering), both parsed, for further checks.
    """
    original = parse_text(txt_path.read_text(encoding="utf-8"), str(txt_path))
    text, converted = parse_file(rendered_path)
    report = clause_parity(original, converted)
    print(f"{rendered_path.name}: {report.matched}/{report.total} = {report.share:.3f}")
    assert report.share >= min_share, (report.missing, report.extra)
    for clause in converted.clauses:
        assert nfc(text)[clause.char_start : clause.char_end] == clause.text
    return original, converted
