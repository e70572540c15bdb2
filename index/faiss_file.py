"""Where dense search switches from the exact scan to an approximate graph: ``hnsw_threshold``.

The segment store (``store.py``) scores every live vector exactly (memory-mapped float32, one
matrix-vector product per segment) below ``hnsw_threshold`` clauses; from it on, an unfiltered
search goes through a FAISS HNSW graph built in memory on first use (never saved). Flat search of
the national corpus (~190,000 clauses) was measured at 12-13 ms on one core (docs/scaling.md).
"""

from __future__ import annotations

# The setting ``hnsw_threshold`` (chosen by bench/scale.py, see docs/scaling.md).
DEFAULT_HNSW_THRESHOLD = 400000
