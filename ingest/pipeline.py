"""Ingest pipeline: file -> SourceText -> ParsedDocument (metadata + clause tree).

:func:`parse_text` parses one text already read; :func:`ingest_paths` reads
files and folders (recursing for .txt, .md, .docx, .pdf), skips sidecars
(``*.meta.json``, read as metadata overrides) and turns every unreadable file
into a :class:`SkippedFile` with the reader's Vietnamese message, so the rest
of the batch still ingests.

OCR repair hook: ``damage_scorer`` (e.g. ``ingest.ocr.damage.score_damage``) fills
``DocumentMeta.damage_score``; ``restorer`` (an object with ``restore(text)``,
e.g. :class:`OcrRepairer`) fills ``Clause.reading`` and ``Clause.title_readings``
for documents whose score reaches ``damage_threshold``. :func:`ingest_paths`
uses both by default (setting ``ocr_repair``); :func:`parse_text` only when
asked; :func:`apply_repair` can also be called on an already parsed document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from ingest.model import ParsedDocument, text_hash
from ingest.ocr.damage import score_damage
from ingest.ocr.restore import Restorer
from ingest.reading.errors import UnreadableFileError
from ingest.reading.readers import SUPPORTED_SUFFIXES, read_source
from ingest.structure.clause_tree import build_clauses
from ingest.structure.clean import logical_lines
from ingest.structure.metadata import extract_metadata
from ingest.structure.sidecar import SIDECAR_SUFFIX, read_sidecar
from ingest.vntext import nfc
from settings import load_settings


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


@dataclass(frozen=True)
class SkippedFile:
    """A file that could not be ingested, with a Vietnamese message naming it."""

    source_path: str
    message: str


@dataclass(frozen=True)
class IngestReport:
    """Outcome of :func:`ingest_paths`: parsed documents and skipped files, in input order."""

    documents: tuple[ParsedDocument, ...]
    skipped: tuple[SkippedFile, ...]


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
        meta = replace(meta, title_reading=title if title != meta.title else "")
    return replace(document, meta=meta, clauses=clauses)


def parse_text(
    text: str,
    source_path: str,
    *,
    encoding: str = "utf-8",
    sidecar: Mapping[str, Any] | None = None,
    restorer: TextRestorer | None = None,
    damage_scorer: Callable[[str], Any] | None = None,
) -> ParsedDocument:
    """Parse the text of one plan into metadata and a clause tree.

    Args:
        text: The file's text (normalised to NFC here; offsets refer to the NFC text).
        source_path: Path of the file as given (recorded in the metadata).
        encoding: Encoding the reader detected.
        sidecar: Fields from ``<file>.meta.json`` that override what is read.
        restorer: Optional OCR restorer, see :func:`apply_repair`.
        damage_scorer: Optional OCR damage scorer, see :func:`apply_repair`.

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
    )
    lines = logical_lines(text, start=extracted.body_start, end=extracted.body_end)
    clauses = build_clauses(extracted.meta.doc_id, text, lines)
    warnings = list(extracted.warnings)
    if not clauses:
        warnings.append("Không tìm thấy nội dung nào để trả lời trong văn bản.")
    document = ParsedDocument(extracted.meta, tuple(clauses), text, tuple(warnings))
    return apply_repair(document, restorer=restorer, damage_scorer=damage_scorer)


def _is_plan_in_folder(path: Path, folder: Path) -> bool:
    """A file found in a folder is a plan unless it is a sidecar, hidden, a README or of another format."""
    hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
    return (path.is_file() and not hidden and path.suffix.lower() in SUPPORTED_SUFFIXES
            and not path.name.endswith(SIDECAR_SUFFIX) and path.stem.lower() != "readme")


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[str], list[SkippedFile]]:
    """Files to ingest from ``paths``, plus the paths that do not exist.

    Folders are recursed; in a folder, sidecars, hidden files, READMEs and
    files of other formats are left out (a file named explicitly is always
    taken, except a sidecar). This is the one rule for which files are plans:
    the CLI, the web chat's first start and the evaluation use it. Returned
    file paths keep the form they were given in (a folder's files are joined
    onto the folder path as given).
    """
    files: list[str] = []
    missing: list[SkippedFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if _is_plan_in_folder(p, path))
            files.extend(str(p) for p in found)
        elif path.is_file():
            if not path.name.endswith(SIDECAR_SUFFIX):
                files.append(str(raw))
        else:
            missing.append(SkippedFile(str(raw), f"Không tìm thấy tệp hoặc thư mục: {raw}"))
    return files, missing


def ingest_paths(
    paths: Iterable[str | Path],
    *,
    settings: Any = None,
    restorer: TextRestorer | None = None,
    damage_scorer: Callable[[str], Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Read and parse every file in ``paths``; unreadable files are skipped, not fatal.

    Args:
        paths: Files and/or folders.
        settings: :class:`settings.Settings` (uses ``max_file_mb``);
            None loads the defaults and environment.
        restorer: OCR restorer passed to :func:`parse_text`; None takes
            :func:`default_repair` when the setting ``ocr_repair`` is on.
        damage_scorer: OCR damage scorer passed to :func:`parse_text` (same default).
        progress: ``progress(done, total)`` after each file (read or skipped).

    Returns:
        An :class:`IngestReport` with the parsed documents and the skipped files.
    """
    if settings is None:
        settings = load_settings()
    if restorer is None and damage_scorer is None and settings.get("ocr_repair"):
        restorer, damage_scorer = default_repair()
    max_bytes = int(settings.get("max_file_mb")) * 1024 * 1024
    files, skipped = expand_paths(paths)
    documents: list[ParsedDocument] = []
    for done, file_path in enumerate(files, 1):
        document = _read_one(file_path, max_bytes, restorer, damage_scorer, skipped)
        if document is not None:
            documents.append(document)
        if progress is not None:
            progress(done, len(files))
    return IngestReport(tuple(documents), tuple(skipped))


def _read_one(file_path: str, max_bytes: int, restorer: TextRestorer | None,
              damage_scorer: Callable[[str], Any] | None, skipped: list[SkippedFile]) -> ParsedDocument | None:
    """One file read and parsed, or None after adding why to ``skipped``."""
    try:
        source = read_source(file_path, max_bytes=max_bytes)
    except UnreadableFileError as exc:
        skipped.append(SkippedFile(file_path, exc.message))
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        skipped.append(SkippedFile(file_path, f"Không đọc được tệp {file_path}: {exc}"))
        return None
    sidecar, sidecar_warning = read_sidecar(file_path)
    document = parse_text(source.text, file_path, encoding=source.encoding, sidecar=sidecar,
                          restorer=restorer, damage_scorer=damage_scorer)
    # What the reader noticed (converted legacy-font lines, PDF pages without text) goes first.
    extra = source.warnings + ((sidecar_warning,) if sidecar_warning else ())
    return replace(document, warnings=extra + document.warnings) if extra else document
