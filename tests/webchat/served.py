"""The real web chat, started once per test process, for the API and browser tests.

``python app.py`` runs in a subprocess on a free port of 127.0.0.1 with an empty
temporary index directory, so it also exercises the first-run path (building
the index from ``data/plans``) exactly as ``make run`` does on a fresh clone.
Its vector cache is the test session's (``BHYT_VECTOR_CACHE``, set by
tests/conftest.py): the plans are read, cut and indexed again, but the vectors
the fixtures already computed are not recomputed. The server is shared by
every test that asks for it and stopped at exit.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 420  # with a cold cache the first run embeds every plan on a busy 2-core machine


@dataclass(frozen=True)
class ServedApp:
    """A running web chat: its URL and the folder holding its index and log."""

    url: str
    workdir: Path

    @property
    def log(self) -> str:
        """What the app printed so far (stdout and stderr)."""
        return (self.workdir / "app.log").read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "gradio_api/info", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@functools.cache
def served_app() -> ServedApp:
    """Start ``python app.py`` once per process and wait until it answers HTTP.

    Raises:
        RuntimeError: When the app exits or is not up within ``START_TIMEOUT_S``
            (the message carries the end of its log).
    """
    workdir = Path(tempfile.mkdtemp(prefix="bhyt-webchat-"))
    port = free_port()
    # The session's cache when run under pytest; a private one otherwise (never data/cache).
    cache = os.environ.get("BHYT_VECTOR_CACHE") or str(workdir / "cache" / "vectors.sqlite")
    env = dict(os.environ, BHYT_INDEX_DIR=str(workdir / "index"), BHYT_VECTOR_CACHE=cache,
               BHYT_PLANS_DIR=str(PROJECT_ROOT / "data" / "plans"),
               BHYT_LOG_QUESTIONS="false", BHYT_LLM_BASE_URL="", GRADIO_ANALYTICS_ENABLED="False",
               # Every test asks from 127.0.0.1: the per-client limit is tested in test_admission.py.
               BHYT_RATE_LIMIT_PER_MINUTE="0")
    log = open(workdir / "app.log", "w", encoding="utf-8")  # closed by stop() at exit
    process = subprocess.Popen([sys.executable, str(PROJECT_ROOT / "app.py"), "--host", "127.0.0.1",
                                "--port", str(port)], cwd=PROJECT_ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)

    atexit.register(stop)
    app = ServedApp(url=f"http://127.0.0.1:{port}/", workdir=workdir)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited with code {process.returncode}:\n{app.log[-3000:]}")
        if _is_up(app.url):
            return app
        time.sleep(1)
    raise RuntimeError(f"app.py not up after {START_TIMEOUT_S} s:\n{app.log[-3000:]}")
