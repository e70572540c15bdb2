"""Is a question about what the plans cover at all? A fitted check, used only when the answer abstains.

"giá vé máy bay Hà Nội – Sài Gòn" should not be told "không có kế hoạch của Hà Nội": a
Hà Nội plan would not answer it either. When the answer step abstains, this check
decides whether the question is off-topic; if so the reply says what the assistant
covers, with example questions, and lists no "related" clauses. An on-topic question
that abstains keeps its abstention (a place with no plan, a figure not stated…).
Because only abstentions are re-worded, a question wrongly judged off-topic loses no
answer.

The model (``assistant/resources/topic_step.json``, fitted by ``python -m eval fit-topic``
on questions written from the plans alone) reads :data:`TOPIC_FEATURES`, computed from
the retrieval already done and the index's own vocabulary; no word list names the topic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.answer import Answer
from assistant.intent import QuestionReading
from assistant.ranker import FittedModel, read_models
from index.tokens import accented_tokens, folded_tokens
from index.types import ScoredClause
from ingest.vntext import folded_form, is_accentless

TOPIC_STEP_PATH = Path(__file__).resolve().parent / "resources" / "topic_step.json"

TOPIC_FEATURES = (
    "dense_top",       # cosine of the question and its closest clause
    "dense_top3",      # mean cosine of its three closest clauses
    "lexical_top",     # log(1 + best BM25 score)
    "known_share",     # share of the question's words (places left out) that some clause holds
    "known_weight",    # the same, each word weighted by its rarity in the plans (unknown words weigh most)
    "tokens",          # log(1 + number of those words)
    "names_plan",      # 1 when it names an indexed plan's locality, a plan number or the plan itself
)

# Example questions (the web page's buttons, and the reply to an off-topic question): one of each
# kind people ask: a target, who is responsible, near-poor households, a deadline, a comparison,
# and one typed without accents. No run of four words is shared with a question file, and no
# plan's locality is named.
EXAMPLE_QUESTIONS = (
    "Đến hết năm 2026, phần dân số nắm thẻ BHYT phải chiếm bao nhiêu?",
    "Ai vận động bà con mua thẻ BHYT, cơ quan nào phụ trách chính?",
    "Người cận nghèo mua thẻ BHYT được nhà nước giúp đỡ ra sao?",
    "Các sở, ngành nộp bản tổng hợp cả năm trước ngày mấy?",
    "So sánh độ phủ BHYT mà mỗi địa phương nhắm tới năm 2030",
    "tien mua bhyt cho nha ngheo do ai chi tra",
)
OFF_TOPIC_EXAMPLES = 3
OFF_TOPIC_MESSAGE = (
    "Câu hỏi này nằm ngoài phạm vi của trợ lý. Trợ lý chỉ trả lời về các kế hoạch của địa phương thực hiện "
    "Chỉ thị số 52-CT/TW về bảo hiểm y tế (BHYT) toàn dân: chỉ tiêu bao phủ BHYT, cơ quan chịu trách nhiệm, "
    "thời hạn, hỗ trợ đóng BHYT cho người nghèo, cận nghèo, học sinh…, tuyên truyền và giao dịch điện tử."
)


@dataclass(frozen=True)
class TopicStep:
    """The fitted topic model: P(the question is about what the plans cover)."""

    model: FittedModel

    def on_topic(self, vector: Sequence[float]) -> float:
        """P(on topic) for a :func:`topic_vector`."""
        return self.model.probability(vector)


@lru_cache(maxsize=2)
def load_topic_step(path: str | Path = TOPIC_STEP_PATH) -> TopicStep:
    """Read the fitted topic model (cached).

    Raises:
        ValueError: In Vietnamese, when the file is missing, unreadable or fitted on other features.
    """
    models = read_models(path, {"model": TOPIC_FEATURES}, "bước nhận biết câu hỏi ngoài chủ đề",
                         "python -m eval fit-topic")
    return TopicStep(models["model"])


def topic_vector(question: str, reading: QuestionReading, retrieved: Sequence[ScoredClause],
                 vocabulary) -> list[float]:
    """The :data:`TOPIC_FEATURES` of a question, from its reading, its retrieval and the index vocabulary
    (``ClauseIndex.vocabulary()``)."""
    dense = sorted((s.dense_score for s in retrieved if s.dense_score is not None), reverse=True) or [0.0]
    lexical = max((s.lexical_score for s in retrieved if s.lexical_score is not None), default=0.0)
    accentless = is_accentless(question)
    counts = vocabulary.folded if accentless else vocabulary.accented
    place_words = set(folded_form(" ".join(reading.places)).split())
    words = [t for t in (folded_tokens(question) if accentless else accented_tokens(question))
             if not t.isdigit() and not set(folded_form(t).replace("_", " ").split()) <= place_words]
    total = vocabulary.clauses
    weights = [math.log((total + 1) / (counts.get(t, 0) + 0.5)) for t in words]
    known = [t in counts for t in words]
    weight = sum(weights)
    intent = reading.intent
    names_plan = bool(reading.localities or intent.about_plan or intent.doc_numbers)
    return [dense[0], sum(dense[:3]) / len(dense[:3]), math.log1p(max(0.0, lexical)),
            sum(known) / len(words) if words else 0.0,
            sum(w for w, k in zip(weights, known, strict=True) if k) / weight if weight > 0 else 0.0,
            math.log1p(len(words)), float(names_plan)]


def compose_off_topic(question: str, *, mode: str, retrieved: tuple = (), support: float | None = None) -> Answer:
    """The reply to an off-topic question: what the assistant covers, and example questions."""
    examples = "\n".join(f"- {q}" for q in EXAMPLE_QUESTIONS[:OFF_TOPIC_EXAMPLES])
    return Answer(question=question, answer=f"{OFF_TOPIC_MESSAGE}\n\nBạn có thể hỏi, ví dụ:\n{examples}",
                  abstained=True, mode=mode, retrieved=retrieved, support=support, off_topic=True)
