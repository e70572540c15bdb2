"""A separate process acting on an index directory, for the race and crash tests.

``python -m tests.index.index_worker ACTION DIR [ARG]``:

- ``add DIR DOC_ID``: add one mini-corpus document under a new id through
  ``index.maintenance.index_documents`` (the path ``ingest`` takes), with a
  slow hash embedder so that unlocked runs would overlap.
- ``churn DIR N``: rewrite the index N times, alternating two versions of one
  clause (same row count, different vectors); prints ``swap`` after each.
- ``stall DIR segment|manifest``: start an update and stop for good while writing the new
  segment's files, or between the segment and the manifest (prints ``writing``), to be
  killed with SIGKILL.
- ``hold DIR``: hold the writer lock (prints ``held``) until killed.

``--no-lock`` as the last argument replaces the writer lock by nothing: only to
show by hand that the race tests fail without it.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import index.maintenance as maintenance
import index.segments as segments
import index.store as store
from index.locking import index_lock
from settings import load_settings
from tests.index.conftest import MINI_CORPUS, HashEmbedder, make_document

CHANGED_PATH = ("II", "2", "1")
VERSIONS = ("- Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%.",
            "- Đến năm 2027, tỉ lệ bao phủ bảo hiểm y tế toàn tỉnh đạt trên 97% dân số.")


class SlowHashEmbedder(HashEmbedder):
    """HashEmbedder that takes a moment per call, as a real model does."""

    def _encode(self, texts, is_query):
        time.sleep(0.3)
        return super()._encode(texts, is_query)


def renamed(doc_id: str, new_id: str):
    """Mini-corpus document ``doc_id`` under the id ``new_id`` (clause ids follow the document id)."""
    MINI_CORPUS[new_id] = MINI_CORPUS[doc_id]
    return make_document(new_id)


def version(i: int):
    """The Ninh Bình document with the clause of version ``i % 2``."""
    return make_document("ninh-binh_KH-UBND_2026-01", {CHANGED_PATH: VERSIONS[i % 2]})


def main(argv: list[str]) -> None:
    if argv[-1] == "--no-lock":
        argv = argv[:-1]
        maintenance.index_lock = store.index_lock = lambda *a, **k: contextlib.nullcontext()
    action, directory = argv[0], Path(argv[1])
    settings = load_settings(environ={}, index_dir=str(directory), vector_cache="")
    if action == "add":
        maintenance.make_embedder = lambda *a, **k: SlowHashEmbedder()
        maintenance.index_documents([renamed("hue_KH-UBND", argv[2])], settings)
    elif action == "churn":
        index = store.ClauseIndex.load(directory, HashEmbedder())
        for i in range(int(argv[2])):
            index.upsert([version(i + 1)])
            print("swap", flush=True)
            time.sleep(0.03)
    elif action == "stall":
        # "segment": stop while the new segment's files are being written (before its rename);
        # "manifest": stop after the segment is in place, before the new manifest's rename.
        def stall(*args, **kwargs):
            print("writing", flush=True)
            time.sleep(120)

        index = store.ClauseIndex.load(directory, HashEmbedder())
        if argv[2] == "segment":
            segments.file_sha256 = stall  # hashing follows the last file of the segment
        else:
            store.write_manifest_atomic = stall
        index.upsert([version(1)])
    elif action == "hold":
        with index_lock(directory):
            print("held", flush=True)
            time.sleep(120)
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main(sys.argv[1:])
