"""Tests for eval/answer_checks.py on answers built from real clauses of the Huế and Ninh Bình plans."""

from __future__ import annotations

import pytest

from eval.answer_checks import (
    answer_sentences,
    check_answer,
    facts_per_document,
    figures,
    sentence_precision,
    stated_polarity,
    wrong_figures,
)

HUE_TARGET = "Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026 và đạt 100% trước năm 2030."
NB_TARGET = "Đến năm 2026, tỷ lệ bao phủ bảo hiểm y tế đạt trên 95% dân số"
GOOD = f"Theo kế hoạch của Huế: {HUE_TARGET} [1]"


def test_figures_read_dates_before_years_and_normalise_numbers():
    found = figures("đạt 99,3% năm 2026; Chỉ thị ngày 03/10/2025; trước ngày 05/6; 1,5 tỷ đồng")
    assert found["percent"] == {"99.3"}
    assert found["date"] == {"3/10", "5/6"}
    assert found["year"] == {"2026"}
    assert found["amount"] == {"1.5 ty"}


def test_a_contradicting_figure_is_a_wrong_fact_but_context_figures_are_not():
    assert wrong_figures("Mục tiêu là 95%, không phải 99,3%.", ["99,3%"], [HUE_TARGET]) == ("percent:95",)
    assert wrong_figures(GOOD, ["99,3%"], [HUE_TARGET]) == ()
    assert wrong_figures("Sở Y tế chủ trì.", ["Sở Y tế"], [HUE_TARGET]) == ()  # no figure asked


@pytest.mark.parametrize(("answer", "polarity"), [
    ("Có. Kế hoạch giao Sở Y tế chủ trì. [1]", True),
    ("Theo kế hoạch của Huế: Không, mục tiêu là 99,3%. [1]", False),
    ("Không có kế hoạch nào nêu việc này.", False),
    (GOOD, None),
])
def test_polarity_is_read_from_the_opening(answer, polarity):
    assert stated_polarity(answer) is polarity


def test_sentences_inherit_the_citation_of_their_line():
    sentences = answer_sentences("Theo kế hoạch của Huế:\n- Rà soát danh sách. Cấp thẻ đúng hạn. [2]\n| Huế | 99,3% | [1] |")
    assert [(s.text, s.cited) for s in sentences] == [
        ("Theo kế hoạch của Huế:", ()), ("Rà soát danh sách.", (2,)), ("Cấp thẻ đúng hạn.", (2,)),
        ("Huế | 99,3%", (1,))]


def test_precision_drops_when_other_clauses_are_pasted():
    pasted = GOOD + "\n- Tăng cường công tác thanh tra, kiểm tra việc chấp hành pháp luật về BHYT. [2]"
    assert sentence_precision(GOOD, ["99,3%"], [HUE_TARGET]) == 1.0
    assert sentence_precision(pasted, ["99,3%"], [HUE_TARGET]) == 0.5
    # Repeating a paraphrased question shares words with the evidence but quotes none of it.
    assert sentence_precision("Năm 2026 Huế muốn bao nhiêu phần trăm người dân có thẻ BHYT?", ["99,3%"],
                              [HUE_TARGET]) == 0.0


def test_each_plan_must_answer_in_its_own_lines():
    table = ("| Địa phương | Nội dung | Nguồn |\n|---|---|---|\n"
             f"| Huế | {HUE_TARGET} | [1] |\n| Ninh Bình | Phấn đấu bao phủ toàn dân. | [2] |")
    found = facts_per_document(table, {"hue": ["99,3%"], "nb": ["95%"]}, {1: "hue", 2: "nb"},
                               {"hue": "Huế", "nb": "Ninh Bình"})
    assert found == {"hue": True, "nb": False}
    both = table.replace("Phấn đấu bao phủ toàn dân.", NB_TARGET)
    assert facts_per_document(both, {"hue": ["99,3%"], "nb": ["95%"]}, {1: "hue", 2: "nb"},
                              {"hue": "Huế", "nb": "Ninh Bình"}) == {"hue": True, "nb": True}


def test_strict_needs_facts_polarity_no_wrong_figure_and_focus():
    common = dict(key_facts=["99,3%"], facts_by_doc={}, reference_answer="Trên 99,3% năm 2026.",
                  evidence_texts=[HUE_TARGET], cited_docs={1: "hue"}, localities={"hue": "Huế"})
    assert check_answer(GOOD, yes_no=None, **common).strict
    assert not check_answer("Là 95%, không phải 99,3%. [1]", yes_no=None, **common).strict
    assert not check_answer(GOOD, yes_no=False, **common).strict  # a yes/no question left unanswered
    assert check_answer("Không. " + GOOD, yes_no=False, **common).strict
