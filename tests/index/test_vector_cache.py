"""Tests for index/vector_cache.py."""

import os
import signal
import threading
import time

import numpy as np
import pytest

from index.vector_cache import PROGRESS_CHUNK, VectorCache, embed_with_cache


def _encoder(log):
    def encode(texts):
        log.extend(texts)
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)
    return encode


def test_cache_avoids_re_embedding_across_reopen(tmp_path):
    log = []
    path = tmp_path / "c" / "vectors.sqlite"
    cache = VectorCache(path)
    texts = ["bảo hiểm y tế", "Sở Y tế", "bảo hiểm y tế"]
    vectors, embedded = embed_with_cache(texts, "emb", _encoder(log), 2, cache=cache)
    assert embedded == 2 and log == ["bảo hiểm y tế", "Sở Y tế"]
    assert vectors[0].tolist() == vectors[2].tolist() == [13.0, 1.0]
    cache.close()
    again, embedded = embed_with_cache(texts, "emb", _encoder(log), 2, cache=VectorCache(path))
    assert embedded == 0 and len(log) == 2
    np.testing.assert_array_equal(again, vectors)
    _, embedded = embed_with_cache(texts, "other-embedder", _encoder(log), 2, cache=VectorCache(path))
    assert embedded == 2


def test_cache_file_is_created_only_when_used(tmp_path):
    path = tmp_path / "sub" / "vectors.sqlite"
    cache = VectorCache(path)
    assert not path.exists()  # opening an index to answer must not write anything
    assert cache.get_many("e5-small", ["abc"]) == {}
    assert path.exists()


def _interrupt_after(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def test_ctrl_c_stops_a_long_embedding_call_at_once_and_keeps_finished_chunks(ctrl_c, tmp_path):
    cache = VectorCache(tmp_path / "vectors.sqlite")
    texts = [f"đoạn {i}" for i in range(PROGRESS_CHUNK + 3)]
    calls = []

    def slow(batch):  # the second call stands for minutes of embedding in C
        calls.append(len(batch))
        if len(calls) == 2:
            time.sleep(30)
        return np.ones((len(batch), 2), dtype=np.float32)

    timer = _interrupt_after(0.5)
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        embed_with_cache(texts, "emb", slow, 2, cache=cache)
    timer.cancel()
    assert time.perf_counter() - started < 2.0
    # The first chunk was kept: a second run embeds only the rest.
    log = []
    _, embedded = embed_with_cache(texts, "emb", _encoder(log), 2, cache=cache)
    assert embedded == 3 and log == texts[PROGRESS_CHUNK:]


@pytest.mark.parametrize("damage", ["not_a_database", "damaged_pages"])
def test_damaged_cache_is_reported_in_vietnamese_and_rebuilt(tmp_path, caplog, damage):
    log = []
    path = tmp_path / "vectors.sqlite"
    texts = [f"đoạn số {i} về bảo hiểm y tế" for i in range(300)]
    embed_with_cache(texts, "emb", _encoder(log), 2, cache=VectorCache(path))
    data = bytearray(path.read_bytes())
    if damage == "not_a_database":
        data[:16] = b"khong phai sqlite"[:16]
    else:
        for page_start in range(4096, len(data), 4096):  # every page after the first: b-tree headers broken
            data[page_start:page_start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    log.clear()
    vectors, embedded = embed_with_cache(texts, "emb", _encoder(log), 2, cache=VectorCache(path))
    assert embedded == 300 and vectors[5].tolist() == [len(texts[5]), 1.0]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [f"Bộ nhớ đệm vector {path} bị hỏng; đã xóa và tạo lại (các đoạn sẽ được nhúng lại khi cần)."]
    log.clear()
    _, embedded = embed_with_cache(texts, "emb", _encoder(log), 2, cache=VectorCache(path))
    assert embedded == 0  # the rebuilt cache works


def test_unwritable_cache_is_a_vietnamese_warning_and_embedding_goes_on(tmp_path, caplog, monkeypatch):
    import sqlite3

    cache = VectorCache(tmp_path / "vectors.sqlite")

    def disk_full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(cache, "_put_many", disk_full)
    vectors, embedded = embed_with_cache([f"đoạn {i}" for i in range(300)], "emb", _encoder([]), 2, cache=cache)
    assert embedded == 300 and vectors.shape == (300, 2)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "Không ghi được bộ nhớ đệm vector" in warnings[0]
