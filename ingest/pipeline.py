"""Ingest pipeline: text already read -> ParsedDocument (metadata + clause tree), OCR repair.

:func:`parse_text` parses one text; files and folders are read by
``ingest/batch.py`` (:func:`~ingest.batch.ingest_paths`).

OCR repair hook: ``damage_scorer`` (e.g. ``ingest.ocr.damage.score_damage``) fills
``DocumentMeta.damage_score``; ``restorer`` (an object with ``restore(text)``,
e.g. :class:`OcrRepairer`) fills ``Clause.reading`` and ``Clause.title_readings``
for documents whose score reaches ``damage_threshold``. ``ingest_paths``
uses both by default (setting ``ocr_repair``); :func:`parse_text` only when
asked; :func:`apply_repair` can also be called on an already parsed document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Protocol

from ingest.model import HeaderSpan, ParsedDocument, text_hash
from ingest.ocr.damage import score_damage
from ingest.ocr.restore import Restorer
from ingest.structure.annotate import annotate
from ingest.structure.clause_tree import build_clauses
from ingest.structure.clean import logical_lines
from ingest.structure.long_clauses import DEFAULT_MAX_CLAUSE_CHARS, split_long_clauses
from ingest.structure.metadata import extract_metadata
from ingest.vntext import nfc


class TextRestorer(Protocol):
    """Anything that returns a repaired reading of an OCR-damaged text."""

    def restore(self, text: str) -> str:  # pragma: no cover - protocol
        """Return the repaired reading of ``text``."""


class OcrRepairer:
    """The default :class:`TextRestorer`: OCR-confusion repair plus diacritic restoration.

    Wraps :meth:`ingest.ocr.restore.Restorer.repair_ocr` of the bundled model (loaded
    once per process, ~0.2 s).
    """

    def __init__(self) -> None:
        self._restorer = Restorer.load_default()

    def restore(self, text: str) -> str:
        """Return the repaired reading of the OCR text ``text``."""
        return self._restorer.repair_ocr(text)


def default_repair() -> tuple[TextRestorer, Callable[[str], Any]]:
    """The restorer and damage scorer :func:`ingest_paths` uses when ``ocr_repair`` is on."""
    return OcrRepairer(), score_damage


def apply_repair(
    document: ParsedDocument,
    *,
    restorer: TextRestorer | None = None,
    damage_scorer: Callable[[str], Any] | None = None,
    damage_threshold: float = 0.3,
) -> ParsedDocument:
    """Fill ``meta.damage_score`` and, for damaged documents, each ``Clause.reading``.

    Args:
        document: A parsed document.
        restorer: Object with ``restore(text) -> str``; None leaves readings empty.
        damage_scorer: Callable returning an object with ``score`` (or a float).
        damage_threshold: Score at or above which clauses get a repaired reading.
            With a restorer but no scorer, every clause is restored.

    Returns:
        The document with metadata and clauses updated (unchanged when both are None).
    """
    if restorer is None and damage_scorer is None:
        return document
    meta = document.meta
    score = meta.damage_score
    if damage_scorer is not None:
        result = damage_scorer(document.source_text)
        score = float(getattr(result, "score", result))
        meta = replace(meta, damage_score=score)
    clauses = document.clauses
    if restorer is not None and (damage_scorer is None or score >= damage_threshold):
        repaired = []
        titles_read: dict[str, str] = {}
        for clause in clauses:
            reading = restorer.restore(clause.body)
            for title in clause.titles:
                if title not in titles_read:
                    titles_read[title] = restorer.restore(title)
            repaired.append(replace(
                clause,
                reading=reading if reading != clause.body else "",
                title_readings=tuple(titles_read[t] for t in clause.titles),
            ))
        clauses = tuple(repaired)
        title = restorer.restore(meta.title) if meta.title else ""
        meta = replace(meta, title_reading=title if title != meta.title else "",
                       header_spans=tuple(_read_again(span, restorer) for span in meta.header_spans))
    return replace(document, meta=meta, clauses=clauses)


def _read_again(span: HeaderSpan, restorer: TextRestorer) -> HeaderSpan:
    """A header span with its repaired reading (the recipients' lists keep their entries as written)."""
    if span.fact == "recipients":
        return span
    reading = restorer.restore(span.text)
    return replace(span, reading=reading if reading != span.text else "")


def parse_text(
    text: str,
    source_path: str,
    *,
    encoding: str = "utf-8",
    sidecar: Mapping[str, Any] | None = None,
    restorer: TextRestorer | None = None,
    damage_scorer: Callable[[str], Any] | None = None,
    doc_id: str | None = None,
    max_clause_chars: int = DEFAULT_MAX_CLAUSE_CHARS,
) -> ParsedDocument:
    """Parse the text of one plan into metadata and a clause tree.

    Args:
        text: The file's text (normalised to NFC here; offsets refer to the NFC text).
        source_path: Path of the file as given (recorded in the metadata).
        encoding: Encoding the reader detected.
        sidecar: Fields from ``<file>.meta.json`` that override what is read.
        restorer: Optional OCR restorer, see :func:`apply_repair`.
        damage_scorer: Optional OCR damage scorer, see :func:`apply_repair`.
        doc_id: The document id (``ingest/identity.py`` chooses it for files);
            None takes the file stem's slug.
        max_clause_chars: Longer clauses are cut into parts at sentence ends
            (``ingest/structure/long_clauses.py``).

    Returns:
        The :class:`ParsedDocument`; problems are reported in ``warnings`` (Vietnamese).
    """
    text = nfc(text)
    extracted = extract_metadata(
        text,
        source_path,
        encoding=encoding,
        sidecar=dict(sidecar) if sidecar else None,
        content_hash=text_hash(text, 64),
        doc_id=doc_id,
    )
    lines = logical_lines(text, start=extracted.body_start, end=extracted.body_end)
    clauses = split_long_clauses(build_clauses(extracted.meta.doc_id, text, lines), max_clause_chars)
    warnings = list(extracted.warnings)
    if not clauses:
        warnings.append("Không tìm thấy nội dung nào để trả lời trong văn bản.")
    document = ParsedDocument(extracted.meta, tuple(clauses), text, tuple(warnings))
    return annotate(apply_repair(document, restorer=restorer, damage_scorer=damage_scorer))
