"""Tests for ingest/structure/clause_tree.py: the clause tree of each bundled plan, as a person reads it."""

from __future__ import annotations

import pytest

from ingest.model import Clause
from ingest.pipeline import parse_text
from ingest.structure.clause_tree import build_clauses, first_sentence
from ingest.structure.clean import logical_lines
from tests.plans import AN_GIANG, DAK_DOA, DONG_NAI, HUE, NINH_BINH, PLANS


@pytest.fixture(scope="module")
def plans() -> dict[str, dict[tuple[str, ...], Clause]]:
    """Clauses of every bundled plan, by path."""
    result = {}
    for path in sorted(PLANS.glob("*.txt")):
        doc = parse_text(path.read_text(encoding="utf-8"), str(path))
        result[path.name] = {c.path: c for c in doc.clauses}
    return result


def sections(clauses: dict[tuple[str, ...], Clause]) -> list[tuple[str, str]]:
    return [(c.label, c.body) for c in clauses.values() if c.kind == "section"]


def children(clauses: dict[tuple[str, ...], Clause], parent: tuple[str, ...], kind: str) -> list[Clause]:
    return [c for p, c in clauses.items() if p[:-1] == parent and c.kind == kind]


def test_sections_of_every_plan(plans):
    assert sections(plans[DONG_NAI]) == [
        ("I", "MUC PiCH, YEU CAU"),
        ("II", "NOI DUNG THUC HIEN"),
        ("III", "TO CHUC THUC HIEN"),
    ]
    assert sections(plans[AN_GIANG]) == [
        ("I", "MỤC TIÊU, YÊU CẦU"),
        ("II", "NHIỆM VỤ VÀ GIẢI PHÁP"),
        ("III", "TỔ CHỨC THỰC HIỆN"),
    ]
    assert sections(plans[NINH_BINH]) == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"),
        ("II", "MỤC TIÊU"),
        ("III", "NHIỆM VỤ TRỌNG TÂM"),
        ("IV", "KINH PHÍ THỰC HIỆN"),
        ("V", "TỔ CHỨC THỰC HIỆN"),
    ]
    assert sections(plans[DAK_DOA]) == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"),
        ("II", "MỤC TIÊU"),
        ("III", "NHIỆM VỤ, GIẢI PHÁP"),
        ("IV", "TỔ CHỨC THỰC HIỆN"),
    ]
    assert sections(plans[HUE]) == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"),
        ("II", "MỤC TIÊU"),
        ("III", "NHIỆM VỤ VÀ GIẢI PHÁP"),
        ("IV", "KINH PHÍ"),
        ("V", "TỔ CHỨC THỰC HIỆN"),
    ]


@pytest.mark.parametrize(
    ("plan", "section", "count", "first", "last"),
    [
        (DONG_NAI, "II", 6, "Tang cuwong lanh dao", "Hoan thién co s& ha tang"),
        (AN_GIANG, "II", 6, "Tăng cường sự lãnh đạo", "Bảo đảm nguồn lực"),
        (NINH_BINH, "III", 10, "Tiếp tục tập trung lãnh đạo", "Thực hiện phối hợp thanh tra"),
        (DAK_DOA, "III", 5, "Cấp ủy, tổ chức đảng", "Đẩy mạnh ứng dụng công nghệ thông tin"),
        (HUE, "III", 5, "Công tác tuyên truyền", "Đẩy mạnh ứng dụng công nghệ thông tin"),
    ],
)
def test_numbered_items_of_the_tasks_section(plans, plan, section, count, first, last):
    items = children(plans[plan], (section,), "item")
    assert [c.label for c in items] == [str(i) for i in range(1, count + 1)]
    assert items[0].body.startswith(first) and items[-1].body.startswith(last)
    assert all(c.titles == (items[0].titles[0],) for c in items)


def test_dong_nai_attributes_attach_to_their_task(plans):
    clauses = plans[DONG_NAI]
    for number in range(1, 7):
        attributes = children(clauses, ("II", str(number)), "attribute")
        assert [a.path[-1] for a in attributes] == ["attr1", "attr2"], number
        agency, timing = attributes
        assert agency.body.startswith("Co") and "quan, don vi th" in agency.body
        assert timing.body.startswith("Thoi gian th")
        assert agency.parent_id == clauses[("II", str(number))].id
    assert len([c for c in clauses.values() if c.kind == "attribute"]) == 12


def test_dong_nai_bullets_and_footnotes(plans):
    clauses = plans[DONG_NAI]
    assert len(children(clauses, ("II", "1"), "bullet")) == 3
    citing = clauses[("II", "4", "1")]
    footnotes = [clauses[("II", "4", "1", f"fn{n}")] for n in range(1, 5)]
    assert citing.footnotes == tuple(f.id for f in footnotes)
    assert footnotes[0].body.startswith("V& thyc hién Chi thi s6 25-CT/TW")
    assert footnotes[3].body.startswith("Thyc hién Nghi quyét s6 28- NQ/TW")
    assert all(f.kind == "footnote" and f.parent_id == citing.id for f in footnotes)
    # Item 5's title stops before the footnote block; its bullets follow it.
    assert clauses[("II", "5")].body.endswith("va co quan to chirc thwe hién vé bao hiém y te")
    assert len(children(clauses, ("II", "5"), "bullet")) == 4


def test_an_giang_footnote_linked_from_item_one(plans):
    clauses = plans[AN_GIANG]
    item = clauses[("I", "1")]
    footnote = clauses[("I", "1", "fn1")]
    assert item.footnotes == (footnote.id,)
    assert footnote.body.startswith("Chỉ thị số 01-CT/TU, ngày 25/8/2025")
    bullet = clauses[("II", "1", "2")]
    assert "Chỉ thị số 01-CT/TU" in bullet.text and "Chỉ thị số 01-CT/TU" not in bullet.body
    assert "trong thực hiện chủ trương, chế độ" in bullet.body


def test_agency_items_own_their_paragraphs(plans):
    clauses = plans[NINH_BINH]
    agency = clauses[("V", "1")]
    assert agency.body == "Sở Y tế"
    paragraphs = children(clauses, ("V", "1"), "paragraph")
    assert len(paragraphs) == 4
    assert paragraphs[0].body.startswith("Triển khai và phối hợp thực hiện")
    assert all(p.titles == ("V. TỔ CHỨC THỰC HIỆN", "1. Sở Y tế") for p in paragraphs)


def test_closing_paragraph_is_top_level_and_keeps_deadlines(plans):
    closing = [c for c in plans[NINH_BINH].values() if c.body.startswith("Trên đây là Kế hoạch")]
    assert len(closing) == 1 and closing[0].parent_id == "" and closing[0].kind == "paragraph"
    assert "trước ngày 15/12 hàng năm" in closing[0].body and "trước ngày 05/6" in closing[0].body


def test_plus_bullets_nest_under_dash_bullet(plans):
    clauses = plans[HUE]
    parent = clauses[("V", "1", "3")]
    assert parent.body == "Chỉ đạo các cơ sở y tế:"
    nested = children(clauses, ("V", "1", "3"), "bullet")
    assert [c.label for c in nested] == ["+", "+", "+"]
    assert nested[0].titles[-1] == "- Chỉ đạo các cơ sở y tế"


def test_intro_paragraphs_and_attributes_of_dak_doa(plans):
    clauses = plans[DAK_DOA]
    assert clauses[("p1",)].body.startswith("Thực hiện Kế hoạch số 16-KH/TU")
    attribute = clauses[("IV", "1", "attr1")]
    assert attribute.kind == "attribute" and attribute.body == "Thời gian thực hiện: Hằng năm."


def test_ids_are_stable_and_unique():
    text = (PLANS / HUE).read_text(encoding="utf-8")
    lines = logical_lines(text)
    first = build_clauses("hue", text, lines)
    second = build_clauses("hue", text, lines)
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)
    assert all(c.id.startswith("hue:") for c in first)


def test_first_sentence_is_capped():
    assert first_sentence("Sở Y tế: Chủ trì, phối hợp") == "Sở Y tế"
    long = "từ " * 100
    assert len(first_sentence(long, limit=40)) <= 41


def test_bullets_nest_by_indentation_whatever_their_symbol():
    # Markdown nests lists by indentation, with the same symbol at every depth.
    text = "I. NHIỆM VỤ\n- Chỉ đạo các cơ sở y tế:\n  - Cải cách thủ tục;\n  - Bệnh án điện tử.\n- Báo cáo hằng năm.\n"
    clauses = build_clauses("kh", text, logical_lines(text))
    assert [(c.path, c.body) for c in clauses] == [
        (("I",), "NHIỆM VỤ"),
        (("I", "1"), "Chỉ đạo các cơ sở y tế:"),
        (("I", "1", "1"), "Cải cách thủ tục;"),
        (("I", "1", "2"), "Bệnh án điện tử."),
        (("I", "2"), "Báo cáo hằng năm."),
    ]


def test_headings_without_numerals_are_named_by_their_position():
    text = "## Mục tiêu\n\nNội dung.\n\n## Tổ chức thực hiện\n\n### Sở Y tế\n\n- Chủ trì.\n"
    clauses = build_clauses("kh", text, logical_lines(text))
    assert [(c.kind, c.path, c.label, c.titles) for c in clauses] == [
        ("section", ("1",), "", ()),
        ("paragraph", ("1", "p1"), "", ("Mục tiêu",)),
        ("section", ("2",), "", ()),
        ("item", ("2", "1"), "", ("Tổ chức thực hiện",)),
        ("bullet", ("2", "1", "1"), "-", ("Tổ chức thực hiện", "Sở Y tế")),
    ]


OTHER_CONVENTIONS = """ỦY BAN NHÂN DÂN XÃ THUẬN AN
Số: 12/KH-UBND
KẾ HOẠCH
Thực hiện Chỉ thị số 52-CT/TW về bảo hiểm y tế toàn dân

Phần I. Mục đích, yêu cầu
1.1. Mục đích
Nâng cao nhận thức của người dân về bảo hiểm y tế.
PHẦN THỨ HAI
NHIỆM VỤ VÀ GIẢI PHÁP
Điều 1. Công tác tuyên truyền
a. Tổ chức tuyên truyền trên loa truyền thanh xã.
b- Vận động hộ gia đình tham gia.
• Phát tờ rơi tại các thôn.
Điều 2. Chỉ tiêu
2.1. Năm 2026 tỷ lệ bao phủ đạt 95%.
2.2. Năm 2030 đạt 100%.
Trên đây là Kế hoạch thực hiện./.
"""


def test_a_plan_numbered_in_other_conventions_keeps_its_tree():
    doc = parse_text(OTHER_CONVENTIONS, "thuan-an.txt")
    shape = [(c.kind, c.path) for c in doc.clauses]
    assert shape == [
        ("section", ("I",)), ("item", ("I", "1.1")), ("paragraph", ("I", "1.1", "p1")),
        ("section", ("2",)), ("item", ("2", "1")), ("letter", ("2", "1", "a")), ("letter", ("2", "1", "b")),
        ("bullet", ("2", "1", "b", "1")), ("item", ("2", "2")), ("item", ("2", "2", "2.1")),
        ("item", ("2", "2", "2.2")), ("paragraph", ("p1",)),
    ]
    by_path = {c.path: c for c in doc.clauses}
    assert by_path[("2", "2", "2.1")].titles[-1] == "2. Chỉ tiêu"
    assert by_path[("p1",)].body.startswith("Trên đây là Kế hoạch")  # not glued to the last item
