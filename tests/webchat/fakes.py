"""A small fake answering service and catalog over the real Ninh Bình plan.

Used by the web chat's unit tests, so the UI can be tested without building an
index. Citations are real: their text is the exact slice of the plan's NFC
source at their offsets.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer import Answer, Citation
from assistant.guard import check_question
from ingest.model import Clause, DocumentMeta, text_hash
from ingest.pipeline import parse_text
from ingest.targets import Target, extract_targets
from ingest.vntext import fold_diacritics, nfc
from settings import SETTINGS_BY_NAME

PLANS = Path(__file__).resolve().parents[2] / "data" / "plans"
NINH_BINH_FILE = PLANS / "ninh-binh_KH-UBND_2026-01.txt"
NINH_BINH_ID = "ninh-binh_KH-UBND_2026-01"
TARGET_CLAUSE = "- Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%."
RELATED_CLAUSE = "- Đến năm 2030, phấn đấu đạt mục tiêu bao phủ bảo hiểm y tế toàn dân."
SECTION = "Mục II › 2. Mục tiêu cụ thể › ý 1"


def ninh_binh_source() -> str:
    """The NFC text of the Ninh Bình plan (what citation offsets refer to)."""
    return nfc(NINH_BINH_FILE.read_text(encoding="utf-8"))


def citation_for(n: int, clause_text: str, section: str = SECTION) -> Citation:
    """A citation of ``clause_text`` in the Ninh Bình plan, with its real offsets."""
    source = ninh_binh_source()
    start = source.index(clause_text)
    return Citation(n=n, id=f"{NINH_BINH_ID}:II.2.{n}:{text_hash(clause_text, 10)}", doc_id=NINH_BINH_ID,
                    doc_title="Kế hoạch triển khai thực hiện Chỉ thị số 52-CT/TW trên địa bàn tỉnh Ninh Bình",
                    locality="Ninh Bình", section=section, text=clause_text, char_start=start,
                    char_end=start + len(clause_text), score=0.03)


def ninh_binh_meta() -> DocumentMeta:
    """Metadata of the Ninh Bình plan as ingest would give it."""
    return DocumentMeta(doc_id=NINH_BINH_ID, title="Kế hoạch triển khai thực hiện Chỉ thị số 52-CT/TW",
                        number="", issuer="Ủy ban nhân dân tỉnh Ninh Bình", level="tỉnh", locality="Ninh Bình",
                        province="Ninh Bình", date="01/2026", source_path=str(NINH_BINH_FILE),
                        content_hash=text_hash(ninh_binh_source(), 64))


def hue_meta() -> DocumentMeta:
    """Metadata of a second plan, so the locality filter has a choice."""
    return DocumentMeta(doc_id="hue_KH-UBND", title="Kế hoạch triển khai thực hiện Kế hoạch số 12-KH/ĐU",
                        number="", issuer="Ủy ban nhân dân thành phố Huế", level="thành phố", locality="Huế",
                        province="Huế", date="2026-01-09", source_path=str(PLANS / "hue_KH-UBND.txt"),
                        content_hash="0" * 64)


class FakeCatalog:
    """Two plans' metadata; only the Ninh Bình source text is served."""

    def documents(self) -> list[DocumentMeta]:
        return [ninh_binh_meta(), hue_meta()]

    def source_text(self, doc_id: str) -> str:
        if doc_id != NINH_BINH_ID:
            raise KeyError(doc_id)
        return ninh_binh_source()

    def _parsed(self):
        return parse_text(ninh_binh_source(), str(NINH_BINH_FILE), doc_id=NINH_BINH_ID)

    def targets(self) -> list[tuple[DocumentMeta, Target]]:
        """The Ninh Bình plan's real targets (read as ingest reads them), under the fake's metadata."""
        parsed = self._parsed()
        return [(ninh_binh_meta(), t) for t in extract_targets(parsed.meta, parsed.clauses)]

    def clause(self, clause_id: str) -> Clause:
        return next(c for c in self._parsed().clauses if c.id == clause_id)

    def first_section_start(self, doc_id: str) -> int | None:
        return None


@dataclass
class FakeAssistant:
    """Answers the Ninh Bình 2026 target question; abstains on anything else.

    A question containing "boom" raises, to exercise the error path. Every call's
    keyword arguments are recorded in ``calls``.
    """

    calls: list[dict] = field(default_factory=list)

    def ask(self, question: str, *, locality: str | None = None, top_k: int | None = None,
            mode: str | None = None) -> Answer:
        self.calls.append({"question": question, "locality": locality, "top_k": top_k, "mode": mode})
        checked = check_question(question, SETTINGS_BY_NAME["max_question_chars"].default)  # as the real service does, first
        if not checked.ok:
            self.calls[-1]["refused"] = True  # refused before any search
            return Answer(question=checked.question, answer=checked.message, abstained=True,
                          mode=mode or "extractive", refused=True)
        question = checked.question
        if "boom" in question:
            raise RuntimeError("index unavailable")
        folded = fold_diacritics(question).lower()
        if "bao phu" in folded and "2026" in folded:
            return Answer(question=question, mode=mode or "extractive", abstained=False, notices=checked.notices,
                          answer="Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế của tỉnh Ninh Bình đạt trên 95% [1].",
                          citations=(citation_for(1, TARGET_CLAUSE),))
        return Answer(question=question, mode=mode or "extractive", abstained=True, notices=checked.notices,
                      answer="Các kế hoạch đã nạp không có thông tin để trả lời câu hỏi này.",
                      citations=(citation_for(1, RELATED_CLAUSE),))


class GatedAssistant(FakeAssistant):
    """The fake service, holding each answer until ``gate`` opens (at most 60 s)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def ask(self, question, **kwargs):
        self.gate.wait(60)
        return super().ask(question, **kwargs)
