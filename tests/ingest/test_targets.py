"""Quantified targets read at ingest: real clauses of the five plans, and targets worded as other plans word them."""

from __future__ import annotations

import pytest

from ingest.batch import ingest_paths
from ingest.model import Clause, DocumentMeta, SentenceSpan
from ingest.targets import COVERAGE, OTHER, extract_targets
from ingest.vntext import folded_form
from tests.plans import DAK_DOA, DONG_NAI, HUE, PLANS


def _meta(date: str = "2026-01-15") -> DocumentMeta:
    return DocumentMeta(doc_id="d", title="", number="", issuer="", level="tỉnh", locality="X", province="X",
                        date=date, source_path="x.txt", content_hash="")


def _clause(text: str, *, titles: tuple[str, ...] = (), year: str = "") -> Clause:
    return Clause(id="c", doc_id="d", kind="item", path=("1",), titles=titles, text=text, body=text, char_start=0,
                  char_end=len(text), year=year, sentences=(SentenceSpan(0, len(text), 0, len(text)),))


def _cells(text: str, **kwargs) -> list[tuple]:
    return [(t.kind, t.value, t.unit, t.year, t.qualifier)
            for t in extract_targets(_meta(), [_clause(text, **kwargs)])]


@pytest.fixture(scope="module")
def plan_targets():
    report = ingest_paths([PLANS / DAK_DOA, PLANS / HUE, PLANS / DONG_NAI])
    return {doc.meta.source_path.rsplit("/", 1)[-1]: (doc, extract_targets(doc.meta, doc.clauses))
            for doc in report.documents}


def test_years_come_from_the_heading_when_the_sentence_names_none(plan_targets):
    doc, targets = plan_targets[DAK_DOA]
    coverage = {(t.year, t.value) for t in targets if t.kind == COVERAGE}
    assert coverage == {(2026, 95.0), (2030, 98.0)}
    assert len(targets) == 6


def test_two_figures_of_one_sentence_get_their_own_years_and_the_first_statement_is_kept(plan_targets):
    doc, targets = plan_targets[HUE]
    coverage = [(t.year, t.figure, t.qualifier) for t in targets if t.kind == COVERAGE]
    assert coverage == [(2026, "99,3%", "trên"), (2030, "100%", "đạt")]
    students = [t for t in targets if "học sinh" in t.indicator.lower()]
    assert [(t.year, t.kind) for t in students] == [(2030, OTHER)]


def test_citations_point_at_the_sentence_in_the_source_file(plan_targets):
    for doc, targets in plan_targets.values():
        for target in targets:
            quoted = folded_form(doc.source_text[target.start:target.end])
            assert folded_form(target.figure.split("%")[0].split(" ")[0]) in quoted.replace(" %", "%")


def test_the_repaired_ocr_reading_is_read(plan_targets):
    doc, targets = plan_targets[DONG_NAI]
    assert [(t.kind, t.value, t.year) for t in targets] == [(COVERAGE, 96.0, 2026), (COVERAGE, None, 2030)]
    assert "bao phủ" in targets[0].indicator


@pytest.mark.parametrize(("text", "expected"), [
    ("Phấn đấu đến năm 2027 có ít nhất 97,5% dân số tham gia BHYT.", [(COVERAGE, 97.5, "%", 2027, "ít nhất")]),
    ("Tỷ lệ người dân có hồ sơ sức khỏe điện tử đạt tối thiểu 80% vào năm 2028",
     [(OTHER, 80.0, "%", 2028, "tối thiểu")]),
    ("Giảm tỷ lệ người dân bỏ tham gia BHYT xuống dưới 2% vào năm 2030.", [(OTHER, 2.0, "%", 2030, "dưới")]),
    ("Phát triển thêm 5.000 người tham gia BHYT hộ gia đình trong năm 2026.", [(OTHER, 5000.0, "người", 2026, "")]),
    ("Đến năm 2030, 100% người lao động trong doanh nghiệp tham gia BHYT; 98% hộ nghèo được cấp thẻ.",
     [(OTHER, 100.0, "%", 2030, ""), (OTHER, 98.0, "%", 2030, "")]),
])
def test_targets_worded_as_other_plans_word_them(text, expected):
    assert _cells(text) == expected


@pytest.mark.parametrize("text", [
    "Ngân sách tỉnh hỗ trợ 70% mức đóng BHYT cho người thuộc hộ cận nghèo.",
    "Theo Quyết định số 1234/QĐ-UBND ngày 12/3/2024, mức hỗ trợ là 30%.",
    "Người có công được hưởng 100% chi phí khám, chữa bệnh.",
    "Toàn phường hiện nay có 93% dân số tham gia BHYT.",
])
def test_rates_and_the_present_state_are_not_targets(text):
    assert _cells(text) == []


def test_a_year_before_the_plans_own_is_the_present_not_a_target():
    cells = _cells("Năm 2025, tỷ lệ bao phủ BHYT của tỉnh đạt 93,1%; phấn đấu năm 2026 đạt 95%.")
    assert cells == [(COVERAGE, 95.0, "%", 2026, "đạt")]


def test_a_heading_that_sets_goals_makes_a_bare_figure_a_target():
    assert _cells("Tỷ lệ bao phủ bảo hiểm y tế toàn phường 97% dân số.", titles=("Mục tiêu đến năm 2027",),
                  year="2027") == [(COVERAGE, 97.0, "%", 2027, "")]
    assert _cells("Tỷ lệ bao phủ bảo hiểm y tế toàn phường 97% dân số.", titles=("Kết quả thực hiện",)) == []


def _goals_in_words(text: str, **kwargs) -> list[tuple]:
    return [(t.kind, t.year, t.stated) for t in extract_targets(_meta(), [_clause(text, **kwargs)]) if t.in_words]


@pytest.mark.parametrize(("text", "kwargs", "year"), [
    ("Phấn đấu đến năm 2030 đạt chỉ tiêu bao phủ BHYT toàn dân.", {}, 2030),
    ("Đến năm 2028, hoàn thành mục tiêu BHYT toàn dân trên địa bàn phường.", {}, 2028),
    ("Đạt mục tiêu bao phủ bảo hiểm y tế toàn dân.", {"titles": ("Mục tiêu đến năm 2030",), "year": "2030"}, 2030),
])
def test_a_coverage_goal_stated_in_words_for_a_year_is_a_target_without_a_figure(text, kwargs, year):
    assert _goals_in_words(text, **kwargs) == [(COVERAGE, year, "toàn dân (không nêu con số)")]


@pytest.mark.parametrize("text", [
    "Hoàn thiện chính sách, pháp luật về BHYT đáp ứng mục tiêu bao phủ BHYT toàn dân.",  # no year: a direction
    "Đến năm 2030, đáp ứng mục tiêu bao phủ bảo hiểm y tế toàn dân.",  # nothing to reach
    "Tập trung thực hiện bảo hiểm y tế toàn dân trong giai đoạn mới, đến năm 2030.",  # not a goal named
    "Năm 2024 đã đạt mục tiêu bao phủ bảo hiểm y tế toàn dân.",  # before the plan's year: the present
])
def test_universal_coverage_named_without_a_goal_for_a_year_is_not_a_target(text):
    assert _goals_in_words(text) == []


def test_a_goal_in_words_gives_way_to_the_plans_figure_for_that_year():
    text = ("Đến năm 2030 đạt mục tiêu bao phủ bảo hiểm y tế toàn dân, tỷ lệ bao phủ BHYT đạt 99% năm 2030; "
            "đến năm 2032 đạt mục tiêu bao phủ BHYT toàn dân.")
    cells = [(t.year, t.stated) for t in extract_targets(_meta(), [_clause(text)]) if t.kind == COVERAGE]
    assert cells == [(2030, "99%"), (2032, "toàn dân (không nêu con số)")]


def test_the_real_plans_goals_in_words_are_read_where_no_figure_is_set(plan_targets):
    _, hue = plan_targets[HUE]
    _, dong_nai = plan_targets[DONG_NAI]
    assert [t.stated for t in hue if t.kind == COVERAGE and t.year == 2030] == ["100%"]
    worded = [t for t in dong_nai if t.in_words]
    assert [(t.year, t.indicator) for t in worded] == [(2030, "Mục tiêu bao phủ bảo hiểm y tế toàn dân")]
