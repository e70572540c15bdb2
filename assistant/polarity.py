"""Yes/no questions: whether one is asked, and whether the quoted sentences say yes or no.

A yes/no question in Vietnamese is built with "có … không", "… không?",
"(có) phải … không", "đúng không", "… chưa?" or "có phải …". When the answer
quotes the plan, it opens with "Có." or "Không." so a reader gets the verdict
first:

- when the question states figures or years (a rate, a year, a count), the verdict is
  "có" only if every one of them is what the quoted sentences (or the year their
  heading gives) state; otherwise "không", and the quote shows what the plan says;
- when it states none, the plan saying it at all is the "có".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.vntext import folded_form

__all__ = ["is_yes_no", "verdict"]

_YES_NO_RE = re.compile(
    r"(?<!\w)(?:co phai|phai khong|dung khong|khong vay|khong a|khong nhi|chua a|chua vay)(?!\w)"
    r"|(?<!\w)co(?!\w).*(?<!\w)(?:khong|chua)\s*\??\s*$"
    r"|(?<!\w)(?:khong|chua)\s*\?\s*$"
)
_FIGURE_RE = re.compile(r"\d+(?:[.,]\d+)?\s?%|(?<!\d)(?:19|20)\d{2}(?!\d)|(?<![\w/])\d+(?:[.,]\d+)?(?![\w/%])")


def is_yes_no(question: str) -> bool:
    """True when ``question`` asks for a yes or a no (accents optional)."""
    return _YES_NO_RE.search(folded_form(question).strip()) is not None


def _figures(text: str) -> set[str]:
    return {" ".join(m.group(0).replace(",", ".").split()).replace(" %", "%") for m in _FIGURE_RE.finditer(text)}


def verdict(question: str, sentences: Sequence[str], years: Sequence[str] = ()) -> str:
    """"Có" or "Không" for a yes/no question answered by ``sentences`` ("" when not a yes/no question).

    Args:
        question: The question as asked.
        sentences: The sentences the answer quotes.
        years: Years their headings give ("Mục tiêu đến năm 2026").
    """
    if not is_yes_no(question):
        return ""
    asked = _figures(question)
    if not asked:
        return "Có"
    stated = set().union(*(_figures(s) for s in sentences), set(years))
    return "Có" if asked <= stated else "Không"
