"""Tests for ingest/structure/closing_block.py: where the closing block starts, recipients, signer, issuing body."""

from __future__ import annotations

import pytest

from ingest.structure.closing_block import (
    find_closing_start,
    issuer_name,
    read_organisation,
    read_recipients,
    read_signer,
)
from ingest.structure.lines import physical_lines

# The end of the Huế plan, shortened.
PLAN_END = (
    "V. TỔ CHỨC THỰC HIỆN\n"
    "Nơi nhận trong năm: các sở báo cáo về UBND thành phố.\n"
    "Đề nghị các Sở, ban, ngành triển khai thực hiện./.\n"
    "Nơi nhận:\n"
    "- Ban Thường vụ Thành ủy; (để b/c)\n"
    "- Các đơn vị có tên tại mục V;\n"
    "- Mặt trận Tổ quốc và các tổ chức\n"
    " chính trị - xã hội,\n"
    "- Lưu: VT, XH.\n"
    "TM. ỦY BAN NHÂN DÂN\n"
    "KT. CHỦ TỊCH\n"
    "PHÓ CHỦ TỊCH\n"
    "\n"
    "Trần Hữu Thùy Giang\n"
)


def test_closing_block_starts_at_the_recipients_after_the_last_section():
    lines = physical_lines(PLAN_END)
    start = find_closing_start(lines, 0)
    assert lines[start].text == "Nơi nhận:"
    assert find_closing_start(physical_lines("I. MỤC TIÊU\nNội dung.\n"), 0) == 3  # none: len(lines)


def test_recipients_join_wrapped_entries_and_stop_at_the_signature():
    assert read_recipients(physical_lines(PLAN_END)) == (
        "Ban Thường vụ Thành ủy; (để b/c)",
        "Các đơn vị có tên tại mục V",
        "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội",
        "Lưu: VT, XH",
    )


def test_signer_name_and_title():
    assert read_signer(physical_lines(PLAN_END)) == ("Trần Hữu Thùy Giang", "PHÓ CHỦ TỊCH")
    assert read_signer(physical_lines("T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ THƯỜNG TRỰC\n(đã ký)")) == (
        "",
        "PHÓ BÍ THƯ THƯỜNG TRỰC",
    )


@pytest.mark.parametrize(
    ("closing", "number", "header", "organisation"),
    [
        ("T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ", "", "", "party"),
        ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "", "", "government"),
        ("", "/KH-UBND", "", "government"),
        ("", "646-KH/TU", "", "party"),
        ("", "", "PANG UY XA DAK DOA", "party"),  # OCR "Đ" read as "P"
        ("", "", "SỞ Y TẾ", ""),
    ],
)
def test_read_organisation(closing, number, header, organisation):
    assert read_organisation(closing, number, header) == organisation


def test_issuer_name_by_organisation_and_level():
    assert issuer_name("party", "tỉnh", "An Giang") == "Ban Thường vụ Tỉnh ủy An Giang"
    assert issuer_name("party", "xã", "Đak Đoa") == "Ban Thường vụ Đảng ủy xã Đak Đoa"
    assert issuer_name("government", "thành phố", "Huế") == "Ủy ban nhân dân thành phố Huế"
    assert issuer_name("", "tỉnh", "Huế") == ""
    assert issuer_name("party", "", "") == ""


@pytest.mark.parametrize(
    ("closing", "organisation"),
    [
        ("T/M ĐẢNG ỦY\nBÍ THƯ", "party_committee"),
        ("TM. TỈNH ỦY\nBÍ THƯ", "party_committee"),
        ("T/M BAN THƯỜNG VỤ\nBÍ THƯ", "party"),
    ],
)
def test_the_whole_committee_signing_is_told_from_its_standing_committee(closing, organisation):
    assert read_organisation(closing, "12-KH/ĐU", "") == organisation


def test_issuer_name_of_communes_wards_and_special_zones():
    assert issuer_name("party", "phường", "Tân Định") == "Ban Thường vụ Đảng ủy phường Tân Định"
    assert issuer_name("party_committee", "xã", "Ia Grai") == "Đảng ủy xã Ia Grai"
    assert issuer_name("party", "đặc khu", "Phú Quốc") == "Ban Thường vụ Đảng ủy đặc khu Phú Quốc"
    assert issuer_name("government", "phường", "Tân Định") == "Ủy ban nhân dân phường Tân Định"
    assert issuer_name("party_committee", "tỉnh", "Gia Lai") == "Tỉnh ủy Gia Lai"
    # Without a level the body cannot be named.
    assert issuer_name("party", "", "Tân Định") == ""
