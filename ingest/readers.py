"""Read a plan file into NFC text (minimal UTF-8 version; to be extended for all formats)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.vntext import nfc


@dataclass(frozen=True)
class SourceText:
    """A file's text, NFC, with how it was read."""

    path: str
    text: str
    encoding: str
    format: str


class UnreadableFileError(Exception):
    """A file could not be read; ``message`` is Vietnamese and names the file."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def read_source(path: str | Path, *, max_bytes: int = 20 * 1024 * 1024) -> SourceText:
    """Read ``path`` (UTF-8 text only in this minimal version)."""
    p = Path(path)
    data = p.read_bytes()
    text = data.decode("utf-8-sig")
    return SourceText(path=str(path), text=nfc(text), encoding="utf-8", format=p.suffix.lstrip(".").lower() or "txt")
