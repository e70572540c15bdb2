"""One writer at a time per index directory: an OS file lock beside the index.

Every change to an index directory is a read-modify-write (load, upsert, write a
new directory, swap it in). Two processes doing that at once would each write
their own version and the last swap would silently drop the other's change, so
:func:`index_lock` holds ``fcntl.flock`` on ``.<name>.lock`` (next to the index,
never inside it: the directory itself is replaced) for the whole step. A second
writer waits up to ``timeout`` seconds, then gets :class:`IndexBusyError`.

The lock is re-entrant within a process (``ClauseIndex`` takes it around each
write, the maintenance functions around the whole update), and the kernel
drops it when its holder dies, even by ``kill -9``: a stale lock never blocks.
Readers take no lock; they check the build ids instead (see ``store.py``).
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Default seconds a writer waits for another one to finish (setting ``index_lock_timeout``).
DEFAULT_LOCK_TIMEOUT = 60.0
# How often a waiting writer tries the lock again.
_POLL_S = 0.05


class IndexBusyError(RuntimeError):
    """Another process is updating the index; ``message`` (Vietnamese) says what to do.

    A RuntimeError, so callers that report RuntimeError text (``app.py``) show the message.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def lock_path(directory: Path) -> Path:
    """The lock file of the index ``directory``: ``.<name>.lock`` beside it."""
    return directory.with_name(f".{directory.name}.lock")


class _Held:
    """A lock this process holds: its file descriptor and how deeply it is nested."""

    def __init__(self) -> None:
        self.guard = threading.RLock()
        self.fd: int | None = None
        self.depth = 0


_held: dict[str, _Held] = {}
_held_guard = threading.Lock()


def _entry(path: Path) -> _Held:
    with _held_guard:
        return _held.setdefault(str(path.resolve()), _Held())


def _busy(directory: Path, timeout: float) -> IndexBusyError:
    return IndexBusyError(
        f"Chỉ mục tại {directory} đang được một tiến trình khác cập nhật; đã chờ {timeout:g} giây mà chưa xong. "
        "Hãy chờ lệnh kia kết thúc rồi chạy lại (hoặc tăng thiết lập index_lock_timeout, "
        "biến môi trường BHYT_INDEX_LOCK_TIMEOUT).")


@contextmanager
def index_lock(directory: str | Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the writer lock of the index ``directory`` for the ``with`` block.

    Args:
        directory: The index directory (its parent is created if missing).
        timeout: Seconds to wait for another writer; 0 tries once.

    Raises:
        IndexBusyError: Another process (or thread) held the lock for ``timeout`` seconds.
        OSError: The lock file cannot be created (e.g. no write permission);
            callers turn it into a Vietnamese message with the other write errors.
    """
    if timeout < 0:
        raise ValueError(f"timeout must be >= 0, got {timeout}")
    directory = Path(directory)
    path = lock_path(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = _entry(path)
    # Threads of this process wait on the in-process lock; flock only sees processes.
    acquired = entry.guard.acquire(timeout=timeout) if timeout > 0 else entry.guard.acquire(blocking=False)
    if not acquired:
        raise _busy(directory, timeout)
    try:
        if entry.depth == 0:
            entry.fd = _acquire_file_lock(path, directory, timeout)
        entry.depth += 1
        try:
            yield
        finally:
            entry.depth -= 1
            if entry.depth == 0 and entry.fd is not None:
                os.close(entry.fd)  # closing the descriptor releases the flock
                entry.fd = None
    finally:
        entry.guard.release()


def _acquire_file_lock(path: Path, directory: Path, timeout: float) -> int:
    # Default mode (0o666 minus the umask): other users' writers can take the same lock.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
        if time.monotonic() >= deadline:
            os.close(fd)
            raise _busy(directory, timeout)
        time.sleep(_POLL_S)
