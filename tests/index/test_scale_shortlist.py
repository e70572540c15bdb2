"""A filtered question scores only the kept plans' rows (``filter_shortlist_rows``), exactly.

At 3,400 plans the FAISS path searched the nation's 190,000 rows for the 1,000 nearest and then
dropped the other plans' rows, so a commune's plan often kept none (docs/scaling.md). The
shortlist scores the kept rows themselves; on a small index both paths must agree.
"""

from __future__ import annotations

import numpy as np

from index.retriever import HybridRetriever, filter_shortlist

QUESTION = "Tỷ lệ bao phủ bảo hiểm y tế đạt bao nhiêu năm 2026?"


def test_row_mask_is_the_rows_of_the_documents(mini_e5_index):
    index = mini_e5_index
    for meta in index.documents():
        mask = index.row_mask({meta.doc_id})
        expected = [index.clause_at(r).doc_id == meta.doc_id for r in range(len(index))]
        assert mask.tolist() == expected
        assert mask.any()
    assert not index.row_mask({"no-such-plan"}).any()


def test_shortlist_gives_the_exact_ranking_of_the_kept_rows(mini_e5_index):
    index = mini_e5_index
    vector = index.embedder.encode_query(QUESTION)
    for meta in index.documents():
        mask = index.row_mask({meta.doc_id})
        rows = np.flatnonzero(mask)
        among = filter_shortlist(mask, len(rows))
        assert among is not None and [r for span in among for r in span] == rows.tolist()
        shortlisted = index.dense_search(vector, 3, mask, among=among)
        scanned = index.dense_search(vector, 3, mask)
        assert [r for r, _ in shortlisted] == [r for r, _ in scanned]
        assert np.allclose([s for _, s in shortlisted], [s for _, s in scanned], atol=1e-5)
        assert all(index.clause_at(r).doc_id == meta.doc_id for r, _ in shortlisted)
        # Exact: the scores are the cosines of the kept rows, best first.
        cosines = sorted((float(v) for v in index.vectors_of(rows) @ vector), reverse=True)
        assert np.allclose([s for _, s in shortlisted], cosines[:3], atol=1e-5)
        # More kept rows than the shortlist allows (or the shortlist off): the FAISS path answers.
        assert filter_shortlist(mask, len(rows) - 1) is None and filter_shortlist(mask, 0) is None


def test_filtered_retrieval_uses_the_shortlist_and_stays_in_the_plan(mini_e5_index, settings):
    retriever = HybridRetriever(mini_e5_index, settings)
    assert retriever.params["filter_shortlist_rows"] == settings.filter_shortlist_rows > 0
    hits = retriever.retrieve(QUESTION, filters={"locality": "Huế"})
    assert hits and {h.locality for h in hits} == {"Huế"}
    assert any(h.dense_rank is not None for h in hits)
    assert "99,3%" in " ".join(h.clause.text for h in hits)


def test_lexical_among_ranges_equals_the_masked_search(mini_e5_index):
    index = mini_e5_index
    lexical = index.lexical
    for meta in index.documents():
        mask = index.row_mask({meta.doc_id})
        rows = np.flatnonzero(mask)
        among = [range(int(rows[0]), int(rows[-1]) + 1)]
        for question in (QUESTION, "muc tieu bao phu bhyt", "Sở Tài chính bố trí kinh phí"):
            masked = lexical.search(question, 5, allowed=mask)
            shortlisted = lexical.search(question, 5, among=among)
            assert [(h.row, round(h.score, 5)) for h in shortlisted] == [(h.row, round(h.score, 5)) for h in masked]
            assert all(index.clause_at(h.row).doc_id == meta.doc_id for h in shortlisted)
    # Two plans at once: their two row ranges, same as the mask of both.
    two = {d.doc_id for d in index.documents()[:2]}
    mask = index.row_mask(two)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(int), [0]))))
    ranges = [range(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    masked = lexical.search(QUESTION, 8, allowed=mask)
    assert masked
    assert [h.row for h in lexical.search(QUESTION, 8, among=ranges)] == [h.row for h in masked]
