"""Open, create and update the index named by the settings (used by the CLI and ``ingest``).

The index directory is ``settings.index_dir`` (environment ``BHYT_INDEX_DIR``,
overridden by ``--index``); the embedder is ``settings.embedder`` and vectors
are cached in ``settings.vector_cache``. Updates hold the writer lock
(``locking.py``) from reading the index to swapping the new one in, so two
``ingest`` runs on one directory take turns instead of losing a change; the
second waits up to ``settings.index_lock_timeout`` seconds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from index.atomic import write_error
from index.embedders import make_embedder
from index.locking import index_lock
from index.manifest import MANIFEST_FILE
from index.reports import UpdateReport
from index.store import ClauseIndex, read_document_metas
from index.vector_cache import VectorCache
from ingest.identity import KnownSource
from ingest.model import ParsedDocument


def _cache(settings: Any) -> VectorCache | None:
    path = settings.get("vector_cache")
    return VectorCache(path) if path else None


def open_index(settings: Any, *, with_embedder: bool = True) -> ClauseIndex:
    """Load the index of ``settings.index_dir``.

    Args:
        settings: Resolved settings.
        with_embedder: Check the manifest against ``settings.embedder`` now
            (False defers creating the embedder until a dense query needs it).

    Raises:
        IndexLoadError: Missing, damaged or incompatible index (Vietnamese message).
    """
    embedder = make_embedder(settings.get("embedder"), segment=settings.get("embedder_segment")) \
        if with_embedder else None
    return ClauseIndex.load(settings.get("index_dir"), embedder, cache=_cache(settings),
                            hnsw_threshold=settings.get("hnsw_threshold"),
                            lock_timeout=settings.get("index_lock_timeout"),
                            max_segments=settings.get("index_max_segments"),
                            clause_cache_size=settings.get("clause_cache_size"))


def index_documents(documents: Iterable[ParsedDocument], settings: Any, *, rebuild: bool = False,
                    progress: Callable[[int, int], None] | None = None) -> UpdateReport:
    """Add or update ``documents`` in the settings' index, creating it if needed.

    Unchanged documents cost nothing; changed ones replace only their own clauses.

    Args:
        documents: Parsed plans (from ``ingest.batch.ingest_paths``).
        settings: Resolved settings.
        rebuild: Start a new index from ``documents`` only (e.g. after changing
            the embedder); the previous index keeps serving until the new one is in place.
        progress: ``progress(done, total)`` as passages are embedded (see
            ``index.vector_cache.embed_with_cache``).

    Raises:
        IndexLoadError: The existing index is incompatible or damaged and
            ``rebuild`` is False (the message says how to rebuild).
        IndexBusyError: Another process kept the index locked for ``index_lock_timeout`` seconds.
        IndexWriteError: The new index could not be written (full disk, no
            permission); the previous one is untouched.
    """
    documents = list(documents)
    directory = Path(settings.get("index_dir"))
    embedder = make_embedder(settings.get("embedder"), segment=settings.get("embedder_segment"))
    cache = _cache(settings)
    options = {"hnsw_threshold": settings.get("hnsw_threshold"), "lock_timeout": settings.get("index_lock_timeout"),
               "max_segments": settings.get("index_max_segments")}
    with _writer_lock(directory, options["lock_timeout"]):
        if rebuild or not (directory / MANIFEST_FILE).exists():
            # A rebuild writes one segment; the manifest that lists it replaces the old index.
            index = ClauseIndex(directory, embedder, embedder_id=embedder.id, dim=embedder.dim, cache=cache,
                                **options)
            return index.write_all(documents, progress=progress)
        index = ClauseIndex.load(directory, embedder, cache=cache, clause_cache_size=settings.get("clause_cache_size"),
                                 **options)
        return index.upsert(documents, progress=progress)


def remove_document(doc_id: str, settings: Any) -> ClauseIndex:
    """Remove one document from the settings' index (under the writer lock); returns the updated index.

    Raises:
        IndexLoadError, IndexBusyError, IndexWriteError: As :func:`index_documents`.
        UnknownDocumentError: ``doc_id`` is not in the index.
    """
    with _writer_lock(Path(settings.get("index_dir")), settings.get("index_lock_timeout")):
        index = open_index(settings, with_embedder=False)
        index.remove(doc_id)
        return index


@contextmanager
def _writer_lock(directory: Path, timeout: float) -> Iterator[None]:
    """The writer lock, with a failure to create its file reported like any other write failure."""
    held = ExitStack()
    try:
        held.enter_context(index_lock(directory, timeout))
    except OSError as exc:
        raise write_error(directory, exc) from exc
    with held:
        yield


def known_sources(settings: Any) -> dict[str, KnownSource]:
    """The document ids the settings' index already holds, with their sources (empty when there is no index).

    Ingest uses them so that a new file named like an indexed plan from
    elsewhere gets an id of its own instead of overwriting it.
    """
    directory = Path(settings.get("index_dir"))
    if not (directory / MANIFEST_FILE).exists():
        return {}
    try:
        # Only the documents table: the indexing step opens the whole index once, after.
        metas = read_document_metas(directory)
    except (OSError, sqlite3.DatabaseError, ValueError, KeyError):
        return {}  # an unusable index is rebuilt or reported by the indexing step
    return {meta.doc_id: KnownSource(meta.source_path, meta.content_hash) for meta in metas}

