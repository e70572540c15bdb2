"""The FAISS part of an index directory: ``vectors.faiss`` and the kind of index in it.

FAISS row ``i`` is clause row ``i`` of the SQLite catalog (``catalog.py``), which
keeps the vectors too, so this file can always be rebuilt from the database.
Small indexes are exact inner-product (``IndexFlatIP``); from ``hnsw_threshold``
clauses on, HNSW. Written with ``faiss.write_index``; nothing is pickled.
FAISS is imported only when needed, since it is slow to import.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

FAISS_FILE = "vectors.faiss"
# The setting ``hnsw_threshold`` (chosen by bench/scale.py, see docs/scaling.md).
DEFAULT_HNSW_THRESHOLD = 400000


def build_faiss(vectors: Sequence[np.ndarray], dim: int, hnsw_threshold: int):
    """A FAISS inner-product index over ``vectors`` (rows in order), HNSW from ``hnsw_threshold`` rows.

    Args:
        vectors: Unit vectors of dimension ``dim``, one per clause row.
        dim: Vector dimension (used when there are no vectors).
        hnsw_threshold: Row count from which an HNSW index is built.
    """
    import faiss

    matrix = (np.stack(list(vectors)).astype(np.float32)
              if len(vectors) else np.zeros((0, dim), dtype=np.float32))
    if len(matrix) >= hnsw_threshold:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
    else:
        index = faiss.IndexFlatIP(dim)
    index.add(matrix)
    return index


def write_faiss(index, directory: Path) -> None:
    """Write ``index`` as ``directory/vectors.faiss``."""
    import faiss

    faiss.write_index(index, str(directory / FAISS_FILE))


def read_faiss(directory: Path):
    """Read ``directory/vectors.faiss`` (FAISS raises RuntimeError when it is missing or damaged)."""
    import faiss

    return faiss.read_index(str(directory / FAISS_FILE))


def faiss_from_bytes(data: bytes):
    """A FAISS index from the bytes of a ``vectors.faiss`` file (RuntimeError when damaged).

    The store reads the file once, checks its checksum and deserialises the
    same bytes, so what is checked is exactly what is used.
    """
    import faiss

    return faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))


def faiss_type(index) -> str:
    """``"hnsw"`` or ``"flat"``."""
    return "hnsw" if "HNSW" in type(index).__name__ else "flat"
