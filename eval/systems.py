"""Adapters that turn the real pipeline and the plain recipe into evaluated systems.

- ``hybrid``: the default assistant, ``Assistant.ask`` exactly as users get it.
- ``lexical`` / ``dense``: the same assistant whose retriever is restricted to
  one channel (``channels=("lexical",)`` / ``("dense",)``): same guard,
  comparison handling and extractive answerer.
- ``plain``: the plain LangChain recipe (:mod:`eval.baseline`), over the same
  documents' source texts.

The index is loaded once and shared by every system.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer import Answer
from eval.baseline import PlainRecipe
from eval.metrics import RetrievedSpan
from eval.runner import CitedSpan, SystemOutput

SYSTEM_NAMES: tuple[str, ...] = ("hybrid", "lexical", "dense", "plain")
CHANNELS: dict[str, tuple[str, ...]] = {"hybrid": ("dense", "lexical"), "lexical": ("lexical",),
                                        "dense": ("dense",)}


def output_from_answer(answer: Answer) -> SystemOutput:
    """Convert an assistant ``Answer`` into what the evaluation scores."""
    retrieved = tuple(RetrievedSpan(s.clause.id, s.clause.doc_id, s.clause.char_start, s.clause.char_end)
                      for s in answer.retrieved)
    citations = tuple(CitedSpan(c.n, c.id, c.doc_id, c.text, c.char_start, c.char_end) for c in answer.citations)
    return SystemOutput(retrieved, answer.answer, answer.abstained, citations)


@dataclass(frozen=True)
class AnswerSystem:
    """A system defined by a function from a question to an ``Answer``."""

    name: str
    ask: Callable[[str], Answer]

    def run(self, question: str) -> SystemOutput:
        """Answer ``question`` and convert the result."""
        return output_from_answer(self.ask(question))


@dataclass(frozen=True)
class PlainSystem:
    """The plain LangChain recipe: retrieval by chunks, the top chunk as the answer, never abstains."""

    recipe: PlainRecipe
    top_k: int = 10
    name: str = "plain"

    def run(self, question: str) -> SystemOutput:
        """Retrieve chunks and answer with the top one."""
        results = self.recipe.retrieve(question, self.top_k)
        retrieved = tuple(RetrievedSpan(r.chunk.id, r.chunk.doc_id, r.chunk.char_start, r.chunk.char_end)
                          for r in results)
        return SystemOutput(retrieved, self.recipe.answer(results), abstained=False)


@dataclass(frozen=True)
class ChannelRetriever:
    """A retriever restricted to some channels, with the plain ``retrieve(query, top_k, filters)`` call.

    The assistant calls ``retrieve(text, top_k=..., filters=...)``; this passes
    ``channels`` on, so lexical-only and dense-only systems go through exactly
    the same guard, comparison handling and answerer as the default one.
    """

    retriever: object
    channels: tuple[str, ...]

    def retrieve(self, query: str, top_k: int | None = None, filters: dict | None = None) -> list:
        """Retrieve with :attr:`channels` only."""
        return self.retriever.retrieve(query, top_k=top_k, filters=filters, channels=self.channels)


def assistant_systems(assistant, names: Sequence[str]) -> list:
    """Systems over one loaded assistant: the assistant itself for "hybrid", its
    retriever restricted to one channel for "lexical"/"dense", the plain recipe
    over its documents for "plain" (with the same embedder)."""
    from assistant.service import Assistant

    unknown = [n for n in names if n not in SYSTEM_NAMES]
    if unknown:
        raise ValueError(f"unknown systems {unknown}; known: {', '.join(SYSTEM_NAMES)}")
    index = assistant.index
    systems: list = []
    for name in names:
        if name == "hybrid":
            systems.append(AnswerSystem(name, assistant.ask))
        elif name == "plain":
            sources = {d.doc_id: index.source_text(d.doc_id) for d in index.documents()}
            systems.append(PlainSystem(PlainRecipe(sources, index.embedder)))
        else:
            restricted = Assistant(assistant.settings, index=index,
                                   retriever=ChannelRetriever(assistant.retriever, CHANNELS[name]))
            systems.append(AnswerSystem(name, restricted.ask))
    return systems


def build_systems(names: Sequence[str], settings) -> tuple[list, Callable[[str], str]]:
    """Load the index once (``settings.index_dir``) and build the named systems.

    Args:
        names: Subset of :data:`SYSTEM_NAMES`, in report order.
        settings: Resolved ``assistant.settings.Settings``.

    Returns:
        The systems, and a function giving a document's NFC source text by id
        (from the index), for evidence and citation checks.

    Raises:
        index.store.IndexLoadError: The index cannot be opened (Vietnamese message).
    """
    from assistant.service import Assistant

    assistant = Assistant(settings)
    return assistant_systems(assistant, names), assistant.index.source_text
