"""Adapters that turn the real pipeline and the plain recipe into evaluated systems.

- ``hybrid``: the default assistant, ``Assistant.ask`` exactly as users get it.
- ``lexical`` / ``dense``: the same assistant whose retriever is restricted to
  one channel (``channels=("lexical",)`` / ``("dense",)``): same guard,
  comparison handling and extractive answerer.
- ``plain``: the plain LangChain recipe (:mod:`eval.baseline`), over the same
  documents' source texts.
- ``bm25-chunks``, ``hybrid-chunks``, ``bm25-clauses``: fair references, and
  ``top5``, ``echo``, ``contradict``: adversarial controls (:mod:`eval.references`).

The index is loaded once and shared by every system.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer import Answer
from assistant.service import Assistant
from eval.baseline import PlainRecipe
from eval.evidence import EvidenceLocator
from eval.faithfulness import CitedClause, CorrectedReadings
from eval.metrics import RetrievedSpan
from eval.references import ContradictAnswer, EchoQuestion, PasteTopClauses, Unit, reference_systems
from eval.runner import ScoringContext, SystemOutput
from ingest.model import Clause

REFERENCE_NAMES: tuple[str, ...] = ("bm25-chunks", "hybrid-chunks", "bm25-clauses")
CONTROL_NAMES: tuple[str, ...] = ("top5", "echo", "contradict")
SYSTEM_NAMES: tuple[str, ...] = ("hybrid", "lexical", "dense", "plain", *REFERENCE_NAMES, *CONTROL_NAMES)
CHANNELS: dict[str, tuple[str, ...]] = {"hybrid": ("dense", "lexical"), "lexical": ("lexical",),
                                        "dense": ("dense",)}


def output_from_answer(answer: Answer, clause_of: Callable[[str], Clause] | None = None) -> SystemOutput:
    """Convert an assistant ``Answer`` into what the evaluation scores.

    ``clause_of`` (e.g. ``ClauseIndex.clause``) adds each cited clause's headings
    and their repaired readings, which an answer may use as labels.
    """
    retrieved = tuple(RetrievedSpan(s.clause.id, s.clause.doc_id, s.clause.char_start, s.clause.char_end)
                      for s in answer.retrieved)
    citations = []
    for c in answer.citations:
        titles: tuple[str, ...] = (c.section,)
        if clause_of is not None:
            try:
                clause = clause_of(c.id)
                titles += (*clause.titles, *clause.title_readings)
            except KeyError:
                pass
        citations.append(CitedClause(c.n, c.doc_id, c.text, c.char_start, c.char_end, c.reading, titles,
                                     c.locality, id=c.id))
    return SystemOutput(retrieved, answer.answer, answer.abstained, tuple(citations))


@dataclass(frozen=True)
class AnswerSystem:
    """A system defined by a function from a question to an ``Answer``.

    Attributes:
        name: The system's name in reports.
        ask: Question -> ``Answer``.
        clause_of: Clause lookup by id, for the headings faithfulness allows as labels.
    """

    name: str
    ask: Callable[[str], Answer]
    clause_of: Callable[[str], Clause] | None = None
    abstains: bool = True

    def run(self, question: str) -> SystemOutput:
        """Answer ``question`` and convert the result."""
        return output_from_answer(self.ask(question), self.clause_of)


@dataclass(frozen=True)
class PlainSystem:
    """The plain LangChain recipe: retrieval by chunks, the top chunk as the answer, never abstains."""

    recipe: PlainRecipe
    top_k: int = 10
    name: str = "plain"
    abstains: bool = False

    def run(self, question: str) -> SystemOutput:
        """Retrieve chunks and answer with the top one."""
        results = self.recipe.retrieve(question, self.top_k)
        retrieved = tuple(RetrievedSpan(r.chunk.id, r.chunk.doc_id, r.chunk.char_start, r.chunk.char_end)
                          for r in results)
        return SystemOutput(retrieved, self.recipe.answer(results), abstained=False)


@dataclass(frozen=True)
class ChannelRetriever:
    """A retriever restricted to some channels, with the plain ``retrieve(query, top_k, filters)`` call.

    The assistant calls ``retrieve(text, top_k=..., filters=..., localities=...)``; this passes
    ``channels`` on, so lexical-only and dense-only systems go through exactly
    the same guard, comparison handling and answerer as the default one.
    """

    retriever: object
    channels: tuple[str, ...]

    def retrieve(self, query: str, top_k: int | None = None, filters: dict | None = None,
                 localities: Sequence[str] | None = None) -> list:
        """Retrieve with :attr:`channels` only."""
        return self.retriever.retrieve(query, top_k=top_k, filters=filters, channels=self.channels,
                                       localities=localities)


def assistant_systems(assistant, names: Sequence[str]) -> list:
    """Systems over one loaded assistant (see :data:`SYSTEM_NAMES`), in the order named.

    "hybrid" is the assistant itself; "lexical"/"dense" restrict its retriever to
    one channel; "plain" and the references of :mod:`eval.references` run over
    the same documents' source texts (and the same embedder); the controls wrap
    the assistant's own output.
    """
    unknown = [n for n in names if n not in SYSTEM_NAMES]
    if unknown:
        raise ValueError(f"unknown systems {unknown}; known: {', '.join(SYSTEM_NAMES)}")
    index = assistant.index
    hybrid = AnswerSystem("hybrid", assistant.ask, index.clause)
    recipe: PlainRecipe | None = None
    systems: list = []
    for name in names:
        if name in REFERENCE_NAMES + ("plain",) and recipe is None:
            recipe = PlainRecipe({d.doc_id: index.source_text(d.doc_id) for d in index.documents()}, index.embedder)
        if name == "hybrid":
            systems.append(hybrid)
        elif name == "plain":
            systems.append(PlainSystem(recipe))
        elif name in REFERENCE_NAMES:
            clauses = [index.clause_at(row) for row in range(len(index))]
            units = [Unit(c.id, c.doc_id, c.text, c.char_start, c.char_end) for c in clauses]
            systems += reference_systems(recipe, units, [name])
        elif name == "top5":
            systems.append(PasteTopClauses(hybrid, index.source_text))
        elif name == "echo":
            systems.append(EchoQuestion())
        elif name == "contradict":
            systems.append(ContradictAnswer(hybrid))
        else:
            restricted = Assistant(assistant.settings, index=index,
                                   retriever=ChannelRetriever(assistant.retriever, CHANNELS[name]))
            systems.append(AnswerSystem(name, restricted.ask, index.clause))
    return systems


def build_systems(names: Sequence[str], settings) -> tuple[list, ScoringContext]:
    """Load the index once (``settings.index_dir``) and build the named systems.

    Args:
        names: Subset of :data:`SYSTEM_NAMES`, in report order.
        settings: Resolved ``settings.Settings``.

    Returns:
        The systems, and the scoring context over the same index: source texts,
        each document's locality, and the hand-corrected OCR readings.

    Raises:
        index.store.IndexLoadError: The index cannot be opened (Vietnamese message).
    """
    assistant = Assistant(settings)
    return assistant_systems(assistant, names), build_context(assistant)


def build_context(assistant) -> ScoringContext:
    """The scoring context over an assistant's index: source texts, localities, corrected OCR readings."""
    index = assistant.index
    return ScoringContext(EvidenceLocator(index.source_text), {d.doc_id: d.locality for d in index.documents()},
                          CorrectedReadings(index.source_text))
