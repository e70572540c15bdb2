"""Replacing a directory atomically: build the new one beside it, then swap with two renames.

A killed build leaves the previous directory in place (and its temporary
directory ``.<name>.tmp-*`` behind, removed by the next write); a crash between
the two renames leaves the previous one under ``.<name>.old``, which
:func:`recover_interrupted_swap` puts back. The single-directory index (format
5 and before) was written this way; the segment store (format 6) swaps only its
manifest (``manifest.write_manifest_atomic``) and uses this module for
:func:`write_error`, for :func:`sync_paths` (files and renames flushed to disk before a
manifest names them) and for putting back a directory a format-5 writer left aside.

Directories are created with the default mode (0o777 minus the umask), as
files are, so an index another user built can be read.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)


class IndexWriteError(RuntimeError):
    """The new index could not be written; the previous one is untouched.

    ``message`` (Vietnamese) says what went wrong and what to do; the library's
    own error is logged, not shown. A RuntimeError, so callers that report
    RuntimeError text (``app.py``) show the message.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def temporary_prefix(target: Path) -> str:
    """The name prefix of ``target``'s temporary build directories."""
    return f".{target.name}.tmp-"


def remove_leftovers(target: Path) -> list[Path]:
    """Remove temporary build directories of ``target`` left by crashed writers.

    Call only while holding the writer lock: then no live writer owns one.
    Returns the directories removed.
    """
    removed = []
    if not target.parent.is_dir():
        return removed
    for path in target.parent.glob(temporary_prefix(target) + "*"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    if removed:
        logger.info("removed %d leftover build directories of %s", len(removed), target)
    return removed


@contextmanager
def replacing_directory(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary directory beside ``target``; on success it replaces ``target``.

    On any exception (KeyboardInterrupt included) the temporary directory is
    removed, ``target`` is left as it was, and the exception propagates.
    Leftovers of crashed builds are removed first (the caller holds the writer lock).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    tmp = target.with_name(f"{temporary_prefix(target)}{os.getpid()}-{uuid.uuid4().hex[:12]}")
    tmp.mkdir()  # default mode: mkdtemp's 0o700 would lock other users out of the index
    try:
        yield tmp
        swap_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def backup_path(target: Path) -> Path:
    """Where the previous ``target`` stays during a swap."""
    return target.with_name(f".{target.name}.old")


def swap_into_place(tmp: Path, target: Path) -> None:
    """Replace ``target`` by ``tmp``: rename the old one aside, rename the new one in."""
    backup = backup_path(target)
    if backup.exists():
        shutil.rmtree(backup)
    if target.exists():
        os.rename(target, backup)
    os.rename(tmp, target)
    shutil.rmtree(backup, ignore_errors=True)


def interrupted_swap(target: Path, marker: str) -> bool:
    """True when ``target`` lacks ``marker`` but the previous directory (with it) is set aside.

    False when either cannot be looked at (no permission): the caller reads what it can.
    """
    try:
        return not (target / marker).exists() and (backup_path(target) / marker).exists()
    except OSError:
        return False


def recover_interrupted_swap(target: Path, marker: str) -> None:
    """If a crash fell between the two renames, put the previous directory back.

    Call only while holding the writer lock: a live writer's swap looks the same.

    Args:
        target: The directory.
        marker: A file every complete directory has (written last), e.g. ``manifest.json``.
    """
    backup = backup_path(target)
    if interrupted_swap(target, marker):
        if target.exists():
            shutil.rmtree(target)
        os.rename(backup, target)


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return "No space left" in str(exc)  # FAISS reports a failed fwrite as RuntimeError text


def _no_permission(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM)
    return False


def write_error(target: Path, exc: BaseException) -> IndexWriteError:
    """The Vietnamese :class:`IndexWriteError` for ``exc`` raised while writing ``target`` (details logged)."""
    # Technical detail (often English library text) goes to the log, never to the user.
    logger.info("writing the index %s failed", target, exc_info=exc)
    kept = "Chỉ mục cũ vẫn được giữ nguyên và dùng được."
    if _disk_full(exc):
        return IndexWriteError(
            f"Không ghi được chỉ mục vào {target}: ổ đĩa đã đầy. Hãy giải phóng dung lượng (chỉ mục cần khoảng "
            f"gấp đôi kích thước hiện tại trong lúc ghi) rồi chạy lại. {kept}")
    if _no_permission(exc):
        return IndexWriteError(
            f"Không có quyền ghi vào thư mục {target.parent}. Hãy chạy lệnh bằng người dùng sở hữu thư mục chỉ "
            f"mục, cấp quyền ghi, hoặc chọn thư mục khác bằng --index (thiết lập index_dir). {kept}")
    return IndexWriteError(
        f"Không ghi được chỉ mục vào {target} (lỗi hệ thống khi ghi tệp). Hãy kiểm tra ổ đĩa và quyền ghi rồi "
        f"chạy lại (chi tiết kỹ thuật được ghi vào nhật ký). {kept}")


def sync_paths(paths: Iterable[Path]) -> None:
    """Flush files and directories to disk (a directory's sync makes its renames durable).

    A manifest names only segments whose every file, and whose own name, reached the disk first: a
    power cut after the manifest's rename cannot leave it pointing at files still in the page cache.
    """
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
