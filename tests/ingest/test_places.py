"""Tests for ingest/places.py: the locality table (provinces, cities, communes, wards) and finding places in text."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest

from ingest.places import (
    ALIASES,
    Locality,
    WrittenPlace,
    find_localities,
    find_places,
    fold_ocr,
    localities,
    lookup_locality,
    place_spelling,
    places_in_question,
    read_place_name,
)


def _labels(question: str, **kwargs) -> list[str]:
    return [m.label for m in places_in_question(question, **kwargs)]


# ------------------------------------------------------------------------------------------ table


def test_table_holds_2025_provinces_their_communes_and_the_provinces_merged_away():
    table = localities()
    provinces = [loc for loc in table if loc.is_province]
    current = [loc for loc in provinces if not loc.merged_into]
    assert len(current) == 34 and len({loc.name for loc in provinces}) == len(provinces) == 64
    assert {loc.level for loc in table} == {"tỉnh", "thành phố", "xã", "phường", "đặc khu"}
    assert len(table) - len(provinces) > 3300
    by_name = {loc.name: loc for loc in provinces}
    assert by_name["Huế"].level == "thành phố" and by_name["Gia Lai"].level == "tỉnh"
    assert by_name["Thừa Thiên Huế"].merged_into == "Huế"
    assert by_name["Bà Rịa - Vũng Tàu"].merged_into == "Hồ Chí Minh"
    assert Locality("Ia Grai", "xã", "Gia Lai") in table
    assert Locality("Thuận Hóa", "phường", "Huế") in table
    # Every commune lies in a 2025 province; names carry no level word.
    current_names = {loc.name for loc in current}
    communes = [loc for loc in table if not loc.is_province]
    assert all(loc.province in current_names for loc in communes)
    assert not any(loc.name.lower().startswith(("xã ", "phường ", "đặc khu ")) for loc in table)


def test_aliases_name_table_provinces():
    names = {loc.name for loc in localities() if loc.is_province}
    assert set(ALIASES.values()) <= names
    assert lookup_locality("Sài Gòn").name == "Hồ Chí Minh"


def test_import_and_first_lookup_are_fast():
    # A fresh interpreter: importing the table module and the first lookup build everything once.
    code = ("import time; t = time.perf_counter(); from ingest.places import lookup_locality, places_in_question; "
            "lookup_locality('Gia Lai'); places_in_question('xã Ia Grai'); print(time.perf_counter() - t)")
    seconds = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert seconds < 0.3


# ----------------------------------------------------------------------------------------- lookup


def test_fold_ocr_undoes_d_read_as_p_at_word_starts_only():
    assert fold_ocr("PONG NAI") == "dong nai"
    assert fold_ocr("Pang uy") == "dang uy"
    assert fold_ocr("phong trào") == "phong trao"  # "ph" is a real onset


def test_a_bare_name_is_a_province_a_commune_needs_its_level_word():
    assert lookup_locality("ĐẮK LẮK") == Locality("Đắk Lắk", "tỉnh", "Đắk Lắk")
    assert lookup_locality("Ia Grai") is None
    assert lookup_locality("xã Ia Grai") == Locality("Ia Grai", "xã", "Gia Lai")
    assert lookup_locality("Ia Grai", communes=True) == Locality("Ia Grai", "xã", "Gia Lai")
    # "Lào Cai" is a province and a ward of it: the level word decides.
    assert lookup_locality("Lào Cai").level == "tỉnh"
    assert lookup_locality("phường Lào Cai") == Locality("Lào Cai", "phường", "Lào Cai")
    assert lookup_locality("tỉnh Ia Grai") is None


def test_a_commune_name_several_provinces_share_needs_its_province():
    assert lookup_locality("xã Tân Phú") is None
    assert lookup_locality("xã Tân Phú", provinces=["Tây Ninh"]).province == "Tây Ninh"
    assert lookup_locality("xã Tân Phú, tỉnh Đồng Nai").province == "Đồng Nai"
    assert lookup_locality("xã Ia Grai, tỉnh Đồng Nai") is None  # Đồng Nai has no xã Ia Grai
    # A province merged away counts as the province it joined (Bình Định is now in Gia Lai).
    assert lookup_locality("Ia Grai", communes=True, provinces=["Bình Định"]).province == "Gia Lai"


def test_read_place_name_splits_level_name_and_province():
    assert read_place_name("xã Ia Grai, tỉnh Gia Lai") == WrittenPlace("ia grai", "xã", "Gia Lai")
    written = read_place_name("TP. Hồ Chí Minh")
    assert (written.key, written.level, written.is_commune) == ("ho chi minh", "thành phố", False)
    assert read_place_name("P. Thuận Hóa").level == "phường" and read_place_name("Đak Đoa").level == ""


def test_dak_and_dak_with_accents_are_one_spelling():
    assert place_spelling("ĐẮK ĐOA") == place_spelling("Đak Đoa") == place_spelling("Đăk Đoa")
    assert place_spelling("Krông Pa") == place_spelling("Krong Pa")
    assert place_spelling("Đồng Nai") != place_spelling("Đông Nai")


# ------------------------------------------------------------------------------------ plan texts


def test_find_localities_most_named_first_on_folded_text():
    text = "tinh Dong Nai ... tinh Lam Dong ... Dong Nai"
    assert [loc.name for loc in find_localities(text, accented=False)] == ["Đồng Nai", "Lâm Đồng"]
    assert find_localities(text) == []  # accented matching wants the accents


def test_plan_text_finds_communes_only_after_their_level_word():
    header = "ĐẢNG BỘ TỈNH GIA LAI\nĐẢNG ỦY XÃ ĐAK ĐOA\n*\nĐak Đoa, ngày 10 tháng 01 năm 2026"
    assert find_localities(header) == [Locality("Gia Lai", "tỉnh", "Gia Lai"), Locality("Đak Đoa", "xã", "Gia Lai")]
    # OCR header: accents lost, "Đ" read as "P".
    assert Locality("Đak Đoa", "xã", "Gia Lai") in find_localities("PANG UY XA PAK POA", accented=False)


def test_a_name_does_not_run_across_punctuation():
    assert find_localities("Kế hoạch thực hiện trong năm. Định kỳ báo cáo", accented=False) == []
    assert [loc.name for loc in find_localities("TỈNH BÀ RỊA - VŨNG TÀU")] == ["Bà Rịa - Vũng Tàu"]
    assert lookup_locality("xã Ea H'leo") == lookup_locality("xã Ea H’leo") == Locality("Ea H’leo", "xã", "Đắk Lắk")


def test_ordinary_plan_wording_names_no_commune():
    body = ("Bảo đảm an sinh xã hội; các xã, phường, đặc khu rà soát đối tượng; thị xã và thành phố thuộc tỉnh "
            "phối hợp; Ủy ban nhân dân cấp xã chủ trì vận động người dân vùng sâu, vùng xa tham gia bảo hiểm y tế.")
    assert find_places(body, accents="exact") == []
    assert find_places(fold_ocr(body), accents="ocr") == []


# -------------------------------------------------------------------------------------- questions


@pytest.mark.parametrize(("question", "expected"), [
    ("Xã Ia Grai đặt chỉ tiêu bao phủ BHYT năm 2026 là bao nhiêu?", ["xã Ia Grai"]),
    ("xa ia grai dat chi tieu bhyt bao nhieu", ["xã Ia Grai"]),
    ("Ở phường Thuận Hóa ai vận động học sinh tham gia BHYT?", ["phường Thuận Hóa"]),
    ("P. Thuận Hóa hỗ trợ mua thẻ BHYT cho ai?", ["phường Thuận Hóa"]),
    ("Đặc khu Phú Quốc có kế hoạch BHYT không?", ["đặc khu Phú Quốc"]),
    ("xã Ia Grai, tỉnh Gia Lai cấp thẻ BHYT cho ai?", ["xã Ia Grai, tỉnh Gia Lai"]),
    ("Xã Tân Phú thuộc Đồng Nai giao việc cho ai?", ["xã Tân Phú, tỉnh Đồng Nai"]),
    ("Tỉnh Lào Cai đặt mục tiêu bao phủ bao nhiêu?", ["Lào Cai"]),
    ("Phường Lào Cai giao việc gì?", ["phường Lào Cai"]),
    ("Phường Đak Đoa giao việc gì?", []),  # Đak Đoa is a xã: this is no place the table knows
    ("Các xã Ninh Bình đạt bao nhiêu phần trăm?", ["Ninh Bình"]),  # no xã is called Ninh Bình
    ("Thừa Thiên Huế có kế hoạch gì?", ["Thừa Thiên Huế"]),
    ("tp hcm ho tro bhyt cho ai", ["Hồ Chí Minh"]),
    ("Đồng Nai và xã Đak Đoa giao việc khác nhau thế nào?", ["Đồng Nai", "xã Đak Đoa"]),
    # A province after a comma that does not hold the commune is a place of its own.
    ("Xã Đak Đoa, Huế và Ninh Bình giao việc khác nhau thế nào?", ["xã Đak Đoa", "Huế", "Ninh Bình"]),
])
def test_places_a_question_names(question, expected):
    assert _labels(question) == expected


def test_the_province_written_with_a_commune_chooses_among_same_name_communes():
    [mention] = places_in_question("Xã Tân Phú, tỉnh Tây Ninh đặt chỉ tiêu BHYT bao nhiêu?")
    assert mention.locality == Locality("Tân Phú", "xã", "Tây Ninh") and mention.province_named
    assert len(mention.candidates) >= 5  # six provinces have a commune or ward "Tân Phú"
    [alone] = places_in_question("Xã Tân Phú đặt chỉ tiêu BHYT bao nhiêu?")
    assert not alone.province_named and alone.label == "xã Tân Phú"


@pytest.mark.parametrize("question", [
    "Tỷ lệ bao phủ bảo hiểm y tế năm 2026 là bao nhiêu?",
    "Nâng cao bằng cách nào chất lượng khám chữa bệnh BHYT?",
    "nang cao bang cach nao chat luong kham chua benh",
    "Các xã, phường phải làm gì để vận động người dân tham gia BHYT?",
    "Có phương án nào hỗ trợ người dân ở vùng xa mua thẻ không?",
    "co phuong an phu hop nao cho nguoi dan vung xa khong",
    "phuong tien thanh toan bhyt dien tu la gi",
    "Bảo hiểm xã hội cấp xã phối hợp với ai?",
    "bao hiem xa hoi tinh phoi hop voi ai",
    "Thị xã và các địa phương nào đạt mục tiêu?",
    "dia phuong nao co muc dong thap nhat",
    "dien bien ty le tham gia bhyt qua cac nam",
    "Chính sách BHYT góp phần giữ vững hòa bình, ổn định xã hội không?",
    "Người dân tộc thiểu số được hỗ trợ bao nhiêu phần trăm mức đóng?",
    "Trạm y tế xã khám chữa bệnh BHYT có được thanh toán không?",
    "Thẻ BHYT của học sinh do ai cấp, bao giờ xong?",
])
def test_ordinary_questions_name_no_place(question):
    assert places_in_question(question) == []


def test_level_words_that_are_ordinary_words_or_another_level():
    # "thị xã" was another level: "Kỳ Anh" here is not the commune of that name.
    assert _labels("Thị xã Kỳ Anh trước đây giao chỉ tiêu gì?") == []
    # Typed without accents, "xa hoi" is "xã hội": the province after it is the place.
    assert _labels("bao hiem xa hoi son la phoi hop voi ai") == ["Sơn La"]
    # "dia phuong" is "địa phương", not a ward: the name after it is the province.
    assert _labels("bhyt o dia phuong hoa binh the nao") == ["Hòa Bình"]


def test_accented_names_must_carry_the_tables_accents():
    assert _labels("hoa huệ nở ở đâu?") == []  # "huệ" is not Huế
    assert _labels("Xã Đak Đoa giao việc gì?") == _labels("XÃ ĐẮK ĐOA GIAO VIỆC GÌ?") == ["xã Đak Đoa"]
    assert _labels("Xã Đắc Đoa giao việc gì?") == []  # another spelling, not one the table knows


def test_an_indexed_plans_commune_counts_by_its_bare_name():
    dak_doa = Locality("Đak Đoa", "xã", "Gia Lai")
    assert _labels("muc tieu cua dak doa nam 2030") == []
    assert _labels("muc tieu cua dak doa nam 2030", known=[dak_doa]) == ["xã Đak Đoa"]
    assert _labels("Đak Đoa giao việc gì?", known=[dak_doa]) == ["xã Đak Đoa"]


def test_an_unknown_accents_mode_is_refused():
    with pytest.raises(ValueError, match="accents"):
        find_places("xã Ia Grai", accents="strict")


def test_nfd_questions_and_offsets():
    question = unicodedata.normalize("NFD", "Ở xã Ia Grai thì sao?")
    [mention] = places_in_question(question)
    text = unicodedata.normalize("NFC", question)
    assert text[mention.start:mention.end] == "xã Ia Grai"
