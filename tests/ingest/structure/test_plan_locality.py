"""Tests for ingest/structure/plan_locality.py: the choice of the issuing locality (the table: tests/ingest/test_places.py)."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize(
    ("place", "number", "header", "expected"),
    [
        # Party header with and without the province line; the place line bare or with its level word.
        ("Tân Định", "12-KH/ĐU", "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH\nĐẢNG ỦY PHƯỜNG TÂN ĐỊNH",
         IssuingLocality("Tân Định", "Hồ Chí Minh", "phường", "Tân Định")),
        ("phường Tân Định", "12-KH/ĐU", "ĐẢNG ỦY PHƯỜNG TÂN ĐỊNH",
         IssuingLocality("Tân Định", "Hồ Chí Minh", "phường", "Tân Định")),
        # People's committee: "ỦY BAN NHÂN DÂN" over "PHƯỜNG X", or "UBND XÃ X" on one line.
        ("Thuận Hóa", "15/KH-UBND", "ỦY BAN NHÂN DÂN\nPHƯỜNG THUẬN HÓA\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         IssuingLocality("Thuận Hóa", "Huế", "phường", "Thuận Hóa")),
        ("Ia Grai", "15/KH-UBND", "UBND XÃ IA GRAI", IssuingLocality("Ia Grai", "Gia Lai", "xã", "Ia Grai")),
        # Mixed case, a special zone, OCR capitals without accents and "Đ" read as "P".
        ("Ia Grai", "03-KH/ĐU", "Đảng bộ tỉnh Gia Lai\nĐảng ủy xã Ia Grai",
         IssuingLocality("Ia Grai", "Gia Lai", "xã", "Ia Grai")),
        ("Phú Quốc", "03-KH/ĐU", "ĐẢNG ỦY ĐẶC KHU PHÚ QUỐC",
         IssuingLocality("Phú Quốc", "An Giang", "đặc khu", "Phú Quốc")),
        ("Tan Dinh", "12-KH/DU", "PANG UY PHUONG TAN DINH", IssuingLocality("Tân Định", "Hồ Chí Minh", "phường", "Tân Định")),
    ],
)
def test_a_commune_or_ward_plan_is_read_from_its_header(place, number, header, expected):
    assert issuing_locality(place, number, header, "") == expected


def test_the_header_commune_wins_over_a_place_line_naming_its_province():
    # A ward plan dated at its city, and a ward named like its province.
    assert issuing_locality("TP. Hồ Chí Minh", "12-KH/ĐU", "ĐẢNG ỦY PHƯỜNG TÂN ĐỊNH", "") == IssuingLocality(
        "Tân Định", "Hồ Chí Minh", "phường", "Hồ Chí Minh")
    assert issuing_locality("Lào Cai", "12-KH/ĐU", "ĐẢNG BỘ TỈNH LÀO CAI\nĐẢNG ỦY PHƯỜNG LÀO CAI", "") == \
        IssuingLocality("Lào Cai", "Lào Cai", "phường", "Lào Cai")


def test_a_name_several_provinces_share_is_not_guessed():
    # Two provinces have a xã Lao Chải: the header's province chooses, else the province stays unknown.
    assert issuing_locality("Lao Chải", "", "ĐẢNG BỘ TỈNH LÀO CAI\nĐẢNG ỦY XÃ LAO CHẢI", "").province == "Lào Cai"
    assert issuing_locality("Lao Chải", "", "UBND XÃ LAO CHẢI", "") == IssuingLocality("Lao Chải", "", "xã", "Lao Chải")


def test_the_level_of_the_issuing_body_chooses_between_a_commune_and_a_ward():
    # "Tân Định" is a xã of Khánh Hòa and a phường of Hồ Chí Minh: the header's level chooses,
    # or without a header the body's opening ("Ủy ban nhân dân xã ban hành ...").
    assert issuing_locality("Tân Định", "15/KH-UBND", "ỦY BAN NHÂN DÂN\nXÃ TÂN ĐỊNH", "").province == "Khánh Hòa"
    intro = "Ủy ban nhân dân xã ban hành Kế hoạch thực hiện như sau:"
    assert issuing_locality("Tân Định", "15/KH-UBND", "", intro) == IssuingLocality(
        "Tân Định", "Khánh Hòa", "xã", "Tân Định")
    # Two wards of that name ("Bình Minh", Tây Ninh and Vĩnh Long): the province is not guessed.
    assert issuing_locality("Bình Minh", "15/KH-UBND", "UBND PHƯỜNG BÌNH MINH", "").province == ""


def test_a_ward_plan_without_header_is_read_from_its_body():
    # No header, no place line: the body calls its issuer "UBND phường" and names the ward bare.
    body = ("Thực hiện Kế hoạch của Đảng ủy phường, Ủy ban nhân dân phường xây dựng Kế hoạch như sau:\n"
            "Tỷ lệ bao phủ BHYT toàn phường đạt trên 95%.\n"
            "Đề xuất các gói BHYT bổ sung phù hợp với đặc thù đô thị của Tân Định.")
    assert issuing_locality("", "", "", body) == IssuingLocality("Tân Định", "Hồ Chí Minh", "phường", "")
    # Named with its level word in the body, the ward counts too.
    assert issuing_locality("", "", "", "Ủy ban nhân dân phường Tân Định ban hành kế hoạch.").locality == "Tân Định"
    # A bare name in lowercase is an ordinary phrase, not the ward.
    body_lower = body.replace("của Tân Định", "của tân định")
    assert issuing_locality("", "", "", body_lower).locality == ""


def test_a_bare_ward_name_with_a_hyphen_is_read_from_the_body():
    body = "Ủy ban nhân dân phường xây dựng Kế hoạch.\nBáo và Phát thanh, truyền hình Cam Ly - Đà Lạt phối hợp."
    assert issuing_locality("", "", "", body) == IssuingLocality("Cam Ly - Đà Lạt", "Lâm Đồng", "phường", "")


def test_a_provincial_plan_addressing_communes_and_wards_stays_provincial():
    # "UBND xã, phường" are the communes a provincial plan addresses, not its issuer.
    body = ("Ủy ban nhân dân tỉnh ban hành Kế hoạch; UBND xã, phường triển khai trên địa bàn tỉnh Ninh Bình, "
            "học tập mô hình của Ia Grai.")
    assert issuing_locality("", "", "", body) == IssuingLocality("Ninh Bình", "Ninh Bình", "tỉnh", "")
