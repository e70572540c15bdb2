"""The plain LangChain recipe: the reference a user would build in an afternoon.

``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200,
add_start_index=True)`` over each plan's NFC text, the same embedder as the
assistant, and an in-memory FAISS ``IndexFlatIP`` (faiss directly; nothing is
pickled or saved). Each chunk keeps ``(doc_id, char_start, char_end)`` so the
evaluation judges its relevance by overlap with the gold evidence, like any
clause. Its "answer" is the text of the top chunk, and it never abstains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import faiss
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from index.embedders import make_embedder
from ingest.model import text_hash
from ingest.vntext import nfc


class PassageEncoder(Protocol):
    """What the recipe needs from an embedder (``index.embedders.Embedder`` has it)."""

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


def default_encoder(spec: str = "e5-small") -> PassageEncoder:
    """The project's embedder for ``spec``."""
    return make_embedder(spec)


@dataclass(frozen=True)
class Chunk:
    """One chunk of a plan, with its span in the plan's NFC text.

    Attributes:
        id: ``<doc_id>:chunk<n>:<hash>``.
        doc_id: Document id.
        text: Verbatim chunk text (``nfc(source)[char_start:char_end]``).
        char_start: Start offset.
        char_end: End offset (exclusive).
    """

    id: str
    doc_id: str
    text: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class ScoredChunk:
    """A retrieved chunk with its cosine score and 1-based rank."""

    chunk: Chunk
    score: float
    rank: int


def split_documents(sources: Mapping[str, str], *, chunk_size: int = 1000,
                    chunk_overlap: int = 200) -> list[Chunk]:
    """Split each document's NFC text the LangChain way, keeping offsets.

    Args:
        sources: Document id -> source text.
        chunk_size: Characters per chunk.
        chunk_overlap: Characters shared by neighbouring chunks.

    Returns:
        Chunks in document order.
    """
    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap,
                                              add_start_index=True)
    chunks: list[Chunk] = []
    for doc_id, raw in sources.items():
        text = nfc(raw)
        for n, piece in enumerate(splitter.create_documents([text])):
            start = int(piece.metadata["start_index"])
            if start < 0:  # the splitter could not place the chunk; find it ourselves
                start = text.find(piece.page_content)
            end = start + len(piece.page_content)
            chunks.append(Chunk(f"{doc_id}:chunk{n}:{text_hash(piece.page_content, 10)}", doc_id,
                                piece.page_content, start, end))
    return chunks


class PlainRecipe:
    """Chunk + embed + FAISS flat inner-product search, nothing else.

    Args:
        sources: Document id -> source text (e.g. ``ClauseIndex.source_text``
            of every document, so ids and offsets match the real index).
        encoder: Embedder with ``encode_passages`` / ``encode_query``; by
            default the project's e5-small.
        chunk_size: Characters per chunk (1000 in the recipe).
        chunk_overlap: Overlap (200 in the recipe).
    """

    def __init__(self, sources: Mapping[str, str], encoder: PassageEncoder | None = None, *,
                 chunk_size: int = 1000, chunk_overlap: int = 200) -> None:
        if not sources:
            raise ValueError("sources must hold at least one document, got none")
        if chunk_size <= 0:
            raise ValueError(f"chunk_size must be > 0, got {chunk_size}")
        if not 0 <= chunk_overlap < chunk_size:
            raise ValueError(f"chunk_overlap must be in [0, chunk_size), got {chunk_overlap}")
        self.encoder = encoder or default_encoder()
        self.chunks: tuple[Chunk, ...] = tuple(split_documents(sources, chunk_size=chunk_size,
                                                               chunk_overlap=chunk_overlap))
        vectors = np.ascontiguousarray(self.encoder.encode_passages([c.text for c in self.chunks]),
                                       dtype="float32")
        faiss.normalize_L2(vectors)
        self._index = faiss.IndexFlatIP(vectors.shape[1])
        self._index.add(vectors)

    def retrieve(self, query: str, top_k: int = 10) -> list[ScoredChunk]:
        """The ``top_k`` chunks most similar to ``query``, best first."""
        if top_k <= 0:
            raise ValueError(f"top_k must be > 0, got {top_k}")
        vector = np.ascontiguousarray(self.encoder.encode_query(nfc(query)), dtype="float32").reshape(1, -1)
        faiss.normalize_L2(vector)
        scores, ids = self._index.search(vector, min(top_k, len(self.chunks)))
        return [ScoredChunk(self.chunks[int(i)], float(s), rank)
                for rank, (s, i) in enumerate(zip(scores[0], ids[0], strict=True), start=1) if i >= 0]

    @staticmethod
    def answer(results: Sequence[ScoredChunk]) -> str:
        """The recipe's answer: the top chunk's text ("" when nothing was retrieved)."""
        return results[0].chunk.text if results else ""
