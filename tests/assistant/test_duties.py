"""Tests for assistant/duties.py: the block an agency owns, on real plan clauses."""

from assistant.compose import derive
from assistant.duties import agency_name, find_agency_block, subject_phrase
from tests.assistant.conftest import find


def test_agency_name_of_a_heading_and_of_an_item_that_starts_with_its_agency(tiny_tree):
    assert agency_name(find(tiny_tree, "2. Sở Tài chính")) == ("Sở Tài chính", True)
    name, heading_only = agency_name(find(tiny_tree, "2. Ban Xây dựng Đảng chủ trì"))
    assert (name, heading_only) == ("Ban Xây dựng Đảng", False)  # the name up to its duty verb


def test_a_duty_under_an_agency_heading_names_no_agency_of_its_own(tiny_tree):
    bullet = find(tiny_tree, "- Tham mưu UBND thành phố bố trí kinh phí")
    parent = tiny_tree.clause(bullet.parent_id)
    assert bullet.agency == "Sở Tài chính" and agency_name(bullet, parent) == ("", False)


def test_subject_phrase_drops_place_words_and_contracts_abbreviations():
    # Both sides of a match go through the same normalisation (stopwords such as "tại" dropped).
    assert subject_phrase("ubnd cac xa, phuong o hue", {"hue"}) == subject_phrase("Uỷ ban nhân dân các xã", set())
    assert subject_phrase("so tai chinh o hue va o ninh binh cung", {"hue", "ninh", "binh"}) == "so chinh"
    assert subject_phrase("hue: so y te", {"hue"}) == subject_phrase("Sở Y tế", set())
    assert subject_phrase("so tai chinh", set()) == subject_phrase("Sở Tài chính", set())
    assert "hue" not in subject_phrase("so tai chinh hue", {"hue"})


def test_block_of_the_named_agency_holds_its_bullets(tiny_tree):
    bullet = tiny_tree.scored(find(tiny_tree, "- Tham mưu UBND thành phố bố trí kinh phí"), 0.03)
    other = tiny_tree.scored(find(tiny_tree, "Kinh phí thực hiện Kế hoạch này"), 0.04)
    block = find_agency_block(subject_phrase("so tai chinh", set()), [other, bullet], tiny_tree, derive)
    assert block is not None and block.name == "Sở Tài chính"
    assert [m.clause.text[:40] for m in block.members] == [bullet.clause.text[:40]]
    assert block.members[0].locality == "Huế"


def test_agency_must_open_the_name(tiny_tree, assistant_service):
    # Huế's "1. Sở Y tế" owns a sub-heading "- Chỉ đạo các cơ sở y tế": the answer is the Sở Y tế block.
    answer = assistant_service.ask("Sở Y tế Huế có nhiệm vụ gì?")
    assert answer.answer.splitlines()[0] == "Theo kế hoạch của Huế, nhiệm vụ của Sở Y tế gồm:"
    assert all(c.section.startswith("Mục V › 1. Sở Y tế") for c in answer.citations)


def test_phrase_must_match_in_order_not_as_scattered_words(tiny_tree):
    # "Sở Y tế" must not match a sentence that merely contains "y tế" and "cơ sở".
    scored = [tiny_tree.scored(c, 0.01) for c in tiny_tree.by_id.values()]
    assert find_agency_block(subject_phrase("Sở Y tế", set()), scored, tiny_tree, derive) is None
    assert find_agency_block("", scored, tiny_tree, derive) is None
