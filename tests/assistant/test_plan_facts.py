"""Tests for assistant/plan_facts.py: questions about the plan document's own number and date."""

from dataclasses import replace

import pytest

from assistant.intent import detect_intent
from assistant.plan_facts import answer_about_plan
from eval.faithfulness import CitedClause, check_answer
from ingest.batch import ingest_paths
from ingest.model import DocumentMeta
from ingest.vntext import fold_diacritics
from tests.plans import PLANS

DONG_NAI = DocumentMeta(doc_id="dong-nai", title="Kế hoạch hành động", number="646-KH/TU",
                        issuer="Ban Thường vụ Tỉnh ủy Đồng Nai", level="tỉnh", locality="Đồng Nai",
                        province="Đồng Nai", date="2026-01-09", source_path="x.txt", content_hash="0")


def test_questions_about_the_plan_document_are_recognised():
    assert detect_intent("Văn bản kế hoạch này có số hiệu ra sao?").about_plan == "number"
    assert detect_intent("ke hoach nay so may").about_plan == "number"
    assert detect_intent("ke hoach nay ky vao hom nao").about_plan == "date"
    assert detect_intent("Kế hoạch thực hiện Chỉ thị 52 được ký và ban hành ngày mấy?").about_plan == "date"
    assert detect_intent("Đơn vị nào ban hành kế hoạch này?").about_plan == "issuer"
    assert detect_intent("Kế hoạch muốn độ phủ năm 2028 tới đâu?").about_plan == ""
    assert detect_intent("Kế hoạch này được ban hành tháng mấy?").about_plan == "period"
    assert detect_intent("ke hoach nay ky nam nao").about_plan == "period"


def test_another_document_named_first_is_what_is_asked_about():
    assert detect_intent("Nghị quyết nêu trong kế hoạch ban hành ngày nào?").about_plan == ""
    assert detect_intent("Chỉ thị mà kế hoạch nhắc tới do ai ký?").about_plan == ""


def test_known_number_and_date_are_answered_from_the_header():
    number = answer_about_plan("?", "number", [DONG_NAI])
    assert not number.abstained and "646-KH/TU" in number.answer and number.citations == ()
    date = answer_about_plan("?", "date", [DONG_NAI])
    assert not date.abstained and "09/01/2026" in date.answer


def test_blank_number_and_partial_date_abstain_and_say_why():
    blank = answer_about_plan("?", "number", [replace(DONG_NAI, number="/KH-UBND")])
    assert blank.abstained and "để trống số văn bản" in blank.answer and "/KH-UBND" in blank.answer
    year_only = answer_about_plan("?", "date", [replace(DONG_NAI, date="2026")])
    assert year_only.abstained and "chỉ ghi năm 2026" in year_only.answer
    month_only = answer_about_plan("?", "date", [replace(DONG_NAI, date="2026-01")])
    assert month_only.abstained and "tháng 01/2026" in month_only.answer


def test_needs_a_plan_and_a_known_fact():
    assert answer_about_plan("?", "number", []) is None
    assert answer_about_plan("?", "", [DONG_NAI]) is None


def test_several_plans_get_one_answer_each_in_the_order_named_with_their_own_sources(real_plans):
    plans = [real_plans["Huế"].meta, real_plans["Ninh Bình"].meta, real_plans["An Giang"].meta]
    answer = answer_about_plan("?", "signer", plans)
    lines = answer.answer.split("\n")
    assert lines[0] == "Theo các kế hoạch đã nạp:" and len(lines) == 4
    assert "Trần Hữu Thùy Giang" in lines[1] and lines[1].endswith("[1]")
    assert "Hà Lan Anh" in lines[2] and lines[2].endswith("[2]")
    assert "Nguyễn Thanh Nhân" in lines[3] and lines[3].endswith("[3]")
    assert [c.locality for c in answer.citations] == ["Huế", "Ninh Bình", "An Giang"]
    cited = [CitedClause(c.n, c.doc_id, c.text, c.char_start, c.char_end, locality=c.locality, id=c.id)
             for c in answer.citations]
    assert all(c.faithful for c in check_answer(answer.answer, cited))
    # A plan that leaves the fact blank says so in its line, uncited; the others still answer.
    numbers = answer_about_plan("?", "number", [real_plans["Đồng Nai"].meta, real_plans["Ninh Bình"].meta])
    assert not numbers.abstained and len(numbers.citations) == 1
    assert "646-KH/TU" in numbers.answer and "để trống số văn bản" in numbers.answer
    checks = check_answer(numbers.answer, [CitedClause(1, c.doc_id, c.text, c.char_start, c.char_end, id=c.id)
                                           for c in numbers.citations])
    assert all(c.faithful for c in checks)


def test_the_number_comes_with_its_date_and_the_signer_is_named():
    number = answer_about_plan("?", "number", [DONG_NAI])
    assert "646-KH/TU, ban hành ngày 09/01/2026" in number.answer
    assert detect_intent("Kế hoạch này do ai ký?").about_plan == "signer"
    assert detect_intent("nguoi ky ke hoach nay la ai").about_plan == "signer"
    signed = answer_about_plan("?", "signer", [replace(DONG_NAI, signer="Nguyễn Văn A",
                                                       signer_title="PHÓ BÍ THƯ THƯỜNG TRỰC")])
    assert not signed.abstained and "Nguyễn Văn A (Phó bí thư thường trực) ký" in signed.answer
    assert "phần ký cuối văn bản" in signed.answer
    unsigned = answer_about_plan("?", "signer", [DONG_NAI])
    assert unsigned.abstained and "không ghi người ký" in unsigned.answer


@pytest.fixture(scope="module")
def real_plans():
    return {doc.meta.locality: doc for doc in ingest_paths(sorted(PLANS.iterdir())).documents}


@pytest.mark.parametrize(("locality", "about", "cited_line"), [
    ("Đồng Nai", "number", "S646 -KH/TU Dong Nai, ngayl 9thang 01 niam 2026"),  # the scanned header as read
    ("Đồng Nai", "date", "S646 -KH/TU Dong Nai, ngayl 9thang 01 niam 2026"),
    ("An Giang", "signer", "Nguyễn Thanh Nhân"),
    ("Huế", "issuer", "TM. ỦY BAN NHÂN DÂN"),
    ("Ninh Bình", "signer", "Hà Lan Anh"),
    ("Ninh Bình", "period", "tháng 01 năm 2026"),  # the day is left blank: the month still answers
    ("Đak Đoa", "period", "năm 2026"),
])
def test_answers_about_a_real_plan_cite_the_lines_that_state_them(real_plans, locality, about, cited_line):
    doc = real_plans[locality]
    answer = answer_about_plan("?", about, [doc.meta])
    assert not answer.abstained and len(answer.citations) == 1 and answer.answer.endswith("[1]")
    citation = answer.citations[0]
    assert doc.source_text[citation.char_start:citation.char_end] == citation.text
    assert cited_line in citation.text
    cited = [CitedClause(c.n, c.doc_id, c.text, c.char_start, c.char_end, locality=c.locality, id=c.id)
             for c in answer.citations]
    assert [c.faithful for c in check_answer(answer.answer, cited)] == [True]


def test_a_signature_without_the_issuing_body_is_not_cited_for_the_issuer(real_plans):
    doc = real_plans["Đồng Nai"]  # its scanned signature keeps only the signer's name
    answer = answer_about_plan("?", "issuer", [doc.meta])
    assert not answer.abstained and answer.citations == () and "Ban Thường vụ" in answer.answer


def test_a_blank_number_is_not_cited_as_if_it_stated_one(real_plans):
    answer = answer_about_plan("?", "number", [real_plans["Ninh Bình"].meta])
    assert answer.abstained and answer.citations == ()


def test_questions_about_where_the_plan_is_sent_are_recognised_but_reports_are_tasks():
    assert detect_intent("Kế hoạch này được gửi cho những cơ quan nào?").about_plan == "recipients"
    assert detect_intent("noi nhan cua ke hoach la ai").about_plan == "recipients"
    assert detect_intent("Văn bản kế hoạch kính gửi đến đâu?").about_plan == "recipients"
    assert detect_intent("Kế hoạch yêu cầu gửi báo cáo về đâu?").about_plan == ""


def test_recipients_are_listed_from_the_plans_list_without_its_archive_copy(real_plans):
    doc = real_plans["Ninh Bình"]
    answer = answer_about_plan("?", "recipients", [doc.meta])
    assert not answer.abstained and "UBND các xã, phường" in answer.answer and "Lưu" not in answer.answer
    citation = answer.citations[0]
    assert citation.text.startswith("Nơi nhận") and doc.source_text[citation.char_start:citation.char_end] == citation.text
    cited = [CitedClause(1, citation.doc_id, citation.text, citation.char_start, citation.char_end, id=citation.id)]
    checks = check_answer(answer.answer, cited)
    assert len(checks) == 1 + 6 and all(c.faithful for c in checks)
    changed = answer.answer.replace("UBND các xã, phường", "UBND các huyện")
    assert [c.faithful for c in check_answer(changed, cited)].count(False) == 1
    assert answer_about_plan("?", "recipients", [replace(DONG_NAI, recipients=("Lưu VT",))]).abstained


def test_a_scanned_plans_cited_lines_carry_their_repaired_reading_and_clean_ones_none(real_plans):
    scanned = answer_about_plan("?", "signer", [real_plans["Đồng Nai"].meta]).citations[0]
    assert scanned.reading and scanned.reading != scanned.text
    assert fold_diacritics(scanned.reading) == scanned.text  # "Ton Ngoc Hanh": accents put back, letters kept
    clean = answer_about_plan("?", "signer", [real_plans["Huế"].meta]).citations[0]
    assert clean.reading == ""


def test_the_month_or_year_asked_is_answered_by_a_date_without_its_day(real_plans):
    month = answer_about_plan("?", "period", [real_plans["Ninh Bình"].meta])
    assert not month.abstained and "tháng 01 năm 2026" in month.answer
    year = answer_about_plan("?", "period", [real_plans["Đak Đoa"].meta])
    assert not year.abstained and "năm 2026" in year.answer
    # Asked for the day, the same plans say plainly that they leave it blank.
    assert answer_about_plan("?", "date", [real_plans["Ninh Bình"].meta]).abstained


def test_a_question_asking_two_facts_of_the_plan_reads_both():
    intent = detect_intent("Kế hoạch của Ninh Bình có số hiệu văn bản là gì, và ai ký?")
    assert intent.plan_facts == ("number", "signer") and intent.about_plan == "number"
    # The month or year is part of the date: asked with it, only the date is answered.
    assert detect_intent("Kế hoạch này ký ngày nào và năm nào?").plan_facts == ("date",)


def test_two_facts_asked_of_a_real_plan_get_one_sentence_each_with_their_own_sources(real_plans):
    doc = real_plans["Ninh Bình"]  # its number is left blank, its signer is not
    answer = answer_about_plan("?", ("number", "signer"), [doc.meta])
    assert not answer.abstained
    assert "để trống số văn bản" in answer.answer and "Hà Lan Anh" in answer.answer
    assert answer.answer.index("để trống") < answer.answer.index("Hà Lan Anh")
    assert len(answer.citations) == 1 and "Hà Lan Anh" in answer.citations[0].text
    cited = [CitedClause(c.n, c.doc_id, c.text, c.char_start, c.char_end, locality=c.locality, id=c.id)
             for c in answer.citations]
    assert all(c.faithful for c in check_answer(answer.answer, cited))


def test_a_fact_another_answer_already_states_is_not_said_twice(real_plans):
    doc = real_plans["Đồng Nai"]  # its number line also gives the full date
    both = answer_about_plan("?", ("number", "date"), [doc.meta])
    assert both.answer == answer_about_plan("?", "number", [doc.meta]).answer
    signed = answer_about_plan("?", ("signer", "issuer"), [real_plans["Huế"].meta])
    assert signed.answer == answer_about_plan("?", "signer", [real_plans["Huế"].meta]).answer


def test_two_facts_of_two_plans_are_one_entry_each_in_the_order_named(real_plans):
    plans = [real_plans["Huế"].meta, real_plans["Ninh Bình"].meta]
    answer = answer_about_plan("?", ("number", "signer"), plans)
    lines = answer.answer.split("\n")
    assert lines[0] == "Theo các kế hoạch đã nạp:" and len(lines) == 5
    assert all(line.startswith("- ") for line in lines[1:])
    assert "Hà Lan Anh" in lines[4] and "Ninh Bình" in lines[3]
    assert [c.locality for c in answer.citations] == sorted((c.locality for c in answer.citations),
                                                            key=["Huế", "Ninh Bình"].index)
