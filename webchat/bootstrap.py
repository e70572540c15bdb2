"""Start-up of the web chat: build the index on a fresh machine, then load it once.

``make run`` on a fresh clone has no ``data/index``: :func:`ensure_index` builds
one from the plans in ``plans_dir`` with a console progress bar, so the page
comes up with the bundled plans. :func:`load_backend` then creates the one
answering service of the process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from assistant.settings import Settings
from webchat.backend import ChatBackend

Report = Callable[[str], None]

# Files in plans_dir that are not plans: sidecars and notes.
_NOT_PLANS = (".meta.json", ".md")


def plan_files(plans_dir: str | Path) -> list[Path]:
    """The plan files in ``plans_dir``, sorted (sidecars and notes excluded).

    Raises:
        FileNotFoundError: With a Vietnamese message when the folder does not exist.
    """
    folder = Path(plans_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"Không tìm thấy thư mục kế hoạch: {folder}")
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and not p.name.endswith(_NOT_PLANS))


def index_exists(index_dir: str | Path) -> bool:
    """True when ``index_dir`` holds an index (its ``manifest.json``)."""
    return (Path(index_dir) / "manifest.json").is_file()


def ensure_index(settings: Settings, report: Report = print) -> bool:
    """Build the index from ``settings.plans_dir`` when ``settings.index_dir`` has none (or an unusable one).

    Args:
        settings: Resolved settings (``plans_dir``, ``index_dir``, embedder...).
        report: Where progress lines go (Vietnamese); a tqdm bar shows file progress.

    Returns:
        True when an index was built, False when one already existed.

    Raises:
        FileNotFoundError: When there is no index and no plans folder.
        RuntimeError: When none of the plans could be read.
    """
    if index_exists(settings.index_dir):
        problem = _incompatibility(settings)
        if not problem:
            return False
        # The index is derived data: an old format or another embedder is rebuilt from the plans.
        report(f"{problem} Đang xây lại từ các kế hoạch…")
    from tqdm import tqdm

    from index.maintenance import index_documents
    from ingest.pipeline import ingest_paths

    paths = plan_files(settings.plans_dir)
    report(f"Chưa có chỉ mục tại {settings.index_dir}; đang xây dựng từ {len(paths)} kế hoạch "
           f"trong {settings.plans_dir} (chỉ làm một lần)…")
    started = time.perf_counter()
    documents = []
    for path in tqdm(paths, desc="Đọc kế hoạch", unit="tệp"):
        ingested = ingest_paths([path], settings=settings)
        documents.extend(ingested.documents)
        for skipped in ingested.skipped:
            report(f"Bỏ qua {skipped.source_path}: {skipped.message}")
    if not documents:
        raise RuntimeError(f"Không đọc được kế hoạch nào trong {settings.plans_dir}.")
    report(f"Đang tạo vector và chỉ mục cho {len(documents)} kế hoạch…")
    index_documents(documents, settings, rebuild=True)
    report(f"Đã xây dựng chỉ mục sau {time.perf_counter() - started:.1f} giây.")
    return True


def _incompatibility(settings: Settings) -> str:
    """The Vietnamese reason the existing index cannot serve these settings ("" when it can)."""
    from index.maintenance import open_index
    from index.store import IndexLoadError

    try:
        open_index(settings)
    except IndexLoadError as error:
        return error.message
    return ""


def load_backend(settings: Settings, report: Report = print) -> ChatBackend:
    """Build the index if needed, then load the answering service once for the process."""
    ensure_index(settings, report)
    from assistant.service import Assistant

    assistant = Assistant(settings)
    catalog = getattr(assistant, "index", None)
    if catalog is None:
        from index.store import ClauseIndex

        catalog = ClauseIndex.load(settings.index_dir)
    return ChatBackend(assistant, catalog, settings)
