"""A SQLite cache of embeddings keyed by (embedder id, SHA-256 of the embedded text).

Unchanged text is never embedded twice, across rebuilds and across index
directories (setting ``vector_cache``). Vectors are stored as raw float32 bytes
with their dimension; nothing is pickled. A damaged cache file is reported
(a Vietnamese warning in the log) and started afresh: it holds only derived data.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)
# SQLite's primary result codes for a damaged file or one that is not a database.
_DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    embedder TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (embedder, text_sha256)
)
"""


def text_sha256(text: str) -> str:
    """Full hex SHA-256 of ``text`` (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class VectorCache:
    """Embeddings cached on disk (or in memory with ``path=":memory:"``).

    Args:
        path: SQLite file; it (and its parent directory) is created on first use,
            so opening an index to answer questions leaves no file behind.
    """

    def __init__(self, path: str | Path) -> None:
        path = str(path)
        if not path:
            raise ValueError("vector cache path must not be empty, got ''")
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._unwritable = False

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(self.path)
            self._connection.execute(_SCHEMA)
            self._connection.commit()
        return self._connection

    def _recovering(self, action: Callable[[], object]) -> object:
        """Run ``action``; if the cache file is damaged, warn, start a fresh cache and run it again."""
        try:
            return action()
        except sqlite3.DatabaseError as exc:
            if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF not in _DAMAGE_CODES or self.path == ":memory:":
                raise
            logger.info("vector cache %s is damaged", self.path, exc_info=exc)
            logger.warning("Bộ nhớ đệm vector %s bị hỏng; đã xóa và tạo lại (các đoạn sẽ được nhúng lại khi cần).",
                           self.path)
            self.close()
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(self.path + suffix).unlink(missing_ok=True)
            return action()

    def get_many(self, embedder_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors among ``hashes`` (hash -> float32 vector)."""
        return self._recovering(lambda: self._get_many(embedder_id, hashes))  # type: ignore[return-value]

    def _get_many(self, embedder_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        for i in range(0, len(unique), 500):
            chunk = unique[i:i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT text_sha256, dim, vector FROM vectors WHERE embedder = ? AND text_sha256 IN ({marks})",
                [embedder_id, *chunk],
            )
            for digest, dim, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape[0] == dim:
                    found[digest] = vector
        return found

    def put_many(self, embedder_id: str, items: dict[str, np.ndarray]) -> None:
        """Store vectors (hash -> vector) for ``embedder_id``.

        A cache that cannot be written (full disk, no permission) is reported
        once (Vietnamese warning) and then skipped: caching only saves time.
        """
        if self._unwritable:
            return
        try:
            self._recovering(lambda: self._put_many(embedder_id, items))
        except (sqlite3.OperationalError, OSError) as exc:
            logger.info("writing the vector cache %s failed", self.path, exc_info=exc)
            logger.warning("Không ghi được bộ nhớ đệm vector %s (ổ đĩa đầy hoặc không có quyền ghi); tiếp tục mà "
                           "không lưu đệm, các đoạn này sẽ được nhúng lại lần sau.", self.path)
            self._unwritable = True

    def _put_many(self, embedder_id: str, items: dict[str, np.ndarray]) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO vectors (embedder, text_sha256, dim, vector) VALUES (?, ?, ?, ?)",
            [(embedder_id, h, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()],
        )
        self._conn.commit()

    def close(self) -> None:
        """Close the database connection (if one was opened)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


# Passages per embedding call (a multiple of the batch size 32); progress and the cache follow each call.
PROGRESS_CHUNK = 128
# How often a caller waiting for an embedding call looks up (Ctrl-C lands within this).
_WAIT_STEP_S = 0.1


def _interruptible(encode: Callable[[list[str]], np.ndarray], texts: list[str]) -> np.ndarray:
    """``encode(texts)`` in a worker thread, the caller waiting in short steps.

    An embedding call runs in C for seconds; waiting this way lets Ctrl-C reach
    the main thread at once (the index being written is then discarded and the
    old one kept), instead of when the call returns.
    """
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["vectors"] = encode(texts)
        except BaseException as error:  # noqa: BLE001 - handed to the caller below
            box["error"] = error

    worker = threading.Thread(target=run, name="embed", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(_WAIT_STEP_S)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["vectors"]  # type: ignore[return-value]


def _encode_in_chunks(encode: Callable[[list[str]], np.ndarray], texts: list[str],
                      progress: Callable[[int, int], None] | None,
                      keep: Callable[[list[str], np.ndarray], None]) -> np.ndarray:
    """Embed ``texts`` chunk by chunk; each chunk's vectors are kept (``keep``) as soon as they exist."""
    parts = []
    for start in range(0, len(texts), PROGRESS_CHUNK):
        chunk = texts[start:start + PROGRESS_CHUNK]
        parts.append(_interruptible(encode, chunk))
        keep(chunk, parts[-1])
        if progress is not None and len(texts) > PROGRESS_CHUNK:
            progress(start + len(chunk), len(texts))
    return np.concatenate(parts, axis=0)


def embed_with_cache(
    texts: Sequence[str],
    embedder_id: str,
    encode: Callable[[list[str]], np.ndarray],
    dim: int,
    *,
    known: dict[str, np.ndarray] | None = None,
    cache: VectorCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Embed ``texts``, reusing vectors from ``known`` and ``cache`` by text hash.

    Args:
        texts: Passages to embed.
        embedder_id: Cache key part.
        encode: Function embedding a list of texts into a (n, dim) array.
        dim: Vector dimension.
        known: Vectors already at hand (hash -> vector), e.g. from the current index.
        cache: Optional persistent cache; new vectors are written to it.
        progress: Called as ``progress(done, total)`` after each chunk of
            :data:`PROGRESS_CHUNK` new passages, when there are more than one chunk's
            worth. Chunks are multiples of the embedders' batch size (32), so the
            vectors are those of one call. Each chunk is written to ``cache`` as
            soon as it is embedded, and each call runs in a worker thread so that
            Ctrl-C stops the caller within a tenth of a second.

    Returns:
        (vectors in the order of ``texts``, number of texts actually embedded).
    """
    hashes = [text_sha256(t) for t in texts]
    have: dict[str, np.ndarray] = dict(known or {})
    missing = [h for h in dict.fromkeys(hashes) if h not in have]
    if cache is not None and missing:
        have.update(cache.get_many(embedder_id, missing))
        missing = [h for h in missing if h not in have]
    if missing:
        text_by_hash = dict(zip(hashes, texts, strict=True))

        def keep(chunk: list[str], vectors: np.ndarray) -> None:
            # Cached chunk by chunk: an interrupted build resumes without embedding these again.
            new = dict(zip((text_sha256(t) for t in chunk), vectors, strict=True))
            have.update(new)
            if cache is not None:
                cache.put_many(embedder_id, new)

        _encode_in_chunks(encode, [text_by_hash[h] for h in missing], progress, keep)
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, h in enumerate(hashes):
        out[i] = have[h]
    return out, len(missing)
