"""Tests for ingest/structure/annotate.py, roles.py and sentences.py: structure recorded once, on real clauses."""

from __future__ import annotations

import pytest

from ingest.model import Clause
from ingest.pipeline import parse_text
from ingest.structure.roles import (
    agency_heading,
    agency_lead,
    agency_subject,
    attribute_kind,
    is_heading_text,
    strip_numbering,
)
from ingest.structure.sentences import MAX_SENTENCE_CHARS, sentence_bounds, sentence_spans
from tests.plans import DAK_DOA, HUE, NINH_BINH, PLANS


def _parse(name: str):
    path = PLANS / name
    return parse_text(path.read_text(encoding="utf-8"), str(path))


@pytest.fixture(scope="module")
def hue():
    return _parse(HUE)


def _by_start(doc, words: str) -> Clause:
    return next(c for c in doc.clauses if c.body.startswith(words))


@pytest.mark.parametrize(
    ("title", "name"),
    [("2. Sở Tài chính", "Sở Tài chính"), ("4- Bảo hiểm xã hội tỉnh:", "Bảo hiểm xã hội tỉnh"),
     ("Điều 3. Trạm Y tế xã", "Trạm Y tế xã"), ("b) Ủy ban nhân dân các xã", "Ủy ban nhân dân các xã")],
)
def test_agency_headings_are_named_without_their_number(title, name):
    assert agency_heading(title) == name
    assert strip_numbering(title) == name


@pytest.mark.parametrize("title", ["3. Ban hành văn bản hướng dẫn", "- Báo cáo kết quả thực hiện",
                                   "Phòng, chống gian lận quỹ bảo hiểm y tế", "1. Mục tiêu chung"])
def test_verbs_and_topics_spelt_like_agencies_are_not_agencies(title):
    assert agency_heading(title) == ""


def test_an_item_that_opens_with_its_agency_and_a_colon():
    assert agency_lead("Mặt trận Tổ quốc tỉnh: Lãnh đạo, chỉ đạo tuyên truyền.") == "Mặt trận Tổ quốc tỉnh"
    assert agency_lead("Tăng cường tuyên truyền: in tờ rơi.") == ""


@pytest.mark.parametrize(
    ("line", "kind"),
    [("Cơ quan, đơn vị thực hiện: Sở Y tế.", "responsibility"), ("Thời gian thực hiện: Hằng năm.", "deadline"),
     ("Kinh phí: ngân sách nhà nước.", "funding"), ("Sản phẩm: báo cáo.", "product"), ("Ghi chú: không", "other")],
)
def test_attribute_kinds(line, kind):
    assert attribute_kind(line) == kind


def test_heading_text_is_short_and_has_no_sentence_break():
    assert is_heading_text("3. Nâng cao chất lượng khám, chữa bệnh bảo hiểm y tế")
    assert not is_heading_text("Tuyên truyền. Vận động người dân tham gia.")


def test_duties_under_an_agency_heading_belong_to_that_agency(hue):
    head = next(c for c in hue.clauses if c.is_heading and c.agency == "Sở Tài chính")
    kids = [c for c in hue.clauses if c.parent_id == head.id]
    assert kids and all(k.agency == "Sở Tài chính" and not k.is_heading for k in kids)
    assert head.heading == "Sở Tài chính"


def test_targets_under_a_year_heading_carry_its_year():
    doc = _parse(DAK_DOA)
    years = {c.year for c in doc.clauses if "%" in c.body}
    assert {"2026", "2030"} <= years


def test_attribute_lines_of_a_task_say_what_they_state():
    doc = parse_text(
        "I. NHIỆM VỤ\n1. Tăng cường tuyên truyền về bảo hiểm y tế.\n"
        "* Cơ quan, đơn vị thực hiện: Sở Y tế, Bảo hiểm xã hội tỉnh.\n* Thời gian thực hiện: Thường xuyên.\n",
        "x.txt")
    kinds = [c.attribute for c in doc.clauses if c.kind == "attribute"]
    assert kinds == ["responsibility", "deadline"]


@pytest.mark.parametrize("name", [HUE, NINH_BINH, DAK_DOA])
def test_sentence_spans_point_at_the_sentence_in_the_file(name):
    doc = _parse(name)
    checked = 0
    for clause in doc.clauses:
        assert len(clause.sentences) == len(clause.sentence_texts) >= (1 if clause.body.strip() else 0)
        for span, sentence in zip(clause.sentences, clause.sentence_texts, strict=True):
            source = " ".join(doc.source_text[span.start:span.end].split())
            words = sentence.split()
            assert clause.char_start <= span.start < span.end <= clause.char_end
            assert source.endswith(words[-1].strip("*_")) or words[-1] in source
            checked += 1
    assert checked > 30


def test_long_sentences_are_cut_at_semicolons_then_commas():
    text = "; ".join(f"Nhiệm vụ số {i} của các sở, ngành và địa phương trong tỉnh" for i in range(20)) + "."
    bounds = sentence_bounds(text)
    assert len(bounds) > 1 and all(e - s <= MAX_SENTENCE_CHARS for s, e in bounds)
    assert "".join(text[s:e] for s, e in bounds).replace(" ", "") == text.replace("; ", ";").replace(" ", "")


def test_sentences_of_a_repaired_reading_map_word_for_word_to_the_file():
    body = "Thoi gian thuc hién: Thuong xuyén. Co quan: Sé Y té."
    reading = "Thời gian thực hiện: Thường xuyên. Cơ quan: Sở Y tế."
    spans = sentence_spans(body, reading, body, 100)
    assert [reading[s.read_start:s.read_end] for s in spans] == ["Thời gian thực hiện: Thường xuyên.",
                                                                  "Cơ quan: Sở Y tế."]
    assert [body[s.start - 100:s.end - 100] for s in spans] == ["Thoi gian thuc hién: Thuong xuyén.",
                                                                "Co quan: Sé Y té."]


def test_every_bundled_plan_is_annotated():
    for name in (HUE, NINH_BINH, DAK_DOA):
        doc = _parse(name)
        assert any(c.is_heading for c in doc.clauses)
        assert all(c.sentences for c in doc.clauses if c.body.strip())
    assert PLANS.exists()


@pytest.mark.parametrize(
    ("text", "subject"),
    [("2. Đảng ủy Ủy ban nhân dân tỉnh lãnh đạo Ủy ban nhân dân tỉnh xây dựng kế hoạch", "Đảng ủy Ủy ban nhân dân tỉnh"),
     ("5. Ban Tuyên giáo và Dân vận Tỉnh ủy hướng dẫn các cấp ủy đảng", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
     ("Mặt trận Tổ quốc và các tổ chức chính trị - xã hội xã xây dựng kế hoạch",
      "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội xã"),
     ("Tăng cường công tác tuyên truyền về bảo hiểm y tế", ""),
     ("Sở Y tế", "")],  # a name and no duty: a heading, not a subject
)
def test_an_item_that_opens_with_the_agency_doing_it(text, subject):
    assert agency_subject(text) == subject


def test_sentences_of_an_item_belong_to_the_agency_it_opens_with():
    doc = parse_text(
        "III. TỔ CHỨC THỰC HIỆN\n2. Đảng ủy Ủy ban nhân dân tỉnh lãnh đạo xây dựng kế hoạch. "
        "Chỉ đạo ngành chức năng kiểm soát chi phí khám, chữa bệnh.\n", "x.txt")
    item = next(c for c in doc.clauses if c.kind == "item")
    assert item.agency == "Đảng ủy Ủy ban nhân dân tỉnh" and len(item.sentences) == 2


def test_a_verb_inside_the_agency_name_does_not_end_it():
    assert agency_subject("2. Ban Xây dựng Đảng chủ trì, phối hợp với các cơ quan") == "Ban Xây dựng Đảng"
