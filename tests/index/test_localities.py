"""Tests for index/localities.py."""

import pytest

from index.localities import detect_localities, locality_key, overlapping_locality, overlapping_plans, plans_of
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
    # Communes and wards without a plan name none, even in a province that has one.
    ("Xã Ia Grai đặt chỉ tiêu bao phủ năm 2026 là bao nhiêu?", []),
    ("xa ia grai dat chi tieu bao nhieu", []),
    ("Xã Ia Grai, tỉnh Gia Lai giao việc cho ai?", []),
    ("Ở xã Ia Grai thuộc Gia Lai ai vận động người dân?", []),
    ("Phường Thuận Hóa hỗ trợ học sinh thế nào?", []),  # a ward of Huế is not the city's plan
    ("Phường Đak Đoa giao việc gì?", []),  # Đak Đoa is a xã
    ("Bình Định đặt chỉ tiêu bao nhiêu?", []),  # merged into Gia Lai, but not the Đak Đoa commune
    ("XÃ ĐẮK ĐOA GIAO VIỆC GÌ?", ["Đak Đoa"]),  # Đắk and Đak are one spelling
    ("Tỉnh Gia Lai và xã Ia Grai giao việc gì?", ["Đak Đoa"]),
    ("Người có thẻ BHYT khám ở trạm y tế xã được thanh toán bao nhiêu?", []),
    ("Các địa phương nào giao chỉ tiêu cho xã, phường?", []),
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


def test_a_filter_value_written_as_a_commune_names_only_that_communes_plan():
    ninh_binh, dak_doa = _plan("Ninh Bình", "Ninh Bình"), _plan("Đak Đoa", "Gia Lai")
    plans = [ninh_binh, dak_doa]
    for written in ("xã Đak Đoa", "Dak Doa", "ĐẮK ĐOA", "Đắk Đoa", "xa dak doa", "Xã Đak Đoa, tỉnh Gia Lai"):
        assert plans_of([written], plans) == [dak_doa], written
    assert plans_of(["phường Đak Đoa"], plans) == [] and plans_of(["xã Gia Lai"], plans) == []
    assert plans_of(["xã Đak Đoa, tỉnh Ninh Bình"], plans) == []


def test_a_commune_overlaps_only_its_own_plan():
    hue, dak_doa = _plan("Huế", "Huế"), _plan("Đak Đoa", "Gia Lai")
    assert overlapping_locality("Gia Lai", dak_doa) and overlapping_locality("xã Đak Đoa", dak_doa)
    assert overlapping_locality("xã Đak Đoa, tỉnh Gia Lai", dak_doa)
    assert not overlapping_locality("xã Ia Grai", dak_doa)
    assert not overlapping_locality("xã Ia Grai, tỉnh Gia Lai", dak_doa)
    assert not overlapping_locality("xã Đak Đoa, tỉnh Đồng Nai", dak_doa)
    assert not overlapping_locality("phường Thuận Hóa", hue)


def test_a_plan_of_a_commune_the_table_lacks_is_found_by_its_name():
    # A commune named before 2025 (not in the table), level known from the plan.
    old = _plan("Ia Kha", "Gia Lai")
    assert detect_localities("Thị trấn Ia Kha đặt chỉ tiêu bao nhiêu?", [old]) == ["Ia Kha"]
    assert detect_localities("ia kha dat chi tieu bao nhieu", [old]) == ["Ia Kha"]
    assert plans_of(["xã Ia Kha"], [old]) == [old]


# --- End to end on the five bundled plans (session index of tests/conftest.py; slow) ---------------


def test_a_commune_without_a_plan_is_answered_by_abstention(assistant_service):
    from assistant.intent import read_question

    documents = list(assistant_service.index.documents())
    for question in ("Xã Ia Grai đặt chỉ tiêu bao phủ BHYT năm 2026 là bao nhiêu?",
                     "xa ia grai, tinh gia lai dat chi tieu bhyt nam 2026 bao nhieu"):
        reading = read_question(question, documents)
        assert reading.localities == () and reading.places[0].startswith("xã Ia Grai"), question
        answer = assistant_service.ask(question)
        assert answer.abstained, question
        assert "không có kế hoạch của xã Ia Grai" in answer.answer, answer.answer


def test_the_province_of_a_commune_plan_still_reaches_that_plan(assistant_service):
    from assistant.intent import read_question

    question = "Tỉnh Gia Lai đặt chỉ tiêu bao phủ BHYT năm 2026 là bao nhiêu?"
    reading = read_question(question, list(assistant_service.index.documents()))
    assert reading.localities == ("Đak Đoa",) and reading.places == ("Gia Lai",)
    retrieved = assistant_service.retriever.retrieve(reading.query, localities=reading.localities)
    assert retrieved[0].locality == "Đak Đoa"
    answer = assistant_service.ask(question)
    assert "không có kế hoạch của" not in answer.answer  # no "the plans do not cover Gia Lai"
    assert {c.locality for c in answer.citations} <= {"Đak Đoa"}
    assert {s.locality for s in answer.retrieved[:3]} == {"Đak Đoa"}


def test_the_locality_filter_takes_any_spelling_of_a_commune(assistant_service):
    documents = list(assistant_service.index.documents())
    for written in ("xã Đak Đoa", "Dak Doa", "ĐẮK ĐOA"):
        assert [d.doc_id for d in plans_of([written], documents)] == ["dak-doa-gia-lai_KH-DU_2026"], written


def test_the_indexed_plans_keep_their_locality_level_and_province(assistant_service):
    found = {(d.doc_id, d.locality, d.province, d.level) for d in assistant_service.index.documents()}
    assert found == {
        ("an-giang_KH-TU", "An Giang", "An Giang", "tỉnh"),
        ("dak-doa-gia-lai_KH-DU_2026", "Đak Đoa", "Gia Lai", "xã"),
        ("dong-nai_646-KH-TU_2026-01-09", "Đồng Nai", "Đồng Nai", "tỉnh"),
        ("hue_KH-UBND", "Huế", "Huế", "thành phố"),
        ("ninh-binh_KH-UBND_2026-01", "Ninh Bình", "Ninh Bình", "tỉnh"),
    }


def test_a_province_with_its_own_plan_means_that_plan_not_its_communes():
    # At national scale a province has its own plan beside ~100 communes' plans.
    province, commune = _plan("Lâm Đồng", "Lâm Đồng"), _plan("Di Linh", "Lâm Đồng")
    other = _plan("Đak Đoa", "Gia Lai")
    docs = [commune, province, other]
    assert detect_localities("Tỉnh Lâm Đồng đặt mục tiêu bao phủ năm 2026 là bao nhiêu?", docs) == ["Lâm Đồng"]
    assert detect_localities("lam dong giao viec gi cho bhxh", docs) == ["Lâm Đồng"]
    # Asked about its communes, the province keeps them; a province without a plan still reaches them.
    assert detect_localities("Các xã của tỉnh Lâm Đồng đặt mục tiêu bao nhiêu?", docs) == ["Lâm Đồng", "Di Linh"]
    assert detect_localities("Cấp xã của Lâm Đồng làm gì?", docs) == ["Lâm Đồng", "Di Linh"]
    assert detect_localities("Tỉnh Gia Lai giao việc gì?", docs) == ["Đak Đoa"]
    assert detect_localities("Xã Di Linh và tỉnh Lâm Đồng khác nhau ra sao?", docs) == ["Di Linh", "Lâm Đồng"]


def test_overlapping_plans_of_a_province_with_its_own_plan():
    province, commune, other = _plan("Lâm Đồng", "Lâm Đồng"), _plan("Di Linh", "Lâm Đồng"), _plan("Đak Đoa", "Gia Lai")
    docs = [commune, province, other]
    assert overlapping_plans(["Lâm Đồng", "Gia Lai"], docs) == [province, other]
    assert overlapping_plans(["Lâm Đồng", "xã Di Linh"], docs) == [commune, province]
    assert overlapping_plans(["Lâm Đồng"], [commune, other]) == [commune]  # no plan of its own: its communes
