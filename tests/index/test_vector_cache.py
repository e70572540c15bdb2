"""Tests for index/vector_cache.py."""

import numpy as np

from index.vector_cache import VectorCache, embed_with_cache


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
