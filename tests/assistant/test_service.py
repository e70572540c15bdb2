"""Tests for assistant/service.py: guard → retrieve → answer over a real (tiny) index.

The tiny index holds real plan clauses (tests/assistant/conftest.py) embedded
with e5-small; the last test runs on the full-corpus ``assistant_service``
fixture of tests/conftest.py.
"""

import pytest

from assistant.service import Assistant
from ingest.vntext import nfc
from settings import load_settings

ANSWER_KEYS = {"question", "answer", "abstained", "mode", "citations", "retrieved", "timings_ms"}
CITATION_KEYS = {"n", "id", "doc_id", "doc_title", "locality", "section", "text", "char_start", "char_end", "score"}


@pytest.fixture(scope="module")
def service(tiny_index_dir):
    return Assistant(load_settings(environ={}, index_dir=str(tiny_index_dir)))


def assert_verbatim(index, answer):
    for c in answer.citations:
        assert nfc(index.source_text(c.doc_id))[c.char_start:c.char_end] == c.text


def test_ask_answers_a_target_question_with_timings(service):
    answer = service.ask("Mục tiêu tỷ lệ bao phủ BHYT năm 2026 của Ninh Bình là bao nhiêu?")
    assert not answer.abstained and "95%" in answer.answer
    assert answer.citations[0].locality == "Ninh Bình"
    assert set(answer.timings_ms) == {"retrieve", "answer", "total"}
    assert answer.timings_ms["total"] >= answer.timings_ms["retrieve"]
    data = answer.to_json("q1")
    assert ANSWER_KEYS | {"id", "support"} == set(data)
    assert all(set(c) == CITATION_KEYS for c in data["citations"])
    assert 0 < len(data["retrieved"]) <= 10
    assert_verbatim(service.index, answer)


def test_accentless_question(service):
    answer = service.ask("co quan nao tham muu bo tri kinh phi thuc hien ke hoach o hue")
    assert not answer.abstained and "Sở Tài chính" in answer.answer


def test_guard_runs_first(service):
    answer = service.ask("   ")
    assert answer.abstained and "chưa nhập câu hỏi" in answer.answer and answer.retrieved == ()
    long = service.ask("a" * 10_000)
    assert long.abstained and "quá dài" in long.answer


def test_markup_is_not_echoed(service):
    answer = service.ask("<script>alert(1)</script>Kinh phí thực hiện kế hoạch của Huế lấy từ nguồn nào?")
    assert "<script>" not in answer.question and "alert" not in answer.answer
    assert "nguồn ngân sách nhà nước" in answer.answer
    assert any("HTML" in n for n in answer.notices)


def test_locality_filter(service):
    answer = service.ask("Tỷ lệ bao phủ năm 2026 đạt bao nhiêu?", locality="Đak Đoa")
    assert {c.locality for c in answer.citations} == {"Đak Đoa"}
    unknown = service.ask("Tỷ lệ bao phủ năm 2026?", locality="Lào Cai")
    assert unknown.abstained and "Lào Cai" in unknown.answer and "Huế" in unknown.answer


@pytest.mark.parametrize("written", ["ninh bình", "Ninh Binh", "tỉnh Ninh Bình", "TINH NINH BINH"])
def test_locality_filter_takes_the_name_as_people_write_it(service, written):
    answer = service.ask("Tỷ lệ bao phủ năm 2026 đạt bao nhiêu?", locality=written)
    assert answer.citations and {c.locality for c in answer.citations} == {"Ninh Bình"}


def test_locality_filter_by_province_reaches_its_commune_plan(service):
    answer = service.ask("Tỷ lệ bao phủ năm 2026 đạt bao nhiêu?", locality="Gia Lai")
    assert answer.citations and {c.locality for c in answer.citations} == {"Đak Đoa"}


def test_compare_gets_every_locality(service):
    answer = service.ask("So sánh tỷ lệ bao phủ BHYT năm 2026 giữa các địa phương")
    assert {c.locality for c in answer.citations} == {"Huế", "Ninh Bình", "Đak Đoa"}


def test_compare_among_more_plans_than_a_chat_compares_is_scoped_and_says_so(service):
    scoped = Assistant.from_index(service.index, load_settings(environ={}, compare_max_plans=2))
    answer = scoped.ask("So sánh tỷ lệ bao phủ BHYT năm 2026 giữa các địa phương")
    shown = {c.locality for c in answer.citations}
    assert not answer.abstained and len(shown) == 2 and shown < {"Huế", "Ninh Bình", "Đak Đoa"}
    assert any("Có 3 kế hoạch đã nạp; câu trả lời chỉ so sánh 2 kế hoạch" in n for n in answer.notices)
    # Within the limit nothing is scoped and no notice is added.
    assert not any("kế hoạch đã nạp" in n for n in service.ask("So sánh tỷ lệ bao phủ BHYT năm 2026 giữa các "
                                                                  "địa phương").notices)


def test_bad_arguments(service):
    with pytest.raises(ValueError, match="mode must be one of"):
        service.ask("Ai chủ trì?", mode="gpt")
    with pytest.raises(ValueError, match="top_k must be > 0, got 0"):
        service.ask("Ai chủ trì?", top_k=0)


def test_from_index_and_settings_validation(service):
    other = Assistant.from_index(service.index, load_settings(environ={}))
    assert other.index is service.index
    with pytest.raises(ValueError, match="answer_mode must be one of"):
        Assistant(load_settings(environ={}, answer_mode="x"), index=service.index)


@pytest.mark.slow
def test_real_corpus_citations_are_verbatim(assistant_service):
    questions = ["Mục tiêu bao phủ BHYT năm 2026 của Ninh Bình là bao nhiêu?",
                 "Ở Huế, cơ quan nào tham mưu bố trí kinh phí thực hiện kế hoạch?",
                 "ty le bao phu bhyt cua dong nai nam 2026", "So sánh mục tiêu bao phủ năm 2030 giữa các địa phương",
                 "Huế hỗ trợ bao nhiêu đồng mỗi thẻ BHYT cho hộ cận nghèo?"]
    for question in questions:
        answer = assistant_service.ask(question)
        assert answer.citations, question
        assert_verbatim(assistant_service.index, answer)


def test_named_localities_take_turns_at_the_top_of_a_comparison(service):
    answer = service.ask("Huế và Ninh Bình đặt tỷ lệ bao phủ năm 2026 khác nhau thế nào?")
    top_two = {s.locality for s in answer.retrieved[:2]}
    assert top_two == {"Huế", "Ninh Bình"}
