"""Tests for assistant/commands/render.py: the terminal view of an answer."""

from assistant.answer import Answer, Citation
from assistant.commands.render import render_answer


def citation(n, reading=""):
    return Citation(n=n, id=f"c{n}", doc_id="hue_KH-UBND", doc_title="Kế hoạch của Huế", locality="Huế",
                    section="Mục V › 2. Sở Tài chính › ý 1", text="- Tham mưu UBND thành phố bố trí kinh phí",
                    char_start=10, char_end=50, score=0.03, reading=reading)


def test_answer_then_numbered_sources_with_quotes():
    text = render_answer(Answer(question="q", answer="Sở Tài chính [1]", abstained=False, mode="extractive",
                                citations=(citation(1),), timings_ms={"total": 12.0}), show_timings=True)
    lines = text.splitlines()
    assert lines[0] == "Sở Tài chính [1]"
    assert "Nguồn:" in lines and "[1] Mục V › 2. Sở Tài chính › ý 1 — Huế" in lines
    assert "    «- Tham mưu UBND thành phố bố trí kinh phí»" in lines
    assert lines[-1] == "Thời gian: total 12.0 ms"


def test_abstention_and_ocr_reading_are_labelled():
    text = render_answer(Answer(question="q", answer="Không có.", abstained=True, mode="extractive",
                                citations=(citation(1, reading="Tham mưu bố trí"),), notices=("Chú ý",)))
    assert text.startswith("⚠ Không tìm thấy câu trả lời")
    assert "Đoạn liên quan:" in text and "Nguồn:" not in text
    assert "Văn bản gốc (OCR):" in text and "Đọc lại có dấu:" in text and "ℹ Chú ý" in text
