"""Tests for assistant/extractive.py on real plan clauses (tests/assistant/conftest.py)."""

import pytest

from assistant.extractive import ExtractiveAnswerer
from ingest.structure.sentences import sentence_bounds
from ingest.vntext import nfc
from settings import load_settings
from tests.assistant.conftest import find


@pytest.fixture(scope="module")
def answerer():
    return ExtractiveAnswerer(load_settings(environ={}))


def ask(answerer, tree, question, clause_words, **kwargs):
    retrieved = [tree.scored(find(tree, w), 1 / (60 + i)) for i, w in enumerate(clause_words)]
    return answerer.answer(question, retrieved, tree, **kwargs)


def assert_citations_verbatim(tree, answer):
    assert answer.citations
    for c in answer.citations:
        assert nfc(tree.source_text(c.doc_id))[c.char_start:c.char_end] == c.text
        assert f"[{c.n}]" in answer.answer


def test_target_question_answers_with_the_number_of_the_named_locality(answerer, tiny_tree):
    answer = ask(answerer, tiny_tree, "Mục tiêu tỷ lệ bao phủ BHYT năm 2026 của Ninh Bình là bao nhiêu?",
                 ["Tỷ lệ bao phủ BHYT toàn thành phố", "- Đến năm 2030, phấn đấu", "- Đến năm 2026, tỉ lệ"])
    assert not answer.abstained
    assert "95%" in answer.answer and "99,3%" not in answer.answer  # Huế's number is not Ninh Bình's
    assert answer.citations[0].locality == "Ninh Bình"
    assert answer.support >= answerer.abstain_threshold
    assert_citations_verbatim(tiny_tree, answer)


def test_accentless_target_question(answerer, tiny_tree):
    answer = ask(answerer, tiny_tree, "ty le bao phu bhyt cua hue nam 2026 la bao nhieu",
                 ["- Đến năm 2026, tỉ lệ", "Tỷ lệ bao phủ BHYT toàn thành phố"])
    assert "99,3%" in answer.answer and answer.citations[0].locality == "Huế"


def test_responsibility_question_names_the_agency_heading(answerer, tiny_tree):
    answer = ask(answerer, tiny_tree, "Ở Huế, cơ quan nào tham mưu bố trí kinh phí thực hiện kế hoạch?",
                 ["Kinh phí thực hiện Kế hoạch này", "- Tham mưu UBND thành phố bố trí"])
    assert not answer.abstained
    assert "Sở Tài chính: Tham mưu UBND thành phố bố trí kinh phí" in answer.answer  # the owner named first
    assert "được bố trí từ ngu" not in answer.answer  # the funding sentence does not say who
    assert_citations_verbatim(tiny_tree, answer)


def test_deadline_question_uses_the_tasks_attribute_line(answerer, tiny_tree):
    answer = ask(answerer, tiny_tree, "Ban Xây dựng Đảng xã Đak Đoa thực hiện nhiệm vụ này khi nào?",
                 ["2. Ban Xây dựng Đảng chủ trì"])
    assert "Thường xuyên" in answer.answer
    assert any(c.section.endswith("Thời gian thực hiện: Thường xuyên") for c in answer.citations)
    assert_citations_verbatim(tiny_tree, answer)


def test_deadline_question_finds_the_date(answerer, tiny_tree):
    answer = ask(answerer, tiny_tree, "Khi nào các sở ở Huế phải báo cáo kết quả thực hiện kế hoạch?",
                 ["Kinh phí thực hiện Kế hoạch này", "Các Sở, ban, ngành và cơ quan liên quan định kỳ"])
    assert "trước ngày 20/11" in answer.answer


def test_list_question_lists_the_bullets_of_the_item(answerer, tiny_tree):
    answer = ask(answerer, tiny_tree, "Huế có những giải pháp nào để hoàn thiện cơ chế chính sách BHYT?",
                 ["2. Hoàn thiện cơ chế, chính sách liên quan BHYT"])
    lines = answer.answer.splitlines()
    assert "Hoàn thiện cơ chế, chính sách liên quan BHYT" in lines[0]
    assert [line[:20] for line in lines[1:3]] == ["- Thực hiện có hiệu ", "- Xây dựng cơ chế và"]
    assert len(answer.citations) == 2
    assert_citations_verbatim(tiny_tree, answer)


def test_funding_question(answerer, tiny_tree):
    answer = ask(answerer, tiny_tree, "Kinh phí thực hiện kế hoạch của Huế lấy từ nguồn nào?",
                 ["- Tham mưu UBND thành phố bố trí", "Kinh phí thực hiện Kế hoạch này"])
    assert "nguồn ngân sách nhà nước" in answer.answer.splitlines()[0] + answer.answer


def test_compare_question_answers_per_locality_in_a_table(answerer, tiny_tree):
    answer = ask(answerer, tiny_tree, "So sánh tỷ lệ bao phủ BHYT năm 2026 giữa các địa phương",
                 ["Tỷ lệ bao phủ BHYT toàn thành phố", "- Đến năm 2026, tỉ lệ", "toàn xã đạt trên 95%"])
    # Targets stored at ingest make the rows data: locality, figure, year, source.
    assert "| Địa phương | Chỉ tiêu | Năm | Nguồn |" in answer.answer
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in answer.answer.splitlines()
            if line.startswith("| ") and "[" in line]
    assert [r[:3] for r in rows] == [["Đak Đoa", "trên 95%", "2026"], ["Huế", "trên 99,3%", "2026"],
                                     ["Ninh Bình", "trên 95%", "2026"]]
    assert_citations_verbatim(tiny_tree, answer)


def test_comparison_naming_only_a_year_is_a_table_of_coverage_targets(answerer, tiny_tree):
    # No word of the question names an indicator: the year it names makes it about the coverage targets.
    answer = ask(answerer, tiny_tree, "Đến năm 2026, Huế và Ninh Bình đặt ra điều gì khác nhau?",
                 ["Tỷ lệ bao phủ BHYT toàn thành phố", "- Đến năm 2026, tỉ lệ"])
    assert answer.answer.splitlines()[0] == "So sánh chỉ tiêu tỷ lệ bao phủ BHYT trong các kế hoạch đã nạp:"
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in answer.answer.splitlines()
            if line.startswith("| ") and "[" in line]
    assert [r[:3] for r in rows] == [["Huế", "trên 99,3%", "2026"], ["Ninh Bình", "trên 95%", "2026"]]
    assert_citations_verbatim(tiny_tree, answer)


def test_amount_in_dong_that_no_plan_states_abstains(answerer, tiny_tree):
    answer = ask(answerer, tiny_tree, "Huế hỗ trợ bao nhiêu đồng mỗi thẻ BHYT cho người thuộc hộ cận nghèo?",
                 ["- Thực hiện có hiệu quả chính sách hỗ trợ", "Kinh phí thực hiện Kế hoạch này"])
    assert answer.abstained
    assert answer.support < answerer.abstain_threshold
    assert "không nêu số tiền" in answer.answer and "liên quan" in answer.answer
    assert [c.n for c in answer.citations] == [1, 2]  # the closest clauses, as related
    assert_citations_verbatim(tiny_tree, answer)


def test_locality_outside_the_corpus_abstains(answerer, tiny_tree):
    answer = ask(answerer, tiny_tree, "Tỉnh Lào Cai đặt mục tiêu bao phủ BHYT năm 2026 là bao nhiêu?",
                 ["Tỷ lệ bao phủ BHYT toàn thành phố", "- Đến năm 2026, tỉ lệ"])
    assert answer.abstained and answer.support == 0.0
    assert "Lào Cai" in answer.answer


def test_document_cited_only_by_number_abstains(answerer, tiny_tree):
    answer = ask(answerer, tiny_tree, "Nghị quyết 72-NQ/TW quy định những giải pháp đột phá nào?",
                 ["Kinh phí thực hiện Kế hoạch này"])
    assert answer.abstained and "72-NQ/TW" in answer.answer


def test_threshold_is_applied_per_call(answerer, tiny_tree):
    words = ["- Đến năm 2026, tỉ lệ"]
    question = "Mục tiêu bao phủ năm 2026 của Ninh Bình?"
    assert not ask(answerer, tiny_tree, question, words).abstained
    assert ask(answerer, tiny_tree, question, words, abstain_threshold=1.0).abstained


def test_no_retrieved_clause_abstains(answerer, tiny_tree):
    answer = answerer.answer("Mục tiêu là gì?", [], tiny_tree)
    assert answer.abstained and answer.citations == ()


def test_settings_are_validated():
    with pytest.raises(ValueError, match="abstain_threshold must be in \\[0, 1\\], got 1.5"):
        ExtractiveAnswerer(load_settings(environ={}, abstain_threshold=1.5))
    with pytest.raises(ValueError, match="max_citations must be > 0, got 0"):
        ExtractiveAnswerer(load_settings(environ={}, max_citations=0))


def test_sentences_keep_numbers_and_abbreviations():
    text = "Đạt 99,3% năm 2026. Đến năm 2030 đạt 100%; bảo đảm ổn định."
    assert [text[s:e] for s, e in sentence_bounds(text)] == [
        "Đạt 99,3% năm 2026.", "Đến năm 2030 đạt 100%; bảo đảm ổn định."]
