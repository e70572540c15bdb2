"""Tests for ingest/structure/sidecar.py: where the sidecar lives, how it overrides fields, which warnings it silences."""

from __future__ import annotations

from pathlib import Path

from ingest.model import DocumentMeta
from ingest.structure.sidecar import apply_sidecar, drop_overridden_warnings, sidecar_path

META = DocumentMeta(doc_id="hue_KH-UBND", title="Kế hoạch", number="", issuer="", level="thành phố",
                    locality="Huế", province="Huế", date="", source_path="data/plans/hue_KH-UBND.txt", content_hash="")


def test_sidecar_path_is_next_to_the_file():
    assert sidecar_path("data/plans/hue_KH-UBND.txt") == Path("data/plans/hue_KH-UBND.txt.meta.json")


def test_apply_sidecar_converts_values_and_reports_unknown_keys():
    meta, warnings = apply_sidecar(
        META, {"number": "45-KH/UBND", "recipients": ["Sở Y tế", 3], "damage_score": "0.5", "mau": "xanh"}
    )
    assert meta.number == "45-KH/UBND"
    assert meta.recipients == ("Sở Y tế", "3")
    assert meta.damage_score == 0.5
    assert meta.locality == "Huế"  # untouched
    assert warnings == ["Tệp siêu dữ liệu có trường không được hỗ trợ: 'mau' (bỏ qua)."]
    assert apply_sidecar(META, {"recipients": "Sở Y tế"})[0].recipients == ("Sở Y tế",)


def test_apply_sidecar_normalises_text_to_nfc():
    meta, _ = apply_sidecar(META, {"locality": "Hu\u00ea\u0301"})  # "ê" + combining acute
    assert meta.locality == "Huế"


def test_only_warnings_about_supplied_fields_are_dropped():
    warnings = [
        "Không tìm thấy số văn bản.",
        "Không đọc được ngày ban hành.",
        "Không xác định được địa phương ban hành.",
    ]
    assert drop_overridden_warnings(warnings, {"number"}) == warnings[1:]
    assert drop_overridden_warnings(warnings, {"date", "locality"}) == warnings[:1]
    assert drop_overridden_warnings(warnings, {"title"}) == warnings
