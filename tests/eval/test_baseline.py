"""Tests for eval/baseline.py: chunk offsets are verbatim, search ranks by similarity.

A tiny deterministic bag-of-words encoder stands in for e5 here (the real
embedder is exercised by the smoke evaluation); the recipe's own logic is
splitting, offsets, FAISS search and the answer rule.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from eval.baseline import PlainRecipe, split_documents
from ingest.vntext import folded_form, nfc

PLANS = Path(__file__).resolve().parents[2] / "data" / "plans"
SOURCES = {p.stem: p.read_text(encoding="utf-8") for p in sorted(PLANS.glob("*.txt"))
           if p.stem in ("hue_KH-UBND", "dak-doa-gia-lai_KH-DU_2026")}


class BagOfWords:
    """Hashes folded words into 256 dimensions."""

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(256, dtype="float32")
        for word in folded_form(text).split():
            vector[zlib.crc32(word.encode()) % 256] += 1.0
        return vector

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def encode_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def test_chunks_are_verbatim_slices_of_the_nfc_text():
    chunks = split_documents(SOURCES)
    assert {c.doc_id for c in chunks} == set(SOURCES)
    for chunk in chunks:
        assert nfc(SOURCES[chunk.doc_id])[chunk.char_start:chunk.char_end] == chunk.text
        assert len(chunk.text) <= 1000
    hue = [c for c in chunks if c.doc_id == "hue_KH-UBND"]
    assert len(hue) > 10
    # Neighbouring chunks overlap (chunk_overlap=200) or at least touch.
    assert any(b.char_start < a.char_end for a, b in zip(hue, hue[1:], strict=False))


def test_retrieve_ranks_the_chunk_holding_the_words_first():
    recipe = PlainRecipe(SOURCES, BagOfWords())
    results = recipe.retrieve("Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026", top_k=3)
    assert [r.rank for r in results] == [1, 2, 3]
    assert results[0].score >= results[1].score >= results[2].score
    assert results[0].chunk.doc_id == "hue_KH-UBND"
    assert "99,3% năm 2026" in results[0].chunk.text
    assert recipe.answer(results) == results[0].chunk.text
    assert recipe.answer([]) == ""


def test_constructor_and_retrieve_reject_bad_values():
    with pytest.raises(ValueError, match="got none"):
        PlainRecipe({}, BagOfWords())
    with pytest.raises(ValueError, match="got 1000"):
        PlainRecipe(SOURCES, BagOfWords(), chunk_overlap=1000)
    recipe = PlainRecipe(SOURCES, BagOfWords())
    with pytest.raises(ValueError, match="got 0"):
        recipe.retrieve("BHYT", top_k=0)
