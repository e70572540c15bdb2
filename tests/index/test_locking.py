"""Tests for index/locking.py: concurrent writers take turns, a busy index is a clear, bounded wait."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from assistant.commands.cli import main
from assistant.commands.index_cmd import INDEX_BUSY
from index.locking import IndexBusyError, index_lock, lock_path
from index.store import ClauseIndex
from tests.index.conftest import PROJECT_ROOT, HashEmbedder

WORKER = [sys.executable, "-m", "tests.index.index_worker"]


def _worker(*args: str) -> subprocess.Popen:
    return subprocess.Popen([*WORKER, *args], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _wait_for(process: subprocess.Popen, line: str) -> None:
    assert process.stdout.readline().strip() == line, process.stderr.read()


def test_eight_concurrent_updates_lose_nothing(tmp_path, mini_docs):
    directory = tmp_path / "index"
    ClauseIndex.build(mini_docs[:1], HashEmbedder(), directory)
    added = [f"extra-{i}" for i in range(8)]
    workers = [_worker("add", str(directory), doc_id) for doc_id in added]
    for process in workers:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    loaded = ClauseIndex.load(directory, HashEmbedder())
    lost = set(added) - {m.doc_id for m in loaded.documents()}
    assert lost == set(), f"lost updates: {sorted(lost)}"
    assert len(loaded.documents()) == 9 and len(loaded) == 6 * 9


def test_second_writer_waits_then_gets_a_vietnamese_busy_error(tmp_path):
    directory = tmp_path / "index"
    holder = _worker("hold", str(directory))
    try:
        _wait_for(holder, "held")
        started = time.perf_counter()
        with pytest.raises(IndexBusyError) as info, index_lock(directory, timeout=0.4):
            pass
        assert 0.35 < time.perf_counter() - started < 2.0
        assert "đang được một tiến trình khác cập nhật" in info.value.message
        assert "index_lock_timeout" in info.value.message
    finally:
        holder.kill()
        holder.wait()
    with index_lock(directory, timeout=1):  # the kernel released the killed holder's lock
        assert lock_path(directory).exists()


def test_lock_is_reentrant_in_one_thread_and_exclusive_across_threads(tmp_path):
    directory = tmp_path / "index"
    outcome = []

    def other_thread():
        try:
            with index_lock(directory, timeout=0.2):
                outcome.append("got")
        except IndexBusyError:
            outcome.append("busy")

    with index_lock(directory, timeout=0), index_lock(directory, timeout=0):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert outcome == ["busy"]
    other_thread()
    assert outcome == ["busy", "got"]


def test_cli_exit_code_when_the_index_stays_busy(tmp_path, mini_docs, monkeypatch, capsys):
    directory = tmp_path / "index"
    ClauseIndex.build(mini_docs, HashEmbedder(), directory)
    monkeypatch.setenv("BHYT_INDEX_LOCK_TIMEOUT", "0.3")
    holder = _worker("hold", str(directory))
    try:
        _wait_for(holder, "held")
        assert main(["index", "rm", "hue_KH-UBND", "--index", str(directory)]) == INDEX_BUSY == 4
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert "đang được một tiến trình khác cập nhật" in err and "Traceback" not in err
    assert len(ClauseIndex.load(directory, HashEmbedder()).documents()) == 4  # nothing was removed


def test_a_direct_write_waits_for_the_lock_too(tmp_path, mini_docs):
    directory = tmp_path / "index"
    index = ClauseIndex.build(mini_docs[:2], HashEmbedder(), directory, lock_timeout=0.3)
    holder = _worker("hold", str(directory))
    try:
        _wait_for(holder, "held")
        with pytest.raises(IndexBusyError):
            index.upsert(mini_docs[2:])
    finally:
        holder.kill()
        holder.wait()
    assert len(ClauseIndex.load(directory, HashEmbedder()).documents()) == 2
