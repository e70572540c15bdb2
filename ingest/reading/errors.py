"""The one error a reader raises: a file that cannot be read, said in Vietnamese."""

from __future__ import annotations


class UnreadableFileError(Exception):
    """A file could not be read; ``message`` is Vietnamese and names the file."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def megabytes(size: int) -> str:
    """Size in MB with a Vietnamese decimal comma: 52428800 -> "50,0"."""
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")
