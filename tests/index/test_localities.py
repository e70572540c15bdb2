"""Tests for index/localities.py."""

import pytest

from index.localities import detect_localities, locality_key, overlapping_locality, plans_of
from ingest.model import DocumentMeta
from tests.index.conftest import MINI_CORPUS, make_document

DOCS = [make_document(d).meta for d in MINI_CORPUS]


@pytest.mark.parametrize(("question", "expected"), [
    ("Ở Huế, Sở Tài chính làm gì?", ["Huế"]),
    ("o hue so tai chinh lam gi", ["Huế"]),
    ("Mục tiêu của xã Đak Đoa đến năm 2030?", ["Đak Đoa"]),
    ("muc tieu cua dak doa", ["Đak Đoa"]),
    ("tỉnh Ninh Bình và tỉnh Đồng Nai giao việc gì?", ["Ninh Bình", "Đồng Nai"]),
    ("dong nai dat bao nhieu phan tram", ["Đồng Nai"]),
    ("Kế hoạch của tỉnh Gia Lai", ["Đak Đoa"]),
    ("Tỷ lệ bao phủ bảo hiểm y tế năm 2026?", []),
    ("hoa huệ và dongnai", []),  # "huệ" is not "Huế"; names need word boundaries
])
def test_detect_localities(question, expected):
    assert detect_localities(question, DOCS) == expected


def test_nfd_question():
    import unicodedata

    assert detect_localities(unicodedata.normalize("NFD", "Ở Huế"), DOCS) == ["Huế"]


def _plan(locality: str, province: str) -> DocumentMeta:
    return DocumentMeta(doc_id="x", title="Kế hoạch", number="", issuer="", level="xã" if locality != province else "tỉnh",
                        locality=locality, province=province, date="", source_path="x.txt", content_hash="0")


def test_a_filter_value_names_a_plan_however_it_is_written():
    ninh_binh, dak_doa = _plan("Ninh Bình", "Ninh Bình"), _plan("Đak Đoa", "Gia Lai")
    for written in ("Ninh Bình", "ninh binh", "Tỉnh Ninh Bình", "TINH  NINH BINH"):
        assert plans_of([written], [ninh_binh, dak_doa]) == [ninh_binh], written
    assert plans_of(["xã Đak Đoa"], [ninh_binh, dak_doa]) == [dak_doa] == plans_of(["gia lai"], [ninh_binh, dak_doa])
    assert plans_of(["Ninh"], [ninh_binh]) == [] and plans_of([""], [ninh_binh]) == []
    assert plans_of(["Huế", "ninh binh"], [ninh_binh, dak_doa]) == [ninh_binh]
    assert locality_key("Thành phố Huế") == "hue" and locality_key("Bà Rịa - Vũng Tàu") == "ba ria vung tau"


def test_overlapping_places_contain_one_another():
    hue = _plan("Huế", "Huế")
    assert overlapping_locality("Thừa Thiên Huế", hue) and overlapping_locality("TP Huế", hue)
    assert not overlapping_locality("Hà Nội", hue)
