"""Tests for eval/faithfulness.py on real clauses of the Huế and Đồng Nai plans."""

from __future__ import annotations

from pathlib import Path

from eval.faithfulness import CitedClause, CorrectedReadings, check_answer, faithful_share, reading_accuracy
from ingest.reading.readers import read_source

PLANS = Path(__file__).resolve().parents[2] / "data" / "plans"
HUE_ITEM = "- Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026 và đạt \n\n100% trước năm 2030."
CLAUSE = CitedClause(1, "hue_KH-UBND", HUE_ITEM, 0, len(HUE_ITEM), titles=("2. Mục tiêu cụ thể",), locality="Huế")


def test_verbatim_quotes_with_declared_leads_and_labels_are_faithful():
    answer = ("Theo kế hoạch của Huế:\n- Mục tiêu cụ thể: Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% "
              "năm 2026 và đạt 100% trước năm 2030. [1]\n- Tỷ lệ bao phủ BHYT … đạt 100% trước năm 2030. [1]")
    checks = check_answer(answer, [CLAUSE])
    assert [c.source for c in checks] == ["fixed", "text", "text"]
    assert faithful_share(checks) == 1.0


def test_changed_words_uncited_claims_and_unknown_citations_are_not():
    checks = check_answer("Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 95% năm 2026. [1]\n"
                          "Người dân được miễn phí hoàn toàn.\nCấp thẻ đúng hạn. [7]", [CLAUSE])
    assert [c.faithful for c in checks] == [False, False, False]
    assert faithful_share(checks) == 0.0


def test_the_ocr_reading_is_scored_against_the_hand_corrected_lines():
    doc_id = "dong-nai_646-KH-TU_2026-01-09"
    source = read_source(PLANS / f"{doc_id}.txt").text
    readings = CorrectedReadings({doc_id: source}.__getitem__)
    assert readings.covers(doc_id)
    line = next(i for i, text in enumerate(source.split("\n")) if "52-CT/TW" in text)
    start = sum(len(text) + 1 for text in source.split("\n")[:line])
    end = start + len(source.split("\n")[line])
    reference = readings.reference(doc_id, start, end)
    right = CitedClause(1, doc_id, source[start:end], start, end, reading=reference)
    wrong_reading = reference.replace("Chỉ thị", "Chỉ thì").replace("thực hiện", "thục hiên")
    wrong = CitedClause(1, doc_id, source[start:end], start, end, reading=wrong_reading)
    good = reading_accuracy(check_answer(f"{reference} [1]", [right]), [right], readings)
    bad = reading_accuracy(check_answer(f"{wrong_reading} [1]", [wrong]), [wrong], readings)
    assert good.accuracy == 1.0 and good.syllables > 5
    assert bad.accuracy is not None and bad.accuracy < 1.0 and bad.syllables == good.syllables


def test_a_comparison_row_is_faithful_only_with_the_cited_figure_and_year():
    answer = ("| Địa phương | Chỉ tiêu | Năm | Nguồn |\n|---|---|---|---|\n"
              "| Huế | trên 99,3% | 2026 | [1] |\n| Huế | 100% | 2030 | [1] |\n"
              "| Huế | trên 96% | 2026 | [1] |\n| Huế | trên 99,3% | 2027 | [1] |\n"
              "| Huế | không nêu con số («đạt 100% trước năm 2030») | — | [1] |\n"
              "| Huế | không nêu con số («đạt 98% năm 2030») | — | [1] |")
    checks = check_answer(answer, [CLAUSE])
    assert [c.faithful for c in checks] == [True, True, False, False, True, False]


def test_a_comparison_rows_year_may_come_from_the_clauses_heading():
    item = "- Tỷ lệ bao phủ bảo hiểm y tế toàn xã 98% dân số."
    clause = CitedClause(1, "dak-doa", item, 0, len(item), titles=("2. Mục tiêu đến năm 2030",), locality="Đak Đoa")
    checks = check_answer("| Đak Đoa | 98% | 2030 | [1] |\n| Đak Đoa | 98% | 2026 | [1] |", [clause])
    assert [c.faithful for c in checks] == [True, False]


def test_a_goal_in_words_row_is_faithful_when_its_words_and_year_are_in_the_cited_clause():
    item = "- Đến năm 2030, phấn đấu đạt mục tiêu bao phủ bảo hiểm y tế toàn dân."
    clause = CitedClause(1, "ninh-binh", item, 0, len(item), titles=("2. Mục tiêu cụ thể",), locality="Ninh Bình")
    checks = check_answer("| Ninh Bình | toàn dân (không nêu con số) | 2030 | [1] |\n"
                          "| Ninh Bình | toàn dân (không nêu con số) | 2028 | [1] |\n"
                          "| Ninh Bình | toàn tỉnh (không nêu con số) | 2030 | [1] |", [clause])
    assert [c.faithful for c in checks] == [True, False, False]


def _header(text: str, n: int = 1) -> CitedClause:
    return CitedClause(n, "dong-nai", text, 0, len(text), locality="Đồng Nai", id=f"dong-nai:line{n}")


def test_a_plan_fact_is_faithful_when_the_cited_header_line_states_it():
    line = _header("S646 -KH/TU Dong Nai, ngayl 9thang 01 niam 2026")  # the scanned header, as read
    note = "(theo phần đầu văn bản — thông tin của văn bản, không phải một điều khoản)."
    checks = check_answer(f"Kế hoạch của Ban Thường vụ Tỉnh ủy Đồng Nai có số 646-KH/TU, ban hành ngày "
                          f"09/01/2026 {note} [1]\n"
                          f"Kế hoạch của Ban Thường vụ Tỉnh ủy Đồng Nai có số 647-KH/TU {note} [1]\n"
                          f"Kế hoạch của Ban Thường vụ Tỉnh ủy Đồng Nai ban hành ngày 09/02/2026 {note} [1]", [line])
    assert [c.faithful for c in checks] == [True, False, False]


def test_signer_and_issuing_body_are_faithful_only_from_a_signature_that_states_them():
    signature = _header("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nTrần Hữu Thùy Giang")
    checks = check_answer(
        "Kế hoạch của Huế do Trần Hữu Thùy Giang (Phó chủ tịch) ký, thay mặt Ủy ban nhân dân thành phố Huế "
        "(theo phần ký cuối văn bản). [1]\n"
        "Kế hoạch của Huế do Lê Văn B (Phó chủ tịch) ký (theo phần ký cuối văn bản). [1]\n"
        "Kế hoạch của Huế do Ủy ban nhân dân thành phố Huế ban hành (đây là thông tin của văn bản). [1]\n"
        "Kế hoạch của Huế do Ban Thường vụ Thành ủy Huế ban hành (đây là thông tin của văn bản). [1]", [signature])
    assert [c.faithful for c in checks] == [True, False, True, False]
