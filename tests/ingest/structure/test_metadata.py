"""Tests for ingest/structure/metadata.py: header/closing blocks, locality table, sidecar overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.identity import default_doc_id
from ingest.places import find_localities, lookup_locality
from ingest.structure.metadata import extract_metadata
from ingest.structure.sidecar import read_sidecar

PLANS = Path(__file__).resolve().parents[3] / "data" / "plans"


def meta_of(name: str, **kwargs):
    path = PLANS / name
    return extract_metadata(path.read_text(encoding="utf-8"), f"data/plans/{name}", **kwargs)


EXPECTED = {
    "dong-nai_646-KH-TU_2026-01-09.txt": dict(
        number="646-KH/TU", issuer="Ban Thường vụ Tỉnh ủy Đồng Nai", level="tỉnh", locality="Đồng Nai",
        province="Đồng Nai", date="2026-01-09", place="Đồng Nai", signer="Ton Ngoc Hanh",
        signer_title="PHÓ BÍ THƯ THƯỜNG TRỰC",
    ),
    "an-giang_KH-TU.txt": dict(
        number="", issuer="Ban Thường vụ Tỉnh ủy An Giang", level="tỉnh", locality="An Giang",
        province="An Giang", date="", signer="Nguyễn Thanh Nhân", signer_title="PHÓ BÍ THƯ THƯỜNG TRỰC",
    ),
    "ninh-binh_KH-UBND_2026-01.txt": dict(
        number="/KH-UBND", issuer="Ủy ban nhân dân tỉnh Ninh Bình", level="tỉnh", locality="Ninh Bình",
        province="Ninh Bình", date="2026-01", place="Ninh Bình", signer="Hà Lan Anh", signer_title="PHÓ CHỦ TỊCH",
    ),
    "dak-doa-gia-lai_KH-DU_2026.txt": dict(
        number="-KH/ĐU", issuer="Ban Thường vụ Đảng ủy xã Đak Đoa", level="xã", locality="Đak Đoa",
        province="Gia Lai", date="2026", place="Đak Đoa", signer="Lê Anh Hùng", signer_title="PHÓ BÍ THƯ",
    ),
    "hue_KH-UBND.txt": dict(
        number="", issuer="Ủy ban nhân dân thành phố Huế", level="thành phố", locality="Huế", province="Huế",
        date="", signer="Trần Hữu Thùy Giang", signer_title="PHÓ CHỦ TỊCH",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_of_each_plan(name):
    meta = meta_of(name).meta
    for field, value in EXPECTED[name].items():
        assert getattr(meta, field) == value, field
    assert meta.source_path == f"data/plans/{name}"
    assert meta.doc_id == name.removesuffix(".txt")


def test_titles_come_from_the_title_block():
    assert meta_of("an-giang_KH-TU.txt").meta.title == (
        "Kế hoạch thực hiện Chỉ thị số 52-CT/TW, ngày 03/10/2025 của Ban Bí thư Trung ương Đảng "
        "về thực hiện bảo hiểm y tế toàn dân trong giai đoạn mới"
    )
    assert meta_of("ninh-binh_KH-UBND_2026-01.txt").meta.title.endswith("trong giai đoạn mới trên địa bàn tỉnh Ninh Bình")
    assert meta_of("dong-nai_646-KH-TU_2026-01-09.txt").meta.title.startswith("Ke hoach hanh pong thye hién Chi thi")


def test_recipients_are_read_and_wrapped_entries_joined():
    recipients = meta_of("dak-doa-gia-lai_KH-DU_2026.txt").meta.recipients
    assert recipients[0] == "Ban Thường vụ Tỉnh ủy"
    assert "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội xã" in recipients
    assert recipients[-1] == "Lưu Văn phòng Đảng ủy"
    dong_nai = meta_of("dong-nai_646-KH-TU_2026-01-09.txt").meta.recipients
    assert "Ban Bi thu (dé bao céo)" in dong_nai  # the "Đồng kính gửi" list too


def test_body_excludes_header_and_closing():
    path = PLANS / "hue_KH-UBND.txt"
    text = path.read_text(encoding="utf-8")
    result = extract_metadata(text, str(path))
    body = text[result.body_start : result.body_end]
    assert body.startswith("Thực hiện Kế hoạch số 12-KH/ĐU")
    assert body.rstrip().endswith("triển khai thực hiện./.")
    assert "Nơi nhận" not in body and "KẾ HOẠCH" not in body


def test_warnings_in_vietnamese_for_missing_fields():
    warnings = meta_of("an-giang_KH-TU.txt").warnings
    assert "Không tìm thấy số văn bản." in warnings
    assert "Không đọc được ngày ban hành." in warnings
    assert meta_of("dong-nai_646-KH-TU_2026-01-09.txt").warnings == ()
    assert any("2026-01" in w for w in meta_of("ninh-binh_KH-UBND_2026-01.txt").warnings)


def test_locality_lookup_is_accent_and_ocr_tolerant():
    assert lookup_locality("PONG NAI").name == "Đồng Nai"
    assert lookup_locality("Dong Nai").name == "Đồng Nai"
    assert lookup_locality("tỉnh Khánh Hoà").name == "Khánh Hòa"
    assert lookup_locality("Đak Đoa") is None
    assert [loc.name for loc in find_localities("Ủy ban nhân dân tỉnh Thừa Thiên Huế")] == ["Thừa Thiên Huế"]


def test_sidecar_overrides_fields_and_doc_id(tmp_path):
    meta = meta_of("an-giang_KH-TU.txt", sidecar={"doc_id": "an-giang-52", "number": "45-KH/TU", "date": "2025-12-01"})
    assert meta.meta.doc_id == "an-giang-52"
    assert meta.meta.number == "45-KH/TU" and meta.meta.date == "2025-12-01"
    assert not any("số văn bản" in w for w in meta.warnings)
    unknown = meta_of("hue_KH-UBND.txt", sidecar={"colour": "xanh"})
    assert any("colour" in w for w in unknown.warnings)


def test_read_sidecar_reads_json_and_reports_bad_files(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("KẾ HOẠCH\n", encoding="utf-8")
    assert read_sidecar(plan) == (None, "")
    (tmp_path / "plan.txt.meta.json").write_text('{"locality": "Đồng Nai"}', encoding="utf-8")
    assert read_sidecar(plan) == ({"locality": "Đồng Nai"}, "")
    (tmp_path / "plan.txt.meta.json").write_text("{không phải json", encoding="utf-8")
    fields, warning = read_sidecar(plan)
    assert fields is None and "plan.txt.meta.json" in warning


def test_doc_id_is_a_slug_of_the_stem():
    assert default_doc_id("data/plans/hue_KH-UBND.txt") == "hue_KH-UBND"
    assert default_doc_id("/x/Kế hoạch Đồng Nai.docx") == "Ke-hoach-Dong-Nai"


def _dak_doa_under(header: str, signed_for: str = "T/M BAN THƯỜNG VỤ") -> str:
    """The Đak Đoa plan's body and closing under another header, signed for another body."""
    text = (PLANS / "dak-doa-gia-lai_KH-DU_2026.txt").read_text(encoding="utf-8")
    body = text[text.index("KẾ HOẠCH"):]
    return header + body.replace("T/M BAN THƯỜNG VỤ", signed_for)


@pytest.mark.parametrize(
    ("header", "signed_for", "expected"),
    [
        ("ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH\nĐẢNG ỦY PHƯỜNG TÂN ĐỊNH\n*\nSố 12-KH/ĐU      ĐẢNG CỘNG SẢN VIỆT NAM\n"
         "Tân Định, ngày 05 tháng 01 năm 2026\n\n", "T/M BAN THƯỜNG VỤ",
         dict(locality="Tân Định", level="phường", province="Hồ Chí Minh", place="Tân Định",
              issuer="Ban Thường vụ Đảng ủy phường Tân Định", number="12-KH/ĐU", date="2026-01-05")),
        ("ĐẢNG ỦY XÃ IA GRAI      Ia Grai, ngày 05 tháng 01 năm 2026\nSố 03-KH/ĐU\n\n", "T/M ĐẢNG ỦY",
         dict(locality="Ia Grai", level="xã", province="Gia Lai", place="Ia Grai",
              issuer="Đảng ủy xã Ia Grai", date="2026-01-05")),
        ("ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHƯỜNG THUẬN HÓA          Độc lập - Tự do - "
         "Hạnh phúc\nSố: 15/KH-UBND          phường Thuận Hóa, ngày 05 tháng 01 năm 2026\n\n", "TM. ỦY BAN NHÂN DÂN",
         dict(locality="Thuận Hóa", level="phường", province="Huế", place="Thuận Hóa",
              issuer="Ủy ban nhân dân phường Thuận Hóa", number="15/KH-UBND")),
    ],
)
def test_a_commune_or_ward_plan_is_read_like_a_province(header, signed_for, expected):
    meta = extract_metadata(_dak_doa_under(header, signed_for), "x.txt").meta
    assert {field: getattr(meta, field) for field in expected} == expected


def test_a_ward_plan_without_header_is_read_from_its_body():
    # The Huế plan has no header; written by a ward, its body says "UBND phường" and names the ward bare.
    text = (PLANS / "hue_KH-UBND.txt").read_text(encoding="utf-8")
    ward = text.replace("thành phố", "phường").replace("Thành ủy", "Đảng ủy phường").replace("Huế", "Cam Ly - Đà Lạt")
    result = extract_metadata(ward, "x.txt")
    assert (result.meta.locality, result.meta.level, result.meta.province, result.meta.issuer) == (
        "Cam Ly - Đà Lạt", "phường", "Lâm Đồng", "Ủy ban nhân dân phường Cam Ly - Đà Lạt")
    assert "Không xác định được địa phương ban hành." not in result.warnings


def test_an_ocr_title_joined_with_its_continuation_still_ends_the_header():
    # "KE HOACH HANH PONG" run into the lines after it (OCR capitals, no accents): the header is
    # still read and stays out of the body.
    name = "dong-nai_646-KH-TU_2026-01-09.txt"
    text = (PLANS / name).read_text(encoding="utf-8")
    start = text.index("KE HOACH HANH PONG")
    end = text.index("\n\n", start)
    joined = text[:start] + " ".join(text[start:end].split("\n")) + text[end:]
    original, result = meta_of(name), extract_metadata(joined, f"data/plans/{name}")
    for field in ("number", "date", "place", "locality", "issuer", "title"):
        assert getattr(result.meta, field) == getattr(original.meta, field), field
    assert "KH/TU" not in joined[result.body_start:result.body_start + 300]


@pytest.mark.parametrize(("name", "facts"), [
    ("dong-nai_646-KH-TU_2026-01-09.txt", ["number", "date", "signature", "recipients"]),
    ("an-giang_KH-TU.txt", ["signature", "recipients"]),  # no header block: nothing else to cite
    ("hue_KH-UBND.txt", ["signature", "recipients"]),
    ("dak-doa-gia-lai_KH-DU_2026.txt", ["number", "date", "signature", "recipients"]),
])
def test_header_spans_are_the_verbatim_lines_stating_number_date_signature_and_recipients(name, facts):
    text = (PLANS / name).read_text(encoding="utf-8")
    meta = meta_of(name).meta
    assert [s.fact for s in meta.header_spans] == facts
    for span in meta.header_spans:
        assert text[span.start:span.end] == span.text and span.text.strip() == span.text
    assert meta.header_span("signature").text.endswith(meta.signer)
    if meta.header_span("number"):
        assert "KH/" in meta.header_span("number").text


def test_a_sidecar_that_replaces_a_fact_drops_the_line_that_no_longer_states_it():
    meta = meta_of("dong-nai_646-KH-TU_2026-01-09.txt", sidecar={"number": "700-KH/TU", "header_spans": "x"}).meta
    assert [s.fact for s in meta.header_spans] == ["date", "signature", "recipients"]
