"""Replacing a directory atomically: build the new one beside it, then swap with two renames.

A killed build leaves the previous directory in place; a crash between the
two renames leaves the previous one under ``.<name>.old``, which
:func:`recover_interrupted_swap` puts back. The index store writes every
change this way.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing_directory(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary directory beside ``target``; on success it replaces ``target``.

    On any exception (KeyboardInterrupt included) the temporary directory is
    removed, ``target`` is left as it was, and the exception propagates.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
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


def recover_interrupted_swap(target: Path, marker: str) -> None:
    """If a crash fell between the two renames, put the previous directory back.

    Args:
        target: The directory.
        marker: A file every complete directory has (written last), e.g. ``manifest.json``.
    """
    backup = backup_path(target)
    if not (target / marker).exists() and (backup / marker).exists():
        if target.exists():
            shutil.rmtree(target)
        os.rename(backup, target)
