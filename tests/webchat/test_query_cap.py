"""What a web visitor's long question costs: search reads at most ``max_query_chars`` of it.

(index/retriever.py's cap, tested here because it bounds the web chat's cost per
question; the answer step still reads the whole question.)
"""

from __future__ import annotations

import pytest

from index.retriever import HybridRetriever, capped_query
from settings import load_settings

LONG = ("Người cận nghèo mua thẻ BHYT được nhà nước hỗ trợ bao nhiêu phần trăm mức đóng hằng năm? " * 40)[:2000]


def test_capped_query_cuts_at_a_space_near_the_end():
    assert capped_query("ngắn", 400) == "ngắn"
    cut = capped_query(LONG, 400)
    assert len(cut) <= 400 and LONG.startswith(cut) and LONG[len(cut)] == " "
    assert capped_query("x" * 1000, 300) == "x" * 300  # no space: a hard cut


def test_rejects_non_positive_cap(built_index):
    with pytest.raises(ValueError, match="max_query_chars must be > 0, got 0"):
        HybridRetriever(built_index, load_settings(environ={}, max_query_chars=0))


def test_a_2000_character_question_embeds_only_the_cap(built_index, monkeypatch):
    seen: list[str] = []
    real = built_index.embedder.encode_query
    monkeypatch.setattr(built_index.embedder, "encode_query", lambda text: seen.append(text) or real(text))
    retriever = HybridRetriever(built_index, load_settings(environ={}, max_query_chars=300))
    assert retriever.retrieve(LONG, top_k=3)
    assert len(seen) == 1 and len(seen[0]) <= 300
