"""The cluster behind ``--executor dask``: a Dask distributed scheduler and its workers.

A thin session over ``distributed.Client`` for ``index/cluster_ingest.py``:
connect (or say in Vietnamese why not), submit tasks, wait for some to finish,
fetch results, and turn every way a cluster fails (unreachable scheduler, no
worker left, a worker lost mid-task, a task that raised) into a
:class:`ClusterError` with a Vietnamese message instead of a traceback.
Tasks are retried on another worker when theirs is lost (Dask's
``allowed-failures``); a task that lost three workers is reported.
"""

from __future__ import annotations

import time
from concurrent.futures import CancelledError
from typing import Any

from index.cluster_ingest import ClusterError

__all__ = ["DaskSession"]

# How long one wait for finished tasks lasts before the driver looks at the cluster again.
_POLL_S = 0.5


class DaskSession:
    """A connection to a Dask scheduler for one ingest; a context manager that always closes it.

    Args:
        address: Scheduler address ("tcp://127.0.0.1:8786").
        connect_timeout: Seconds to wait for the scheduler, and then for a first worker.
        worker_grace: Seconds the cluster may have no worker while tasks wait.
    """

    def __init__(self, address: str, connect_timeout: float, worker_grace: float) -> None:
        self.address = address
        self.connect_timeout = connect_timeout
        self.worker_grace = worker_grace
        self.initial_workers = 0
        self._client: Any = None
        self._workerless_since: float | None = None

    def __enter__(self) -> DaskSession:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ClusterError("Chưa cài Dask distributed cho --executor dask. Chạy: pip install -e '.[cluster]'") \
                from exc
        try:
            self._client = Client(self.address, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(
                f"Không kết nối được bộ điều phối cụm máy tại '{self.address}' sau {self.connect_timeout:g} giây "
                f"({type(exc).__name__}). Hãy kiểm tra địa chỉ (ví dụ tcp://127.0.0.1:8786) và rằng "
                "'dask scheduler' đang chạy; chỉ mục không bị thay đổi.") from exc
        try:
            self._client.wait_for_workers(1, timeout=self.connect_timeout)
        except TimeoutError as exc:
            self.close()
            raise ClusterError(f"Cụm máy tại '{self.address}' không có máy trạm nào sau {self.connect_timeout:g} giây; "
                               "hãy chạy 'dask worker' trỏ tới bộ điều phối này.") from exc
        self.initial_workers = self._worker_count()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Cancel what is left and disconnect (the cluster itself keeps running)."""
        if self._client is not None:
            client, self._client = self._client, None
            try:
                client.close(timeout=5)
            except (OSError, TimeoutError, RuntimeError):
                pass  # the scheduler is gone already: nothing to release

    def submit(self, function: Any, *args: Any) -> Any:
        """Run ``function(*args)`` on a worker; returns its future."""
        return self._client.submit(function, *args, pure=False)

    def wait_some(self, futures: list[Any]) -> list[Any]:
        """The futures among ``futures`` that have finished, waiting until there is at least one.

        Raises:
            ClusterError: The cluster had no worker for ``worker_grace`` seconds, or the scheduler is gone.
        """
        from distributed import wait

        while True:
            try:
                with self._client.as_current():
                    done, _ = wait(futures, timeout=_POLL_S, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            except (OSError, CancelledError) as exc:
                raise self._lost(exc) from exc
            if done:
                return [f for f in futures if f in done]
            self._check_workers()

    def result(self, future: Any, file_name: str) -> Any:
        """The result of a finished task, or a :class:`ClusterError` saying what went wrong where."""
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker as exc:
            raise ClusterError(f"Máy trạm bị mất nhiều lần khi xử lý tệp '{file_name}' (có thể thiếu bộ nhớ hoặc bị "
                               "dừng); chỉ mục không bị thay đổi, hãy kiểm tra các máy trạm rồi chạy lại.") from exc
        except (OSError, CancelledError) as exc:
            raise self._lost(exc) from exc
        except Exception as exc:  # noqa: BLE001 - a task's own error, reported with the file it was for
            raise ClusterError(f"Tác vụ cho tệp '{file_name}' bị lỗi trên máy trạm ({type(exc).__name__}: {exc}); "
                               "chỉ mục không bị thay đổi.") from exc

    def _worker_count(self) -> int:
        return len(self._client.scheduler_info(n_workers=-1).get("workers", {}))

    def _check_workers(self) -> None:
        try:
            count = self._worker_count()
        except (OSError, TimeoutError) as exc:
            raise self._lost(exc) from exc
        if self._client.status not in ("running", "connecting"):
            raise self._lost(RuntimeError(self._client.status))
        if count:
            self._workerless_since = None
            return
        now = time.monotonic()
        self._workerless_since = self._workerless_since or now
        if now - self._workerless_since > self.worker_grace:
            raise ClusterError(f"Cụm máy tại '{self.address}' không còn máy trạm nào từ {self.worker_grace:g} giây "
                               "nay (máy trạm bị dừng hoặc mất kết nối); chỉ mục không bị thay đổi.")

    def _lost(self, exc: BaseException) -> ClusterError:
        return ClusterError(f"Mất kết nối với bộ điều phối cụm máy tại '{self.address}' ({type(exc).__name__}); "
                            "chỉ mục không bị thay đổi, hãy kiểm tra cụm máy rồi chạy lại.")
