"""Tests for index/store.py under faults: readers racing swaps, damaged files, kill -9, umask, full disk."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

from assistant.commands.cli import main
from index import store as store_module
from index.atomic import IndexWriteError
from index.clause_text import embedding_text
from index.manifest import REBUILD_HINT, IndexLoadError
from index.segments import segment_files
from index.store import ClauseIndex
from tests.index.conftest import PROJECT_ROOT, HashEmbedder
from tests.index.index_worker import VERSIONS, version

WORKER = [sys.executable, "-m", "tests.index.index_worker"]
# Every file of an index of one segment (segment files under "seg/": the segment's directory).
INDEX_FILES = ("manifest.json", *(f"seg/{name}" for name in segment_files()))
# Library and system text that must never reach a user (it goes to the log).
ENGLISH = re.compile(r"No such file|Errno|error|database|malformed|not a|No space|Permission denied|"
                     r"Traceback|RuntimeError", re.IGNORECASE)


def _build(tmp_path, docs):
    return ClauseIndex.build(docs, HashEmbedder(), tmp_path / "index")


def _file(directory, name):
    """``directory/name``, "seg/" standing for the directory of the (only) segment."""
    if name.startswith("seg/"):
        (segment,) = directory.glob("seg-*")
        return segment / name[len("seg/"):]
    return directory / name


def _mixed(index: ClauseIndex) -> bool:
    """True when a row's vector is not the one of its clause's text (records and vectors of two builds)."""
    texts = [embedding_text(index.clause_at(i), index.document(index.clause_at(i).doc_id)) for i in range(len(index))]
    return not np.allclose(index.vectors_of(range(len(index))), HashEmbedder().encode_passages(texts), atol=1e-6)


def test_reader_never_mixes_two_builds_during_30_swaps(tmp_path, mini_docs):
    directory = _build(tmp_path, [*mini_docs[:1], version(0), *mini_docs[2:]]).directory
    writer = subprocess.Popen([*WORKER, "churn", str(directory), "40"], cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    loads = mixed = errors = 0
    seen = set()
    try:
        while writer.poll() is None:
            try:
                index = ClauseIndex.load(directory, HashEmbedder())
            except IndexLoadError:
                errors += 1
                continue
            loads += 1
            mixed += _mixed(index)
            seen |= {index.clause_at(i).text for i in range(len(index))} & set(VERSIONS)
    finally:
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert out.count("swap") == 40
    print(f"reader: {loads} loads, {mixed} mixed, {errors} failed during 40 swaps")
    assert (mixed, errors) == (0, 0), f"{mixed} mixed and {errors} failed loads of {loads}"
    assert loads >= 30 and seen == set(VERSIONS)  # the reader did see both builds


@pytest.mark.parametrize("name", INDEX_FILES)
def test_random_bytes_in_any_index_file_are_detected_every_time(tmp_path, mini_docs, name, monkeypatch):
    monkeypatch.setattr(store_module, "RETRY_WAIT_S", 0.0)  # damage is not a swap: no need to wait here
    directory = _build(tmp_path, mini_docs).directory
    path = _file(directory, name)
    original = path.read_bytes()
    rng = random.Random(name)
    for trial in range(25):
        data = bytearray(original)
        for _ in range(rng.randint(1, 16)):
            position = rng.randrange(len(data))
            data[position] = (data[position] + rng.randint(1, 255)) % 256  # always a different byte
        path.write_bytes(bytes(data))
        with pytest.raises(IndexLoadError) as info:
            ClauseIndex.load(directory, HashEmbedder())
        assert "bị hỏng" in info.value.message and REBUILD_HINT in info.value.message, (trial, info.value.message)
        assert not ENGLISH.search(info.value.message), info.value.message
        assert REBUILD_HINT not in info.value.reason
    path.write_bytes(original)
    assert len(ClauseIndex.load(directory, HashEmbedder())) == 12


@pytest.mark.parametrize("damage", ["truncated_vectors", "truncated_db", "missing_vectors", "missing_postings"])
def test_damage_messages_carry_no_library_text(tmp_path, mini_docs, damage):
    directory = _build(tmp_path, mini_docs).directory
    vectors, db = _file(directory, "seg/vectors.f32"), _file(directory, "seg/catalog.sqlite")
    if damage == "truncated_vectors":
        vectors.write_bytes(vectors.read_bytes()[:100])
    elif damage == "truncated_db":
        db.write_bytes(db.read_bytes()[:1000])
    elif damage == "missing_vectors":
        vectors.unlink()
    else:
        _file(directory, "seg/folded.rows.npy").unlink()
    with pytest.raises(IndexLoadError) as info:
        ClauseIndex.load(directory, HashEmbedder())
    assert str(directory) in info.value.message and not ENGLISH.search(info.value.message), info.value.message


@pytest.mark.parametrize("stage", ["segment", "manifest"])
def test_kill_9_during_a_write_keeps_the_old_index_and_the_next_write_cleans_up(tmp_path, mini_docs, stage):
    """Killed while writing the segment's files, or after the segment and before the manifest's rename."""
    directory = _build(tmp_path, mini_docs).directory
    before = (directory / "manifest.json").read_text(encoding="utf-8")
    (listed,) = [p.name for p in directory.glob("seg-*")]
    writer = subprocess.Popen([*WORKER, "stall", str(directory), stage], cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "writing", writer.stderr.read()
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    leftovers = sorted(p.name for p in directory.iterdir() if p.name not in ("manifest.json", listed))
    assert len(leftovers) == 1 and leftovers[0].startswith(".tmp-seg-" if stage == "segment" else "seg-")
    loaded = ClauseIndex.load(directory, HashEmbedder())
    assert (directory / "manifest.json").read_text(encoding="utf-8") == before and len(loaded) == 12
    assert VERSIONS[1] not in {loaded.clause_at(i).text for i in range(12)}
    started = time.perf_counter()
    loaded.upsert([version(1)])  # the killed writer's lock is gone: no wait
    assert time.perf_counter() - started < 5
    assert leftovers[0] not in {p.name for p in directory.iterdir()}  # the next write removed it
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", "index"]
    assert VERSIONS[1] in {c.text for c in (ClauseIndex.load(directory, HashEmbedder()).clause_at(i)
                                            for i in range(12))}


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_index_files_follow_the_umask(tmp_path, mini_docs, umask):
    old = os.umask(umask)
    try:
        directory = _build(tmp_path, mini_docs).directory
    finally:
        os.umask(old)
    assert directory.stat().st_mode & 0o777 == 0o777 & ~umask
    assert _file(directory, "seg/").stat().st_mode & 0o777 == 0o777 & ~umask
    for path in [*(_file(directory, name) for name in INDEX_FILES), tmp_path / ".index.lock"]:
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path


@pytest.mark.parametrize("failure", ["faiss_enospc", "sqlite_full", "permission"])
def test_a_failed_write_is_a_vietnamese_message_and_keeps_the_old_index(tmp_path, mini_docs, monkeypatch, failure):
    directory = _build(tmp_path, mini_docs[:2]).directory
    before = (directory / "manifest.json").read_text(encoding="utf-8")

    def fail(*args, **kwargs):
        if failure == "faiss_enospc":
            raise OSError(errno.ENOSPC, "No space left on device")
        if failure == "permission":
            raise PermissionError(errno.EACCES, "Permission denied")
        exc = sqlite3.OperationalError("database or disk is full")
        exc.sqlite_errorcode = sqlite3.SQLITE_FULL
        raise exc

    monkeypatch.setattr(store_module, "write_manifest_atomic" if failure == "faiss_enospc" else "write_segment", fail)
    with pytest.raises(IndexWriteError) as info:
        ClauseIndex.load(directory, HashEmbedder()).upsert(mini_docs[2:])
    expected = "không có quyền ghi" if failure == "permission" else "ổ đĩa đã đầy"
    assert expected in info.value.message.lower() and "Chỉ mục cũ vẫn được giữ nguyên" in info.value.message
    assert not ENGLISH.search(info.value.message)
    monkeypatch.undo()
    assert (directory / "manifest.json").read_text(encoding="utf-8") == before
    assert len(ClauseIndex.load(directory, HashEmbedder()).documents()) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", "index"]


def test_full_disk_through_the_cli_exits_2_with_the_message(tmp_path, mini_docs, monkeypatch, capsys):
    directory = _build(tmp_path, mini_docs).directory

    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "write_manifest_atomic", fail)  # a removal writes a manifest only
    assert main(["index", "rm", "hue_KH-UBND", "--index", str(directory)]) == 2
    err = capsys.readouterr().err
    assert "ổ đĩa đã đầy" in err and not ENGLISH.search(err)
    monkeypatch.undo()
    assert len(ClauseIndex.load(directory, HashEmbedder()).documents()) == 4


def test_manifest_records_one_build_id_and_every_checksum(tmp_path, mini_docs):
    directory = _build(tmp_path, mini_docs).directory
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    (segment,) = manifest["segments"]
    assert set(segment["files"]) == set(segment_files()) and len(manifest["build_id"]) == 32
    for name, digest in segment["files"].items():
        assert hashlib.sha256((directory / segment["name"] / name).read_bytes()).hexdigest() == digest
    with sqlite3.connect(directory / segment["name"] / "catalog.sqlite") as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='segment_id'").fetchone() == (segment["id"],)
    first = manifest["build_id"]
    ClauseIndex.load(directory, HashEmbedder()).upsert([version(1)])
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["build_id"] != first and [s["name"] for s in manifest["segments"]][0] == segment["name"]
    assert manifest["segments"][0]["hidden"] == ["ninh-binh_KH-UBND_2026-01"] and len(manifest["segments"]) == 2
