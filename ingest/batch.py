"""Ingesting files and folders: which files are plans, each read in isolation, ids chosen, a report.

:func:`expand_paths` is the one rule for which files are plans (the CLI, the web
chat's first start and the evaluation use it). :func:`ingest_paths` reads every
file on its own: whatever goes wrong with one file (unreadable, too long, a
damaged Word file, a bug met on strange input) becomes a :class:`SkippedFile`
with a Vietnamese message and the rest of the batch goes on. Each document's id
is chosen by ``ingest/identity.py`` so that no two sources share one silently.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ingest.identity import DocIdAssigner, KnownSource
from ingest.model import ParsedDocument, text_hash
from ingest.pipeline import TextRestorer, default_repair, parse_text
from ingest.reading.errors import UnreadableFileError, os_error_message
from ingest.reading.readers import SUPPORTED_SUFFIXES, read_source, unsupported_message
from ingest.structure.sidecar import SIDECAR_SUFFIX, read_sidecar
from ingest.vntext import nfc
from settings import load_settings

__all__ = ["FileRead", "IngestReport", "SkippedFile", "expand_paths", "ingest_paths", "read_file"]

_log = logging.getLogger(__name__)
# Formats a plan may come in that cannot be read yet: reported when met in a folder, not passed over.
_KNOWN_UNREADABLE = (".doc", ".rtf", ".odt", ".wps", ".pages")


@dataclass(frozen=True)
class SkippedFile:
    """A file that could not be ingested, with a Vietnamese message naming it."""

    source_path: str
    message: str


@dataclass(frozen=True)
class IngestReport:
    """Outcome of :func:`ingest_paths`.

    Attributes:
        documents: Parsed documents, in input order.
        skipped: Files that could not be ingested, with why.
        seconds: Reading and parsing time per file (source path -> seconds), skipped files included.
        notes: Vietnamese notes on document ids (a name shared with another source, a replacement).
    """

    documents: tuple[ParsedDocument, ...]
    skipped: tuple[SkippedFile, ...]
    seconds: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def _is_plan_in_folder(path: Path, folder: Path) -> bool:
    """A file found in a folder is a plan unless it is a sidecar, hidden, a README or of another format."""
    hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
    return (path.is_file() and not hidden and path.suffix.lower() in SUPPORTED_SUFFIXES
            and not path.name.endswith(SIDECAR_SUFFIX) and path.stem.lower() != "readme")


def _folder_files(folder: Path, raw: str | Path) -> tuple[list[str], list[SkippedFile]]:
    if not os.access(folder, os.R_OK | os.X_OK):
        return [], [SkippedFile(str(raw), f"Không có quyền đọc thư mục '{raw}'; hãy kiểm tra quyền truy cập.")]
    try:
        found = sorted(folder.rglob("*"))
    except OSError as error:
        return [], [SkippedFile(str(raw), os_error_message(str(raw), error))]
    files = [str(p) for p in found if _is_plan_in_folder(p, folder)]
    unreadable = [SkippedFile(str(p), unsupported_message(p.name, p.suffix.lower())) for p in found
                  if p.suffix.lower() in _KNOWN_UNREADABLE and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    return files, unreadable


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[str], list[SkippedFile]]:
    """Files to ingest from ``paths``, plus the paths that cannot be (with why).

    Folders are recursed; in a folder, sidecars, hidden files, READMEs and
    files of other formats are left out, except plans in formats that cannot be
    read yet (.doc, .rtf, .odt...), which are reported. A file named explicitly
    is always taken, except a sidecar. Missing paths, broken links and things
    that are not regular files (FIFOs, devices) are reported in Vietnamese.
    Returned file paths keep the form they were given in.
    """
    files: list[str] = []
    problems: list[SkippedFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found, unreadable = _folder_files(path, raw)
            files.extend(found)
            problems.extend(unreadable)
        elif path.is_file():
            if not path.name.endswith(SIDECAR_SUFFIX):
                files.append(str(raw))
        elif path.is_symlink():
            problems.append(SkippedFile(str(raw), f"'{raw}' là liên kết tượng trưng bị hỏng hoặc tạo vòng lặp; "
                                                  "không có tệp nào để đọc."))
        elif os.path.lexists(path):
            problems.append(SkippedFile(str(raw), f"'{raw}' không phải tệp thông thường (ví dụ FIFO, socket "
                                                  "hoặc thiết bị); chỉ nạp được tệp và thư mục."))
        else:
            problems.append(SkippedFile(str(raw), f"Không tìm thấy tệp hoặc thư mục: {raw}"))
    return files, problems


def ingest_paths(
    paths: Iterable[str | Path],
    *,
    settings: Any = None,
    restorer: TextRestorer | None = None,
    damage_scorer: Callable[[str], Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    known: Mapping[str, KnownSource] | None = None,
) -> IngestReport:
    """Read and parse every file in ``paths``, each on its own; a file that fails is skipped, not fatal.

    Args:
        paths: Files and/or folders.
        settings: :class:`settings.Settings` (uses ``max_file_mb``, ``max_document_chars``,
            ``max_clause_chars``, ``ocr_repair``); None loads the defaults and environment.
        restorer: OCR restorer passed to :func:`parse_text`; None takes
            :func:`default_repair` when the setting ``ocr_repair`` is on.
        damage_scorer: OCR damage scorer passed to :func:`parse_text` (same default).
        progress: ``progress(done, total)`` after each file (read or skipped).
        known: Document ids already in use (e.g. by the index) with their sources,
            so that a file of the same name from elsewhere gets an id of its own.

    Returns:
        An :class:`IngestReport`.
    """
    if settings is None:
        settings = load_settings()
    if restorer is None and damage_scorer is None and settings.get("ocr_repair"):
        restorer, damage_scorer = default_repair()
    limits = _Limits.of(settings)
    files, skipped = expand_paths(paths)
    ids = DocIdAssigner(known)
    documents: list[ParsedDocument] = []
    seconds: dict[str, float] = {}
    notes: list[str] = []
    for done, file_path in enumerate(files, 1):
        started = time.perf_counter()
        document, note = _read_one(file_path, limits, ids, restorer, damage_scorer, skipped)
        seconds[file_path] = round(time.perf_counter() - started, 3)
        if document is not None:
            documents.append(document)
        if note:
            notes.append(note)
        if progress is not None:
            progress(done, len(files))
    return IngestReport(tuple(documents), tuple(skipped), seconds, tuple(notes))


@dataclass(frozen=True)
class FileRead:
    """One file read on its own (see :func:`read_file`).

    Attributes:
        document: The parsed document, or None when the file was skipped.
        skipped: Why the file was skipped (None when it was read).
        note: Vietnamese note on its document id ("" when there is nothing to say).
        seconds: Reading and parsing time.
    """

    document: ParsedDocument | None
    skipped: SkippedFile | None
    note: str
    seconds: float


def read_file(file_path: str, *, settings: Any, ids: DocIdAssigner, read_path: str | None = None,
              restorer: TextRestorer | None = None,
              damage_scorer: Callable[[str], Any] | None = None) -> FileRead:
    """Read and parse one file exactly as :func:`ingest_paths` does for each of its files.

    Used where files are read elsewhere than the caller (``index/cluster_ingest.py``).

    Args:
        file_path: The file as given (recorded as the document's source path).
        settings: Resolved settings (``max_file_mb``, ``max_document_chars``, ``max_clause_chars``).
        ids: Chooses the document id (``assign(source_path, content_hash, explicit)``).
        read_path: Where to read the file when that differs from ``file_path``
            (an absolute path on a machine whose working directory is another).
        restorer: OCR restorer (None: no repair).
        damage_scorer: OCR damage scorer (None: no scoring).
    """
    skipped: list[SkippedFile] = []
    started = time.perf_counter()
    document, note = _read_one(file_path, _Limits.of(settings), ids, restorer, damage_scorer, skipped,
                               read_path=read_path)
    return FileRead(document, skipped[0] if skipped else None, note, round(time.perf_counter() - started, 3))


#: The settings reading one file depends on (what a cluster worker must be sent: ``index/cluster_ingest.py``).
READ_SETTINGS = ("max_file_mb", "max_document_chars", "max_clause_chars", "ocr_repair")


@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    max_chars: int
    max_clause_chars: int

    @classmethod
    def of(cls, settings: Any) -> _Limits:
        return cls(int(settings.get("max_file_mb")) * 1024 * 1024, int(settings.get("max_document_chars")),
                   int(settings.get("max_clause_chars")))


def _read_one(file_path: str, limits: _Limits, ids: DocIdAssigner, restorer: TextRestorer | None,
              damage_scorer: Callable[[str], Any] | None,
              skipped: list[SkippedFile], *, read_path: str | None = None) -> tuple[ParsedDocument | None, str]:
    """One file read and parsed (and the id note), or (None, "") after adding why to ``skipped``."""
    name = Path(file_path).name
    where = read_path or file_path
    try:
        source = read_source(where, max_bytes=limits.max_bytes)
        text = nfc(source.text)
        if len(text) > limits.max_chars:
            skipped.append(SkippedFile(file_path, _too_long_message(name, len(text), limits.max_chars)))
            return None, ""
        sidecar, sidecar_warning = read_sidecar(where)
        explicit = str(sidecar["doc_id"]) if sidecar and sidecar.get("doc_id") else None
        choice = ids.assign(file_path, text_hash(text, 64), explicit)
        document = parse_text(text, file_path, encoding=source.encoding, sidecar=sidecar,
                              restorer=restorer, damage_scorer=damage_scorer, doc_id=choice.doc_id,
                              max_clause_chars=limits.max_clause_chars)
    except UnreadableFileError as exc:
        skipped.append(SkippedFile(file_path, exc.message))
        return None, ""
    except OSError as exc:
        skipped.append(SkippedFile(file_path, os_error_message(name, exc)))
        return None, ""
    except Exception as exc:  # noqa: BLE001 - one strange file must not stop the batch
        _log.exception("ingest failed on %s", file_path)
        skipped.append(SkippedFile(file_path, f"Lỗi không lường trước khi đọc tệp '{name}' ({type(exc).__name__}); "
                                              "tệp này được bỏ qua, các tệp khác vẫn được nạp."))
        return None, ""
    # What the reader noticed (converted legacy-font lines, stray bytes, PDF pages without text) goes first.
    extra = source.warnings + ((sidecar_warning,) if sidecar_warning else ())
    if extra:
        document = replace(document, warnings=extra + document.warnings)
    return document, choice.note


def _too_long_message(name: str, length: int, limit: int) -> str:
    def vn(number: int) -> str:
        return f"{number:,}".replace(",", ".")

    return (f"Tệp '{name}' quá dài ({vn(length)} ký tự, giới hạn {vn(limit)}); một kế hoạch thường dưới 100.000 "
            "ký tự. Hãy tách tệp hoặc tăng giới hạn BHYT_MAX_DOCUMENT_CHARS.")

