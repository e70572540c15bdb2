"""Sentence-level reading of answer text: excerpts, figures and the year each figure is for.

Sentence spans, headings, agencies and attribute kinds are recorded at ingest
(:mod:`ingest.structure.annotate`); what is left here is what an answer needs
from a sentence it quotes: how to shorten it around its fact (:func:`excerpt`,
:func:`focus_excerpt`), the patterns of figures, dates and amounts, and which
year a percentage is for (:func:`percent_years`).
"""

from __future__ import annotations

import math
import re

from ingest.structure.roles import last_year
from ingest.structure.sentences import MAX_SENTENCE_CHARS
from ingest.vntext import folded_form

# A figure stated as a target: "đến năm 2026", "phấn đấu", "mục tiêu", "trước năm 2030".
TARGET_WORDING_RE = re.compile(r"(?<!\w)(?:den nam|nam 20\d\d|phan dau|muc tieu|chi tieu|truoc nam|giai doan)(?!\w)")
PERCENT_RE = re.compile(r"\d+(?:[.,]\d+)?\s?%")
NUMBER_RE = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?![\w/])")
# "tỷ/tỉ" is money only when not "tỷ lệ" (rate): "đến năm 2026 tỉ lệ bao phủ" states no amount.
AMOUNT_RE = re.compile(r"\d[\d.,]*\s*(?:đồng|triệu|(?:tỷ|tỉ)(?!\s*lệ)|nghìn|ngàn|vnđ|vnd)\b", re.IGNORECASE)
# Parts of a sentence that state one target: "đạt trên 99,3% năm 2026 và đạt 100% trước năm 2030".
TARGET_PART_RE = re.compile(r"\s+và\s+|[,;]\s+")
DATE_RE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b(?:ngày|trước ngày|tháng|quý|năm)\s+\d{1,4}\b|\b\d{1,2}/\d{4}\b",
                      re.IGNORECASE)
def excerpt(sentence: str, anchor: re.Pattern | None = None, limit: int = MAX_SENTENCE_CHARS) -> str:
    """Cut ``sentence`` to about ``limit`` characters, keeping the part around ``anchor``."""
    if len(sentence) <= limit:
        return sentence
    m = anchor.search(sentence) if anchor else None
    center = m.start() if m else 0
    start = max(0, center - limit // 3)
    end = min(len(sentence), start + limit)
    start = max(0, end - limit)
    if start > 0:
        start = sentence.find(" ", start) + 1
    if end < len(sentence):
        cut = sentence.rfind(" ", start, end)
        end = cut if cut > start else end
    return ("…" if start > 0 else "") + sentence[start:end].strip() + ("…" if end < len(sentence) else "")


def percent_years(sentence: str, context_year: str = "") -> list[tuple[float, str]]:
    """The percentages a sentence states, each with the year it is for.

    A figure belongs to the year in its own part of the sentence ("đạt 100% trước
    năm 2030"), else to the last year named before it ("Năm 2026, tỷ lệ ... 95%"),
    else to ``context_year`` (a heading such as "Mục tiêu đến năm 2026").
    """
    found: list[tuple[float, str]] = []
    year = context_year
    for part in TARGET_PART_RE.split(sentence):
        own = last_year(part)
        for match in PERCENT_RE.finditer(part):
            value = float(match.group(0).rstrip("%").strip().replace(",", "."))
            found.append((value, own or year))
        year = own or year
    return found


def focus_excerpt(sentence: str, terms: list[str], limit: int = MAX_SENTENCE_CHARS) -> str:
    """Like :func:`excerpt`, centred on the part of the sentence that holds most of ``terms``.

    Long plan sentences chain many duties ("...; báo cáo sơ kết 6 tháng: trước ngày 05/6 ...");
    the part about the question is shown, not the sentence's opening.
    """
    if len(sentence) <= limit or not terms:
        return excerpt(sentence, limit=limit)
    wanted = set(terms)
    parts = [(m.start(), set(folded_form(m.group(0)).split()) & wanted) for m in re.finditer(r"[^;,:()]+", sentence)]
    # Words found in many parts ("thực hiện") tell less than words of one part ("6 tháng").
    weight = {t: math.log(1 + len(parts) / (1 + sum(t in found for _, found in parts))) for t in wanted}
    best_start, best_score = 0, 0.0
    for start, found in parts:
        score = sum(weight[t] for t in found)
        if score > best_score:
            best_start, best_score = start, score
    if best_score == 0:
        return excerpt(sentence, limit=limit)
    return excerpt(sentence, re.compile(re.escape(sentence[best_start:best_start + 12])), limit=limit)
