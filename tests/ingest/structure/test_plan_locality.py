"""Tests for ingest/structure/plan_locality.py: the locality table and the choice of the issuing locality."""

from __future__ import annotations

from ingest.places import LOCALITIES, find_localities, fold_ocr
from ingest.structure.plan_locality import IssuingLocality, issuing_locality


def test_table_holds_cities_and_provinces_once():
    names = [loc.name for loc in LOCALITIES]
    assert len(names) == len(set(names))
    assert {loc.level for loc in LOCALITIES} == {"tỉnh", "thành phố"}
    assert next(loc for loc in LOCALITIES if loc.name == "Huế").level == "thành phố"


def test_fold_ocr_undoes_d_read_as_p_at_word_starts_only():
    assert fold_ocr("PONG NAI") == "dong nai"
    assert fold_ocr("Pang uy") == "dang uy"
    assert fold_ocr("phong trào") == "phong trao"  # "ph" is a real onset


def test_find_localities_most_named_first_on_folded_text():
    text = "tinh Dong Nai ... tinh Lam Dong ... Dong Nai"
    assert [loc.name for loc in find_localities(text, accented=False)] == ["Đồng Nai", "Lâm Đồng"]
    assert find_localities(text) == []  # accented matching wants the accents


def test_place_line_wins_when_it_is_a_table_locality():
    assert issuing_locality("PONG NAI", "646-KH/TU", "TINH UY DONG NAI", "") == IssuingLocality(
        "Đồng Nai", "Đồng Nai", "tỉnh", "Đồng Nai"
    )


def test_commune_takes_its_province_from_the_header_or_else_the_body():
    header = "ĐẢNG BỘ TỈNH GIA LAI\nĐẢNG ỦY XÃ ĐAK ĐOA"
    assert issuing_locality("Đak Đoa", "-KH/ĐU", header, "") == IssuingLocality("Đak Đoa", "Gia Lai", "xã", "Đak Đoa")
    body = "Ban Thường vụ Đảng ủy xã ban hành kế hoạch trên địa bàn tỉnh Gia Lai."
    assert issuing_locality("Đak Đoa", "", "", body) == IssuingLocality("Đak Đoa", "Gia Lai", "xã", "Đak Đoa")


def test_without_a_place_line_the_header_then_the_body_decides():
    assert issuing_locality("", "", "UBND THÀNH PHỐ HUẾ", "") == IssuingLocality("Huế", "Huế", "thành phố", "")
    body = "Thực hiện Chỉ thị, Ban Thường vụ Tỉnh ủy An Giang ban hành kế hoạch."
    assert issuing_locality("", "", "", body) == IssuingLocality("An Giang", "An Giang", "tỉnh", "")
    assert issuing_locality("Nơi khác", "", "", "") == IssuingLocality("", "", "", "Nơi khác")
