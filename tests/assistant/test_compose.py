"""Tests for assistant/compose.py: how answers are written and cited, on real plan clauses.

The clauses are the verbatim plan slices of tests/assistant/conftest.py (Huế,
Ninh Bình, Đak Đoa); the candidate sentences are the ones ingest records (``Clause.sentence_texts``)
of them, as in the answerer. The tests check the written text itself: [n]
markers numbered in order of first use and pointing at the right clause, the
comparison table's shape, owners written before sentences that do not name
them, Vietnamese abstention text, and citations that keep the clause verbatim
with its offsets when the answer shows only an excerpt.
"""

from __future__ import annotations

import re

import pytest

from assistant.compose import (
    AMOUNT_RE,
    DATE_RE,
    PERCENT_RE,
    Unit,
    anchor_for,
    cite,
    clause_or_none,
    compose_abstention,
    compose_compare,
    compose_duties,
    compose_list,
    compose_single,
    derive,
    extreme_line,
    owner_prefix,
    stated_percent,
    whole_plan,
)
from assistant.duties import AgencyBlock
from assistant.intent import QuestionIntent
from index.labels import section_label
from ingest.vntext import nfc
from tests.assistant.conftest import build_tiny_tree, find

HUE, NINH_BINH, DAK_DOA = "hue_KH-UBND", "ninh-binh_KH-UBND_2026-01", "dak-doa-gia-lai_KH-DU_2026"
HUE_2026 = "Tỷ lệ bao phủ BHYT toàn thành phố"
NB_2026 = "- Đến năm 2026, tỉ lệ"
NB_2030 = "- Đến năm 2030, phấn đấu"
DD_2026 = "- Tỷ lệ bao phủ bảo hiểm y tế toàn xã đạt trên 95%"
MARKER_RE = re.compile(r"\[(\d+)\]")


def unit(tree, words: str, *, sentence: int = 0, role: str = "self", p: float = 0.9, fused: float = 0.02) -> Unit:
    """A candidate sentence (the ``sentence``-th of the clause holding ``words``) the model scored ``p``."""
    clause = find(tree, words)
    text = clause.sentence_texts[sentence]
    return Unit(tree.scored(clause, fused), text, role, position=sentence, score=p)


def markers(text: str) -> list[int]:
    return [int(n) for n in MARKER_RE.findall(text)]


def assert_cited_verbatim(tree, answer) -> None:
    """Every [n] points at a citation, numbered 1..k, each the clause's verbatim text at its offsets."""
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert set(markers(answer.answer)) == {c.n for c in answer.citations}
    for citation in answer.citations:
        assert nfc(tree.source_text(citation.doc_id))[citation.char_start:citation.char_end] == citation.text
        assert tree.by_id[citation.id].text == citation.text


def target(**fields) -> QuestionIntent:
    return QuestionIntent(kind="target", **fields)


# --- units, numbering, anchors ---------------------------------------------------------------------------


def test_cite_numbers_each_clause_once_in_order_of_first_use(tiny_tree):
    numbering: dict[str, int] = {}
    citations = []
    hue = tiny_tree.scored(find(tiny_tree, HUE_2026), 0.03)
    nb = tiny_tree.scored(find(tiny_tree, NB_2026), 0.02)
    assert [cite(s, numbering, citations) for s in (nb, hue, nb, hue)] == [1, 2, 1, 2]
    assert [(c.n, c.locality) for c in citations] == [(1, "Ninh Bình"), (2, "Huế")]
    assert citations[0].text == "- Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%."


def test_anchor_follows_what_the_question_asks():
    assert anchor_for(QuestionIntent(kind="other", wants_amount=True)) is AMOUNT_RE
    assert anchor_for(target()) is PERCENT_RE
    assert anchor_for(QuestionIntent(kind="deadline")) is DATE_RE
    assert anchor_for(QuestionIntent(kind="list")) is None


def test_derived_clause_keeps_the_document_fields_and_gets_its_own_section(tiny_tree):
    parent = tiny_tree.scored(find(tiny_tree, "2. Ban Xây dựng Đảng chủ trì"), 0.04, dense_rank=3)
    child = find(tiny_tree, "Thời gian thực hiện: Thường xuyên.")
    derived = derive(parent, child)
    assert derived.clause is child and derived.id == child.id
    assert (derived.locality, derived.doc_title, derived.score, derived.dense_rank) == (
        "Đak Đoa", parent.doc_title, 0.04, 3)
    assert derived.section == section_label(child) and derived.dense_score is None


def test_clause_or_none(tiny_tree):
    clause = find(tiny_tree, HUE_2026)
    assert clause_or_none(tiny_tree, clause.id) is clause
    assert clause_or_none(tiny_tree, "không-có") is None


class RootedTree:
    """The tiny tree with its top-level clauses listed under "" (as ``ClauseIndex.children("")`` does)."""

    def __init__(self, tree) -> None:
        self.tree = tree

    def clause(self, clause_id):
        return self.tree.clause(clause_id)

    def children(self, clause_id):
        if clause_id:
            return self.tree.children(clause_id)
        return sorted((c for c in self.tree.by_id.values() if not c.parent_id), key=lambda c: c.char_start)

    def documents(self):
        return self.tree.documents()

    def targets(self):
        return self.tree.targets()

    def first_section_start(self, doc_id):
        return None


def test_whole_plan_walks_one_plan_in_reading_order(tiny_tree):
    reached_from = tiny_tree.scored(find(tiny_tree, NB_2030), 0.05)
    plan = whole_plan(RootedTree(tiny_tree), [reached_from])
    texts = [s.clause.text for s in plan]
    assert texts == ["II. MỤC TIÊU", "2. Mục tiêu cụ thể", "- Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%.",
                     find(tiny_tree, NB_2030).text]
    assert {s.locality for s in plan} == {"Ninh Bình"} and {s.score for s in plan} == {0.05}
    assert whole_plan(RootedTree(tiny_tree), []) == []


# --- one answer --------------------------------------------------------------------------------------------


def test_single_answer_quotes_the_best_sentence_with_marker_one(tiny_tree):
    best = unit(tiny_tree, NB_2026)
    other_place = unit(tiny_tree, HUE_2026, p=0.95)   # more likely, but another locality
    weak = unit(tiny_tree, NB_2030, p=0.3)            # same locality, unlikely to answer
    answer = compose_single("Mục tiêu bao phủ BHYT năm 2026 của Ninh Bình?", [other_place, weak, best], best,
                            (best.scored,), 0.9, target(years=("2026",)), max_citations=5)
    assert answer.answer == "Theo kế hoạch của Ninh Bình: Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%. [1]"
    assert (answer.abstained, answer.mode, answer.support, answer.retrieved) == (False, "extractive", 0.9,
                                                                                 (best.scored,))
    assert [c.locality for c in answer.citations] == ["Ninh Bình"]
    assert_cited_verbatim(tiny_tree, answer)


def test_single_answer_lists_close_runners_up_of_the_same_plan(tiny_tree):
    best = unit(tiny_tree, NB_2026)
    runner_up = unit(tiny_tree, NB_2030, p=0.85)
    answer = compose_single("Ninh Bình đặt mục tiêu bao phủ thế nào?", [best, runner_up], best, (), 0.8, target(),
                            max_citations=5)
    lines = answer.answer.split("\n")
    assert lines[0] == "Theo kế hoạch của Ninh Bình:"
    assert lines[1] == "- Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%. [1]"
    assert lines[2].startswith("- Đến năm 2030, phấn đấu đạt") and lines[2].endswith(" [2]")
    assert_cited_verbatim(tiny_tree, answer)
    alone = compose_single("?", [best, runner_up], best, (), 0.8, target(), max_citations=1)
    assert markers(alone.answer) == [1] and len(alone.citations) == 1


def test_owner_is_written_before_sentences_that_do_not_name_it(tiny_tree):
    # A target bullet without a year, under "1. Mục tiêu đến năm 2026".
    coverage = unit(tiny_tree, DD_2026)
    assert owner_prefix(coverage, target()) == "Mục tiêu đến năm 2026: "
    answer = compose_single("?", [coverage], coverage, (), 0.8, target(), max_citations=5)
    assert answer.answer == ("Theo kế hoạch của Đak Đoa: Mục tiêu đến năm 2026: Tỷ lệ bao phủ bảo hiểm y tế "
                             "toàn xã đạt trên 95% dân số. [1]")
    # A duty under the agency heading "2. Sở Tài chính".
    duty = unit(tiny_tree, "- Tham mưu UBND thành phố bố trí kinh phí")
    responsibility = QuestionIntent(kind="responsibility")
    assert owner_prefix(duty, responsibility) == "Sở Tài chính: "
    assert owner_prefix(duty, target()) == ""
    # An attribute line names its task (the long item heading, shortened).
    timing = unit(tiny_tree, "Thời gian thực hiện: Thường xuyên.", role="attribute")
    prefix = owner_prefix(timing, QuestionIntent(kind="deadline"))
    assert prefix.startswith("Ban Xây dựng Đảng chủ trì, phối hợp") and prefix.endswith("… — ")
    assert len(prefix) <= 140 + len("… — ")
    # A sentence that states its year needs no heading.
    assert owner_prefix(unit(tiny_tree, HUE_2026), target()) == ""


# --- lists and duties ---------------------------------------------------------------------------------------


def test_list_answer_gives_every_part_of_the_item_each_cited(tiny_tree):
    best = unit(tiny_tree, HUE_2026, role="child")
    answer = compose_list("Huế có những mục tiêu cụ thể nào?", [best], best, (), 0.8, tiny_tree, max_citations=5)
    assert answer.answer == (
        'Theo kế hoạch của Huế, mục "Mục tiêu cụ thể" gồm:\n'
        "- Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026 và đạt 100% trước năm 2030. [1]\n"
        "- 100% các xã, phường duy trì và mở rộng các nhóm tham gia BHYT, không để giảm so với năm trước. [2]")
    second = answer.citations[1]
    assert second.text.startswith("- 100% các xã, phường") and second.section == section_label(
        find(tiny_tree, "- 100% các xã, phường duy trì"))
    assert_cited_verbatim(tiny_tree, answer)


def test_list_answer_is_cut_at_the_citation_limit_and_says_how_many_are_left(tiny_tree):
    best = unit(tiny_tree, HUE_2026, role="child")
    answer = compose_list("?", [best], best, (), 0.8, tiny_tree, max_citations=1)
    assert answer.answer.split("\n")[1:] == [
        "- Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026 và đạt 100% trước năm 2030. [1]",
        "(và 1 ý khác trong cùng mục)"]


def test_no_list_without_a_tree_or_under_a_bare_section(tiny_tree):
    best = unit(tiny_tree, HUE_2026)
    assert compose_list("?", [best], best, (), 0.8, None, max_citations=5) is None
    funding = unit(tiny_tree, "Kinh phí thực hiện Kế hoạch này")  # its parent is section "IV. KINH PHÍ"
    assert compose_list("?", [funding], funding, (), 0.8, tiny_tree, max_citations=5) is None


def _block(tree, head_words: str, name: str, member_words: list[str]) -> AgencyBlock:
    head = tree.scored(find(tree, head_words), 0.03)
    return AgencyBlock(head=head, name=name, members=tuple(tree.scored(find(tree, w), 0.03) for w in member_words))


def test_duties_of_one_agency_in_one_plan(tiny_tree):
    block = _block(tiny_tree, "2. Sở Tài chính", "Sở Tài chính", ["- Tham mưu UBND thành phố bố trí kinh phí"])
    answer = compose_duties("Sở Tài chính Huế có nhiệm vụ gì?", [block], (), 0.9, max_citations=5)
    lines = answer.answer.split("\n")
    assert lines[0] == "Theo kế hoạch của Huế, nhiệm vụ của Sở Tài chính gồm:"
    assert all(line.startswith("- ") and line.endswith(" [1]") for line in lines[1:])
    assert lines[1].startswith("- Tham mưu UBND thành phố bố trí kinh phí")
    assert_cited_verbatim(tiny_tree, answer)


def test_duties_in_two_plans_continue_the_numbering(tiny_tree):
    finance = _block(tiny_tree, "2. Sở Tài chính", "Sở Tài chính", ["- Tham mưu UBND thành phố bố trí kinh phí"])
    party = _block(tiny_tree, "2. Ban Xây dựng Đảng chủ trì", "Ban Xây dựng Đảng",
                   ["2. Ban Xây dựng Đảng chủ trì", "Thời gian thực hiện: Thường xuyên."])
    answer = compose_duties("?", [finance, party], (), 0.9, max_citations=5)
    text = answer.answer
    assert text.startswith("Nhiệm vụ theo từng kế hoạch đã nạp:\n")
    assert "\n**Huế** — Sở Tài chính:\n" in text and "\n**Đak Đoa** — Ban Xây dựng Đảng:\n" in text
    assert text.index("**Huế**") < text.index("**Đak Đoa**")
    assert markers(text) == [1, 2, 3]
    assert text.rstrip().endswith("- Thời gian thực hiện: Thường xuyên. [3]")
    assert_cited_verbatim(tiny_tree, answer)
    short = compose_duties("?", [party], (), 0.9, max_citations=1)
    assert short.answer.endswith("(và 1 ý khác trong cùng mục)") and markers(short.answer) == [1]


# --- comparison ----------------------------------------------------------------------------------------------


def _compare_units(tree) -> list[Unit]:
    return [unit(tree, HUE_2026, p=0.9), unit(tree, NB_2026, p=0.85), unit(tree, NB_2030, p=0.6),
            unit(tree, DD_2026, p=0.8)]


def _table(text: str) -> list[list[str]]:
    rows = [line for line in text.split("\n") if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_comparison_is_a_table_with_one_cited_row_per_locality(tiny_tree):
    compare = QuestionIntent(kind="compare", cues=("cao nhat",), years=("2026",))
    answer = compose_compare("Địa phương nào đặt mục tiêu bao phủ năm 2026 cao nhất?", _compare_units(tiny_tree),
                             (), 0.8, compare, max_citations=5)
    assert answer.answer.startswith("So sánh theo từng địa phương trong các kế hoạch đã nạp:\n")
    table = _table(answer.answer)
    assert table[0] == ["Địa phương", "Nội dung", "Nguồn"] and table[1] == ["---", "---", "---"]
    assert all(len(row) == 3 for row in table)
    assert [row[0] for row in table[2:]] == ["Huế", "Ninh Bình", "Đak Đoa"]  # sorted by name
    assert [row[2] for row in table[2:]] == ["[1]", "[2]", "[3]"]
    # Ninh Bình's row is its most likely sentence (the 2026 figure), not the 2030 one.
    assert table[3][1] == "Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%."
    assert "99,3%" in table[2][1] and "95%" in table[4][1]
    assert answer.answer.endswith("\n\nCao nhất trong các kế hoạch đã nạp: Huế (99,3%).")
    assert [c.locality for c in answer.citations] == ["Huế", "Ninh Bình", "Đak Đoa"]
    assert_cited_verbatim(tiny_tree, answer)


def test_lowest_names_every_locality_sharing_the_figure(tiny_tree):
    compare = QuestionIntent(kind="compare", cues=("thap nhat",), years=("2026",))
    answer = compose_compare("?", _compare_units(tiny_tree), (), 0.8, compare, max_citations=5)
    assert answer.answer.endswith("\n\nThấp nhất trong các kế hoạch đã nạp: Ninh Bình, Đak Đoa (95%).")


def test_comparison_keeps_only_the_named_localities_and_rows_that_cover_the_question(tiny_tree):
    units = _compare_units(tiny_tree)
    named = compose_compare("?", units, (), 0.8, target(years=("2026",)), ("Huế", "Ninh Bình"), max_citations=5)
    assert [row[0] for row in _table(named.answer)[2:]] == ["Huế", "Ninh Bình"]
    assert "Cao nhất" not in named.answer and "Thấp nhất" not in named.answer
    thin = [units[0], units[1], unit(tiny_tree, DD_2026, p=0.2)]
    answer = compose_compare("?", thin, (), 0.8, target(years=("2026",)), max_citations=5)
    assert [row[0] for row in _table(answer.answer)[2:]] == ["Huế", "Ninh Bình"]


def test_comparison_cell_is_an_excerpt_and_the_citation_keeps_the_whole_clause():
    tree = build_tiny_tree()
    closing = tree.add(NINH_BINH, "paragraph", ("p-end",), "Trên đây là Kế hoạch Triển khai", "năm báo cáo)./.",
                       section="Phần kết › đoạn 1")
    report = tree.add(HUE, "paragraph", ("V", "9", "p1"), "Các Sở, ban, ngành và cơ quan liên quan định kỳ",
                      "Thành ủy, Bộ Y tế.", section="Mục V › 9. Chế độ thông tin, báo cáo › đoạn 1")
    long_part = closing.sentence_texts[1]
    units = [Unit(tree.scored(closing, 0.03), long_part, "self", position=1, score=0.9),
             Unit(tree.scored(report, 0.03), report.body, "self", score=0.9)]
    answer = compose_compare("Huế và Ninh Bình báo cáo sơ kết 6 tháng trước ngày nào?", units, (), 0.8,
                             QuestionIntent(kind="deadline"), ("Huế", "Ninh Bình"), max_citations=5,
                             terms=["bao", "cao", "so", "ket", "6", "thang"])
    rows = {row[0]: row[1] for row in _table(answer.answer)[2:]}
    assert len(long_part) > 260
    shown = rows["Ninh Bình"]
    assert shown.startswith("…") or shown.endswith("…")
    assert "sơ kết 6 tháng: trước ngày 05/6" in shown
    assert shown.strip("…") in long_part
    assert rows["Huế"] == report.body  # short enough to be shown whole
    cited = {c.locality: c for c in answer.citations}
    assert cited["Ninh Bình"].text == closing.text and len(cited["Ninh Bình"].text) > len(shown)
    assert (cited["Ninh Bình"].char_start, cited["Ninh Bình"].char_end) == (closing.char_start, closing.char_end)
    assert_cited_verbatim(tree, answer)


def test_stated_percent_is_the_figure_for_the_asked_year(tiny_tree):
    hue = unit(tiny_tree, HUE_2026)
    assert stated_percent(hue, ("2030",)) == 100.0
    assert stated_percent(hue, ("2026",)) == 99.3
    assert stated_percent(hue, ()) == 99.3
    assert stated_percent(hue, ("2025",)) is None
    assert stated_percent(unit(tiny_tree, DD_2026), ("2026",)) == 95.0  # the year comes from its heading


def test_extreme_line_needs_two_figures(tiny_tree):
    rows = [("Huế", unit(tiny_tree, HUE_2026)), ("Ninh Bình", unit(tiny_tree, NB_2026))]
    assert extreme_line(rows[:1], highest=True, years=("2026",)) == ""
    assert extreme_line(rows, highest=False, years=("2026",)) == (
        "\n\nThấp nhất trong các kế hoạch đã nạp: Ninh Bình (95%).")
    assert extreme_line(rows, highest=True, years=("2030",)) == ""  # only Huế states a 2030 figure


# --- abstention ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("reason", "detail", "lead"), [
    ("place", "Hà Nội", "Các kế hoạch đã nạp không có kế hoạch của Hà Nội, nên không trả lời được câu hỏi này."),
    ("amount", "", "Các kế hoạch đã nạp không nêu số tiền cụ thể (đồng) cho nội dung này."),
    ("cited", "số 72-NQ/TW", "Văn bản số 72-NQ/TW chỉ được các kế hoạch nhắc đến theo số hiệu; "
                             "nội dung của văn bản đó không có trong dữ liệu đã nạp."),
    ("current", "", "Các kế hoạch đã nạp chỉ nêu mục tiêu phấn đấu, không nêu số liệu hiện tại cho nội dung này."),
    ("", "", "Các kế hoạch đã nạp không có thông tin để trả lời câu hỏi này."),
])
def test_abstention_says_why_in_vietnamese_and_lists_related_clauses(tiny_tree, reason, detail, lead):
    retrieved = [tiny_tree.scored(find(tiny_tree, w), 0.03 - i / 1000)
                 for i, w in enumerate((NB_2026, HUE_2026, DD_2026, NB_2030))]
    answer = compose_abstention("?", retrieved, tuple(retrieved), 0.1, reason=reason, detail=detail)
    lines = answer.answer.split("\n")
    assert lines[0] == lead
    assert lines[1] == "Các đoạn liên quan gần nhất (không phải câu trả lời):"
    assert lines[2:] == [f"- {s.section} — {s.locality} [{n}]" for n, s in enumerate(retrieved[:3], 1)]
    assert answer.abstained and answer.support == 0.1 and len(answer.citations) == 3
    assert_cited_verbatim(tiny_tree, answer)


def test_abstention_without_related_clauses_is_one_line():
    answer = compose_abstention("?", [], (), 0.0, reason="amount")
    assert answer.answer == "Các kế hoạch đã nạp không nêu số tiền cụ thể (đồng) cho nội dung này."
    assert answer.abstained and answer.citations == ()


def test_every_named_locality_gets_a_row_however_unlikely_its_sentence(tiny_tree):
    units = [unit(tiny_tree, HUE_2026, p=0.9), unit(tiny_tree, DD_2026, p=0.05)]
    answer = compose_compare("?", units, (), 0.8, target(years=("2026",)), ("Huế", "Đak Đoa"), max_citations=5)
    assert [row[0] for row in _table(answer.answer)[2:]] == ["Huế", "Đak Đoa"]
    unnamed = compose_compare("?", units, (), 0.8, target(years=("2026",)), max_citations=5)
    assert [row[0] for row in _table(unnamed.answer)[2:]] == ["Huế"]  # not named: too unlikely to show


def test_a_comparison_row_never_quotes_a_bare_heading(tiny_tree):
    heading = find(tiny_tree, "1. Mục tiêu đến năm 2026")
    units = [Unit(tiny_tree.scored(heading, 0.02), heading.sentence_texts[0], "self", score=0.99),
             unit(tiny_tree, DD_2026, p=0.6), unit(tiny_tree, HUE_2026, p=0.9)]
    answer = compose_compare("?", units, (), 0.8, target(), ("Huế", "Đak Đoa"), max_citations=5)
    rows = {row[0]: row[1] for row in _table(answer.answer)[2:]}
    assert "95%" in rows["Đak Đoa"]


def test_a_task_answering_who_or_when_brings_its_attribute_line(tiny_tree):
    task = unit(tiny_tree, "2. Ban Xây dựng Đảng chủ trì", sentence=1, p=0.9)
    timing = unit(tiny_tree, "Thời gian thực hiện: Thường xuyên.", role="attribute", p=0.2)
    answer = compose_single("Việc đó làm khi nào?", [task, timing], task, (), 0.8, QuestionIntent(kind="deadline"),
                            max_citations=5)
    assert "Thời gian thực hiện: Thường xuyên." in answer.answer and markers(answer.answer) == [1, 2]
    other = compose_single("?", [task, timing], task, (), 0.8, QuestionIntent(kind="other"), max_citations=5)
    assert "Thường xuyên" not in other.answer
