"""Reference systems and adversarial controls, scored by the same rules as the assistant.

References (what a competent engineer would build instead; none can abstain,
each answers with its top unit, as the plain recipe does):

- ``plain``: e5 on LangChain's 1000/200 chunks (:mod:`eval.baseline`);
- ``bm25-chunks``: BM25 on the same chunks, accent-folded tokens;
- ``hybrid-chunks``: BM25 + e5 on those chunks fused by weighted reciprocal rank
  (what LangChain's ``EnsembleRetriever`` does, weights 0.5/0.5, c = 60);
- ``bm25-clauses``: the same BM25 on the project's clauses instead of chunks.

Controls (answers that must score clearly below the assistant on the answer
metrics, or the metrics are broken):

- ``top5``: the assistant's top-5 retrieved clauses pasted whole, each cited;
- ``echo``: the question repeated back;
- ``contradict``: the assistant's answer with each percentage and date denied
  in favour of another one ("96%, không phải 95%").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from eval.baseline import PlainRecipe
from eval.faithfulness import CitedClause
from eval.metrics import RetrievedSpan
from eval.runner import System, SystemOutput
from index.tokens import folded_tokens

RRF_C = 60


@dataclass(frozen=True)
class Unit:
    """A retrievable unit (chunk or clause) with its span and text."""

    id: str
    doc_id: str
    text: str
    char_start: int
    char_end: int

    def span(self) -> RetrievedSpan:
        """The unit as the metrics see it."""
        return RetrievedSpan(self.id, self.doc_id, self.char_start, self.char_end)


class Bm25Ranker:
    """Okapi BM25 (bm25s) over accent-folded tokens of ``units``; ties keep unit order."""

    def __init__(self, units: Sequence[Unit]) -> None:
        import bm25s

        if not units:
            raise ValueError("units must hold at least one unit, got none")
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.units = tuple(units)
        self._model = bm25s.BM25()
        self._model.index([folded_tokens(u.text) or [""] for u in self.units], show_progress=False)

    def rank(self, question: str, top_k: int) -> list[int]:
        """Indices of the best ``top_k`` units with a positive score, best first."""
        ids = self._model.get_tokens_ids(folded_tokens(question))
        if not ids:
            return []
        scores = np.asarray(self._model.get_scores_from_ids(ids), dtype=np.float32)
        order = np.lexsort((np.arange(len(scores)), -scores))[:top_k]
        return [int(i) for i in order if scores[i] > 0]


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], weights: Sequence[float],
                           c: int = RRF_C) -> list[int]:
    """Fuse rankings of unit indices: score = sum of weight / (c + rank)."""
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, index in enumerate(ranking, start=1):
            scores[index] = scores.get(index, 0.0) + weight / (c + rank)
    return sorted(scores, key=lambda i: (-scores[i], i))


@dataclass(frozen=True)
class RankedReference:
    """A reference system: rank units, answer with the top one, never abstain."""

    name: str
    units: tuple[Unit, ...]
    rank: Callable[[str, int], list[int]]
    top_k: int = 10
    abstains: bool = False

    def run(self, question: str) -> SystemOutput:
        """Retrieve and answer with the top unit's text."""
        order = self.rank(question, self.top_k)[:self.top_k]
        retrieved = tuple(self.units[i].span() for i in order)
        answer = self.units[order[0]].text if order else ""
        return SystemOutput(retrieved, answer, abstained=False)


def chunk_units(recipe: PlainRecipe) -> tuple[Unit, ...]:
    """The plain recipe's chunks as units (same ids and spans)."""
    return tuple(Unit(c.id, c.doc_id, c.text, c.char_start, c.char_end) for c in recipe.chunks)


def reference_systems(recipe: PlainRecipe, clauses: Sequence[Unit], names: Sequence[str]) -> list[RankedReference]:
    """The named references among ``bm25-chunks``, ``hybrid-chunks``, ``bm25-clauses``."""
    chunks = chunk_units(recipe)
    systems = []
    bm25_chunks = Bm25Ranker(chunks) if {"bm25-chunks", "hybrid-chunks"} & set(names) else None

    def dense(question: str, top_k: int) -> list[int]:
        position = {c.id: i for i, c in enumerate(chunks)}
        return [position[r.chunk.id] for r in recipe.retrieve(question, top_k)]

    for name in names:
        if name == "bm25-chunks":
            systems.append(RankedReference(name, chunks, bm25_chunks.rank))
        elif name == "hybrid-chunks":
            def fused(question: str, top_k: int) -> list[int]:
                return reciprocal_rank_fusion([bm25_chunks.rank(question, top_k), dense(question, top_k)],
                                              [0.5, 0.5])
            systems.append(RankedReference(name, chunks, fused))
        elif name == "bm25-clauses":
            systems.append(RankedReference(name, tuple(clauses), Bm25Ranker(clauses).rank))
        else:
            raise ValueError(f"unknown reference {name!r}")
    return systems


# --- adversarial controls ------------------------------------------------------------------------

@dataclass(frozen=True)
class PasteTopClauses:
    """Control: the base system's top ``k`` retrieved clauses pasted whole, each cited."""

    base: System
    source_text: Callable[[str], str]
    k: int = 5
    name: str = "top5"
    abstains: bool = False

    def run(self, question: str) -> SystemOutput:
        """Paste the base system's top clauses as the answer."""
        output = self.base.run(question)
        top = output.retrieved[:self.k]
        citations = []
        lines = []
        for n, item in enumerate(top, start=1):
            text = self.source_text(item.doc_id)[item.char_start:item.char_end]
            citations.append(CitedClause(n, item.doc_id, text, item.char_start, item.char_end, id=item.id))
            lines.append(f"{' '.join(text.split())} [{n}]")
        return SystemOutput(output.retrieved, "\n".join(lines), False, tuple(citations))


@dataclass(frozen=True)
class EchoQuestion:
    """Control: the question repeated back as the answer."""

    name: str = "echo"
    abstains: bool = False

    def run(self, question: str) -> SystemOutput:
        """Answer with the question itself."""
        return SystemOutput((), question, False)


_PERCENT = re.compile(r"(?<![\d,.])(\d+)(?:,(\d+))?%")
_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d])")


def contradict(answer: str) -> str:
    """Deny every percentage and day/month of ``answer`` in favour of another ("96%, không phải 95%")."""
    def other_percent(match: re.Match) -> str:
        whole = int(match.group(1))
        other = whole - 5 if whole > 5 else whole + 5
        return f"{other}%, không phải {match.group(0)}"

    def other_date(match: re.Match) -> str:
        day = int(match.group(1))
        return f"{day % 28 + 1:02d}/{match.group(2)}, không phải {match.group(0)}"

    return _DATE.sub(other_date, _PERCENT.sub(other_percent, answer))


@dataclass(frozen=True)
class ContradictAnswer:
    """Control: the base system's answer with its figures denied."""

    base: System
    name: str = "contradict"
    abstains: bool = True

    def run(self, question: str) -> SystemOutput:
        """The base answer, contradicted (abstentions kept as they are)."""
        output = self.base.run(question)
        if output.abstained:
            return output
        return SystemOutput(output.retrieved, contradict(output.answer), False, output.citations)
