"""Start-up of the web chat: build the index on a fresh machine, then load it once.

``make run`` on a fresh clone has no ``data/index``: :func:`ensure_index` builds
one from the plans in ``plans_dir`` with a console progress bar, so the page
comes up with the bundled plans. :func:`load_backend` then opens the index
once and creates the one answering service of the process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from assistant.ranker import load_answer_step
from assistant.service import Assistant
from index.maintenance import index_documents, open_index
from index.manifest import IndexLoadError
from index.retriever import load_restorer
from ingest.batch import expand_paths, ingest_paths
from settings import Settings
from webchat.backend import ChatBackend

Report = Callable[[str], None]

# Asked once at start-up, so that everything a question loads lazily (pyvi, the
# embedder's first call, the accent restorer, the answer step) is loaded before the
# first visitor asks. One accented and one accent-less question: only the latter
# goes through the restorer.
WARM_UP_QUESTIONS = (
    "Mục tiêu tỷ lệ bao phủ bảo hiểm y tế năm 2026 là bao nhiêu?",
    "ai chiu trach nhiem van dong nguoi dan tham gia bhyt",
)

def index_exists(index_dir: str | Path) -> bool:
    """True when ``index_dir`` holds an index (its ``manifest.json``)."""
    return (Path(index_dir) / "manifest.json").is_file()


def ensure_index(settings: Settings, report: Report = print) -> bool:
    """Build the index from ``settings.plans_dir`` when ``settings.index_dir`` has none (or an unusable one).

    Args:
        settings: Resolved settings (``plans_dir``, ``index_dir``, embedder...).
        report: Where progress lines go (Vietnamese); tqdm bars count files read and
            passages embedded.

    Returns:
        True when an index was built, False when one already existed.

    Raises:
        FileNotFoundError: When there is no index and no plans folder.
        RuntimeError: When none of the plans could be read.
    """
    problem = ""
    if index_exists(settings.index_dir):
        problem = _incompatibility(settings)
        if not problem:
            return False
    paths, missing = expand_paths([settings.plans_dir])
    if missing:
        raise FileNotFoundError(f"Không tìm thấy thư mục kế hoạch: {settings.plans_dir}")
    if problem:
        # The index is derived data: an old format or another embedder is rebuilt from the plans.
        report(f"{problem} Đang xây lại từ {len(paths)} kế hoạch trong {settings.plans_dir}…")
    else:
        report(f"Chưa có chỉ mục tại {settings.index_dir}; đang xây dựng từ {len(paths)} kế hoạch "
               f"trong {settings.plans_dir} (chỉ làm một lần)…")
    started = time.perf_counter()
    with tqdm(total=len(paths), desc="Đọc kế hoạch", unit="tệp") as bar:
        ingested = ingest_paths(paths, settings=settings, progress=lambda done, total: bar.update(done - bar.n))
    documents = list(ingested.documents)
    for skipped in ingested.skipped:
        report(f"Bỏ qua {skipped.source_path}: {skipped.message}")
    if not documents:
        raise RuntimeError(f"Không đọc được kế hoạch nào trong {settings.plans_dir}.")
    report(f"Đang tạo vector và chỉ mục cho {len(documents)} kế hoạch…")
    build_index(documents, settings)
    report(f"Đã xây dựng chỉ mục sau {time.perf_counter() - started:.1f} giây.")
    return True


def build_index(documents: list, settings: Settings) -> None:
    """Write a new index of ``documents`` to ``settings.index_dir``, with a progress bar.

    ``index.maintenance.index_documents(..., rebuild=True)`` with a tqdm bar counting
    the passages embedded: embedding is nearly all of a first run's time. Vectors
    already in ``settings.vector_cache`` are not embedded again (and not counted).
    """
    bar = EmbeddingBar()
    try:
        index_documents(documents, settings, rebuild=True, progress=bar.update)
    finally:
        bar.close()


class EmbeddingBar:
    """A tqdm bar "Tạo vector" fed by ``progress(done, total)`` calls; appears on the first call."""

    def __init__(self) -> None:
        self._bar = None

    def update(self, done: int, total: int) -> None:
        """Move the bar to ``done`` of ``total`` passages."""
        if self._bar is None:
            self._bar = tqdm(total=total, desc="Tạo vector", unit="đoạn")
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        """Close the bar if it was shown."""
        if self._bar is not None:
            self._bar.close()


def _incompatibility(settings: Settings) -> str:
    """The Vietnamese reason the existing index cannot serve these settings ("" when it can)."""
    try:
        open_index(settings)
    except IndexLoadError as error:
        return error.reason  # without the rebuild command: the app is rebuilding it already
    return ""


def load_backend(settings: Settings, report: Report = print) -> ChatBackend:
    """Build the index if needed, then load it and the answering service once for the process."""
    index = open_or_build_index(settings, report)
    assistant = Assistant.from_index(index, settings)
    warm_up(assistant)
    return ChatBackend(assistant, index, settings)


def warm_up(assistant: Assistant) -> float:
    """Load every model a question would load lazily; returns the seconds it took.

    The accent restorer, the answer step's and topic check's weights, the index vocabulary and the
    embedder are loaded here, then :data:`WARM_UP_QUESTIONS` are answered once (what is left: pyvi,
    first-call allocations), so the first visitor waits no longer than the next.
    """
    started = time.perf_counter()
    load_restorer()
    load_answer_step()
    assistant.topic  # noqa: B018 - the property reads the fitted topic check
    assistant.index.vocabulary()
    for question in WARM_UP_QUESTIONS:
        assistant.ask(question)
    return time.perf_counter() - started


def open_or_build_index(settings: Settings, report: Report = print):
    """The index of ``settings.index_dir``, opened once; built from the plans first when
    it is missing or unusable (see :func:`ensure_index`).

    Raises:
        FileNotFoundError, RuntimeError: As :func:`ensure_index`.
        IndexLoadError: When even the freshly built index cannot be opened.
    """
    if index_exists(settings.index_dir):
        try:
            return open_index(settings)
        except IndexLoadError:
            pass  # ensure_index says why and rebuilds
    ensure_index(settings, report)
    return open_index(settings)
