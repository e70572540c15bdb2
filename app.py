"""Web chat entry point: ``python app.py [--host 127.0.0.1] [--port 7860]``.

Builds the index from ``data/plans`` on first run, loads it once, and serves the
Gradio page (see ``webchat/``). Binds 127.0.0.1 unless told otherwise (setting
``host`` / ``BHYT_HOST``); Gradio analytics are off; question text is logged
only when ``log_questions`` is set.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import argparse  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402

from settings import Settings, SettingsError, load_settings  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; values left out come from settings and the environment."""
    parser = argparse.ArgumentParser(description="Web chat hỏi đáp về kế hoạch bảo hiểm y tế toàn dân.")
    parser.add_argument("--host", help="địa chỉ lắng nghe (mặc định: thiết lập host, BHYT_HOST)")
    parser.add_argument("--port", type=int, help="cổng (mặc định: thiết lập port, BHYT_PORT)")
    parser.add_argument("--index", help="thư mục chỉ mục (mặc định: BHYT_INDEX_DIR)")
    return parser.parse_args(argv)


def create_demo(settings: Settings):
    """Load the index once (building it if needed); return the Gradio page and its ``launch`` options."""
    from webchat.bootstrap import load_backend
    from webchat.layout import build_demo, launch_options

    backend = load_backend(settings)
    return build_demo(backend, settings), launch_options(settings, backend)


def main(argv: list[str] | None = None) -> int:
    """Start the web chat; returns the process exit code."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for noisy in ("httpx", "faiss.loader"):  # per-request and start-up chatter
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = load_settings(host=args.host, port=args.port, index_dir=args.index)
    except SettingsError as error:
        print(f"Lỗi thiết lập: {error}", file=sys.stderr)
        return 2
    if settings.web_embed_threads <= 0:
        print(f"Lỗi thiết lập: web_embed_threads phải lớn hơn 0, nhận {settings.web_embed_threads}.", file=sys.stderr)
        return 2
    # Before the embedder's OpenMP runtime starts; an OMP_NUM_THREADS the operator set wins.
    os.environ.setdefault("OMP_NUM_THREADS", str(settings.web_embed_threads))
    from index.manifest import IndexLoadError

    try:
        demo, options = create_demo(settings)
    except (IndexLoadError, FileNotFoundError, RuntimeError) as error:
        print(f"Không khởi động được web chat: {error}", file=sys.stderr)
        return 1
    demo.launch(quiet=True, prevent_thread_lock=True, **options)
    # Printed only once the server is up (a busy port fails before this line).
    print(f"Web chat đang chạy tại http://{settings.host}:{settings.port} (Ctrl+C để dừng)", flush=True)
    demo.block_thread()
    return 0


if __name__ == "__main__":
    sys.exit(main())
