"""The assistant as one object: guard → retrieve → answer, with timings.

``Assistant(settings)`` loads the index once (``index.maintenance.open_index``:
``ClauseIndex.load(index_dir)`` with the configured embedder)
and builds the hybrid retriever; :meth:`Assistant.ask` is what the CLI, the
batch command, the web chat and the evaluation call.
"""

from __future__ import annotations

import time
from dataclasses import replace

from assistant.answer import Answer
from assistant.extractive import ExtractiveAnswerer
from assistant.guard import check_question, clean_text
from assistant.intent import QuestionReading, read_question
from assistant.llm import LLMAnswerer
from assistant.topic import compose_off_topic, load_topic_step, topic_vector
from index.localities import plans_of
from index.maintenance import open_index
from index.retriever import HybridRetriever
from settings import Settings, load_settings

MODES: tuple[str, ...] = ("extractive", "llm")
COMPARE_PER_LOCALITY = 3   # extra clauses fetched per plan for comparison questions


class Assistant:
    """Answers questions about the ingested plans.

    Args:
        settings: Resolved settings (default: defaults + environment).
        index: An opened ``ClauseIndex`` (default: loaded from ``settings.index_dir``).
        retriever: A retriever with ``retrieve(query, top_k, filters)`` (default: ``HybridRetriever``).
        llm: A LangChain chat model for LLM mode (default: ``ChatOpenAI`` from the ``llm_*`` settings).

    Raises:
        ValueError: If ``answer_mode`` is not one of :data:`MODES`.
        index.store.IndexLoadError: If the index directory cannot be opened (Vietnamese message).
    """

    def __init__(self, settings: Settings | None = None, *, index=None, retriever=None, llm=None) -> None:
        self.settings = settings or load_settings()
        if self.settings.answer_mode not in MODES:
            raise ValueError(f"answer_mode must be one of {MODES}, got {self.settings.answer_mode!r}")
        if self.settings.max_question_chars <= 0:
            raise ValueError(f"max_question_chars must be > 0, got {self.settings.max_question_chars}")
        if index is None:
            index = open_index(self.settings)
        self.index = index
        if retriever is None:
            retriever = HybridRetriever(index, self.settings)
        self.retriever = retriever
        self.extractive = ExtractiveAnswerer(self.settings)
        threshold = float(self.settings.off_topic_threshold)
        if not 0 <= threshold <= 1:
            raise ValueError(f"off_topic_threshold must be in [0, 1], got {threshold}")
        self._topic = None
        self._chat_model = llm
        self._llm = None

    @classmethod
    def from_index(cls, index, settings: Settings | None = None) -> Assistant:
        """An assistant over an already opened index (tests, the web app)."""
        return cls(settings, index=index)

    @property
    def topic(self):
        """The fitted topic check (read on first use)."""
        if self._topic is None:
            self._topic = load_topic_step()
        return self._topic

    @property
    def llm(self):
        """The LLM answerer (built on first use)."""
        if self._llm is None:
            self._llm = LLMAnswerer(self.settings, llm=self._chat_model, fallback=self.extractive)
        return self._llm

    def localities(self) -> list[str]:
        """Localities of the ingested plans, in index order."""
        return list(dict.fromkeys(d.locality for d in self.index.documents()))

    def ask(self, question: str, *, locality: str | None = None, top_k: int | None = None,
            mode: str | None = None) -> Answer:
        """Answer ``question`` in Vietnamese with citations.

        Args:
            question: The question as typed (accents optional).
            locality: Only use this locality's plan.
            top_k: Number of fused clauses to retrieve (default setting ``retrieval_top_k``).
            mode: "extractive" or "llm" (default setting ``answer_mode``).

        Returns:
            An :class:`Answer` with ``timings_ms`` {"retrieve", "answer", "total"}.

        Raises:
            ValueError: If ``mode`` is unknown or ``top_k`` is not positive.
        """
        started = time.perf_counter()
        mode = mode or self.settings.answer_mode
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if top_k is not None and top_k <= 0:
            raise ValueError(f"top_k must be > 0, got {top_k}")
        guard = check_question(question, self.settings.max_question_chars)
        if not guard.ok:
            return Answer(question=guard.question, answer=guard.message, abstained=True, mode=mode, refused=True,
                          timings_ms={"retrieve": 0.0, "answer": 0.0, "total": _ms(started)})
        text = guard.question
        matching = sorted({d.locality for d in plans_of([locality], self.index.documents())}) if locality else []
        if locality and not matching:
            known = ", ".join(self.localities())
            # The filter value is untrusted too: echo it cleaned like a question, bounded.
            shown = clean_text(locality[:self.settings.max_question_chars])[0] or "(trống)"
            return Answer(question=text, abstained=True, mode=mode,
                          answer=f"Không có kế hoạch của {shown} trong dữ liệu đã nạp. "
                                 f"Các địa phương hiện có: {known}.",
                          notices=guard.notices, timings_ms={"retrieve": 0.0, "answer": 0.0,
                                                             "total": _ms(started)})
        # "ninh binh", "Tỉnh Ninh Bình" name the plan of Ninh Bình: filter and answer with its own name.
        filters = {"locality": matching} if locality else None
        if len(matching) == 1:
            locality = matching[0]
        reading, retrieved = self._retrieve(text, top_k=top_k, filters=filters, locality=locality)
        after_retrieval = time.perf_counter()
        if mode == "llm":
            answer = self.llm.answer(text, retrieved, self.index, locality=locality, reading=reading)
        else:
            answer = self.extractive.answer(text, retrieved, self.index, locality=locality, reading=reading)
        if answer.abstained and not answer.refused and self._off_topic(text, reading, retrieved):
            answer = compose_off_topic(text, mode=answer.mode, retrieved=answer.retrieved, support=answer.support)
        notices = (*guard.notices, *answer.notices)
        if reading.scoped and not answer.abstained:
            plans = f"{len(self.index.documents()):,}".replace(",", ".")  # Vietnamese thousands: 3.400
            notices += (f"Có {plans} kế hoạch đã nạp; câu trả lời chỉ so sánh {len(reading.localities)} kế hoạch "
                        "có nội dung gần câu hỏi nhất. Chỉ tiêu của mọi kế hoạch: thẻ «Chỉ tiêu các địa phương».",)
        finished = time.perf_counter()
        timings = {"retrieve": (after_retrieval - started) * 1000, "answer": (finished - after_retrieval) * 1000,
                   "total": (finished - started) * 1000}
        return replace(answer, timings_ms=timings, notices=notices)

    def topic_vector(self, question: str) -> list[float]:
        """The topic check's features of ``question`` (for fitting it: ``python -m eval fit-topic``)."""
        text = check_question(question, self.settings.max_question_chars).question
        reading, retrieved = self._retrieve(text)
        return topic_vector(text, reading, retrieved, self.index.vocabulary())

    def _off_topic(self, text: str, reading, retrieved) -> bool:
        """True when an abstaining question is about nothing the plans cover (setting ``off_topic_threshold``)."""
        threshold = float(self.settings.off_topic_threshold)
        if threshold <= 0:
            return False
        vector = topic_vector(text, reading, retrieved, self.index.vocabulary())
        return self.topic.on_topic(vector) < threshold

    def candidates(self, question: str):
        """The extractive step's candidates for ``question`` before any model scores them (for fitting).

        Returns:
            :class:`assistant.extractive.Candidates` (its ``early`` is set when a rule decides first).
        """
        text = check_question(question, self.settings.max_question_chars).question
        reading, retrieved = self._retrieve(text)
        return self.extractive.candidates(text, retrieved, self.index, reading=reading), reading

    def _retrieve(self, text: str, *, top_k: int | None = None, filters: dict | None = None,
                  locality: str | None = None) -> tuple[QuestionReading, list]:
        """Read the question once (intent, places, localities) and retrieve its clauses; comparisons and
        questions naming several plans get every plan's best clauses."""
        reading = read_question(text, list(self.index.documents()))
        retrieved = list(self.retriever.retrieve(reading.query, top_k=top_k, filters=filters,
                                                 localities=reading.localities))
        named = list(reading.localities)
        if not locality and (reading.intent.kind == "compare" or len(named) > 1):
            if len(named) < 2 and len(self.localities()) > int(self.settings.compare_max_plans):
                # Every plan of the nation is no chat answer: the plans whose clauses answer best, named.
                named = list(dict.fromkeys(s.locality for s in retrieved))[:int(self.settings.compare_max_plans)]
                reading = replace(reading, localities=tuple(named), scoped=True)
            retrieved = self._add_per_locality(text, retrieved, named if len(named) > 1 else None, reading.localities)
        return reading, retrieved

    def _add_per_locality(self, text: str, retrieved: list, names: list[str] | None,
                          localities: tuple[str, ...]) -> list:
        """For comparisons, make sure every plan (or every plan named) contributes its best clauses."""
        seen = {s.id for s in retrieved}
        extra = []
        for per_name in self._per_locality(text, names or self.localities(), localities):
            for scored in per_name:
                if scored.id not in seen:
                    seen.add(scored.id)
                    extra.append(scored)
        if not names:
            return retrieved + extra
        # The localities the question names take turns, so each one's best clauses are near the top
        # (a long name repeated in one plan's clauses must not crowd the other plan out).
        queues: dict[str, list] = {}
        for scored in retrieved + extra:
            queues.setdefault(scored.locality, []).append(scored)
        merged = []
        while any(queues.values()):
            for queue in queues.values():
                if queue:
                    merged.append(queue.pop(0))
        return merged


    def _per_locality(self, text: str, names: list[str], localities: tuple[str, ...]) -> list[list]:
        """Each name's best :data:`COMPARE_PER_LOCALITY` clauses, as a retrieval filtered to that name gives them.

        A ``HybridRetriever`` searches once for all the names (``retrieve_per_locality``); another
        retriever is asked once per name.
        """
        each = getattr(self.retriever, "retrieve_per_locality", None)
        if each is not None:
            found = each(text, names, top_k=COMPARE_PER_LOCALITY, localities=localities)
            return [found[name] for name in dict.fromkeys(names)]
        return [self.retriever.retrieve(text, top_k=COMPARE_PER_LOCALITY, filters={"locality": name},
                                        localities=localities) for name in names]


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
