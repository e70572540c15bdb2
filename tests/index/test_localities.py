"""Tests for index/localities.py."""

import pytest

from index.localities import detect_localities
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
