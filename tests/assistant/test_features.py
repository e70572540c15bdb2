"""Tests for assistant/features.py: what the fitted answer step sees of real sentences."""

from __future__ import annotations

from assistant.features import cites_document

# Ninh Bình's plan (Mục V › 6), as ingest reads it: the resolution is cited without its hyphen.
CITING = ("Chủ trì, phối hợp với các sở, ban, ngành, đoàn thể, Ủy ban nhân dân các xã, phường và các đơn vị liên "
          "quan tuyên truyền phổ biến chính sách, pháp luật về bảo hiểm y tế, mức hỗ trợ đóng cho người tham gia "
          "bảo hiểm y tế theo Nghị quyết số 25/2025/NQHĐND ngày 09/12/2025 của Hội đồng nhân dân tỉnh.")
# Đồng Nai's footnote (OCR text, unrepaired).
FOOTNOTE = "V& thyc hién Chi thi s6 25-CT/TW ngay 25/10/2023 cua Ban Bi thu"


def test_a_sentence_citing_the_asked_document_is_recognised():
    assert cites_document(FOOTNOTE, ("25-CT/TW",))
    assert cites_document(FOOTNOTE, ("25 - CT/TW",))  # spaces as a question may write them
    assert not cites_document(FOOTNOTE, ("52-CT/TW",))
    assert not cites_document(FOOTNOTE, ())


def test_a_number_cited_without_its_hyphen_or_accents_is_the_same_number():
    assert cites_document(CITING, ("25/2025/NQ-HĐND",))
    assert cites_document(CITING, ("25/2025/NQ-HDND",))
    assert not cites_document(CITING, ("26/2025/NQ-HĐND",))
    assert not cites_document(CITING, ("5/2025/NQ-HĐND",))  # not the end of a longer number
