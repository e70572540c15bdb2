"""Tests for ingest/structure/plan_locality.py: the choice of the issuing locality (the table: tests/ingest/test_places.py)."""

from __future__ import annotations

from ingest.structure.plan_locality import IssuingLocality, issuing_locality


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


def test_a_commune_of_the_table_gets_its_level_and_province_from_the_table():
    # An "ĐU" plan whose place line is a ward: the ward, its level and its province.
    assert issuing_locality("Thuận Hóa", "05-KH/ĐU", "ĐẢNG BỘ THÀNH PHỐ HUẾ", "") == IssuingLocality(
        "Thuận Hóa", "Huế", "phường", "Thuận Hóa")
    # A name six provinces share is resolved by the province of the header.
    assert issuing_locality("Tân Phú", "-KH/ĐU", "ĐẢNG BỘ TỈNH ĐỒNG NAI", "") == IssuingLocality(
        "Tân Phú", "Đồng Nai", "xã", "Tân Phú")
    # An older header names the province before the merger: it stays the plan's province.
    assert issuing_locality("Ia Grai", "-KH/ĐU", "ĐẢNG BỘ TỈNH BÌNH ĐỊNH", "").province == "Bình Định"


def test_a_header_naming_the_commune_decides_without_a_place_line():
    header = "ĐẢNG BỘ TỈNH GIA LAI\nĐẢNG ỦY XÃ IA GRAI"
    assert issuing_locality("", "", header, "") == IssuingLocality("Ia Grai", "Gia Lai", "xã", "")


def test_a_provincial_plan_dated_at_a_ward_stays_provincial():
    # Tỉnh ủy plans are often dated at the provincial seat, itself a ward ("Pleiku").
    assert issuing_locality("Pleiku", "12-KH/TU", "TỈNH ỦY GIA LAI", "") == IssuingLocality(
        "Gia Lai", "Gia Lai", "tỉnh", "Pleiku")
