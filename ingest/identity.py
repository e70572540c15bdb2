"""Which document id a plan file gets: stable across re-ingests, never silently shared by two files.

The id is an ASCII slug of the file stem ("Kế hoạch 12.docx" -> "Ke-hoach-12"),
as before, so re-ingesting a file keeps its id and its clause ids. When that
slug already belongs to another source (two folders with "ke-hoach.txt",
"x.txt" beside "x.docx", or a plan already in the index from elsewhere), the
new file becomes a document of its own, ``<slug>-<6 hex of its path>``, and the
report says so. The same source is recognised by its resolved path, or by its
content (a plan moved to another folder keeps its id). A sidecar's ``doc_id``
is an explicit choice: it replaces whatever document had that id, and the
report says that too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest.vntext import fold_diacritics, nfc

__all__ = ["DocIdAssigner", "IdChoice", "KnownSource", "default_doc_id", "source_key"]


def default_doc_id(source_path: str | Path) -> str:
    """The id a file gets when nothing else has it: an ASCII slug of its stem ("hue_KH-UBND")."""
    stem = fold_diacritics(nfc(Path(source_path).name.split(".")[0] or "tai-lieu"))
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")
    return slug or "tai-lieu"


def source_key(source_path: str | Path) -> str:
    """The path that identifies a source: absolute and resolved (links followed)."""
    try:
        return str(Path(source_path).resolve())
    except (OSError, RuntimeError):  # a link loop: the path as given still names the source
        return str(Path(source_path).absolute())


@dataclass(frozen=True)
class KnownSource:
    """A document id already taken: by which file, with which content.

    Attributes:
        source_path: The file it was read from (as recorded).
        content_hash: SHA-256 of its text.
    """

    source_path: str
    content_hash: str


@dataclass(frozen=True)
class IdChoice:
    """The id chosen for one file, and what the report must say about it.

    Attributes:
        doc_id: The document id.
        note: Vietnamese note when the id is not the plain one, or replaces
            another source's document ("" otherwise).
    """

    doc_id: str
    note: str = ""


class DocIdAssigner:
    """Chooses document ids for the files of one ingest run, given the ids already taken.

    Args:
        known: Ids already in use (e.g. the index's documents), with their sources.
    """

    def __init__(self, known: Mapping[str, KnownSource] | None = None) -> None:
        self._taken: dict[str, KnownSource] = dict(known or {})

    def assign(self, source_path: str, content_hash: str, explicit: str | None = None) -> IdChoice:
        """The id for ``source_path`` (with text hash ``content_hash``); it is then taken.

        Args:
            source_path: The file as given.
            content_hash: SHA-256 of its NFC text.
            explicit: ``doc_id`` set by the file's sidecar, if any.
        """
        here = KnownSource(source_path, content_hash)
        if explicit:
            holder = self._taken.get(explicit)
            note = ""
            if holder is not None and not self._same_source(holder, here):
                note = (f"Tệp {source_path} thay thế văn bản {explicit} (trước đây từ {holder.source_path}) "
                        "theo mã văn bản ghi trong tệp .meta.json.")
            self._taken[explicit] = here
            return IdChoice(explicit, note)
        plain = default_doc_id(source_path)
        holder = self._taken.get(plain)
        if holder is None or source_key(holder.source_path) == source_key(source_path):
            self._taken[plain] = here
            return IdChoice(plain)
        if content_hash and holder.content_hash == content_hash:
            self._taken[plain] = here
            return IdChoice(plain, f"Tệp {source_path} có cùng nội dung với văn bản {plain} (từ {holder.source_path}): "
                                   "coi là cùng một văn bản.")
        own = f"{plain}-{hashlib.sha256(source_key(source_path).encode('utf-8')).hexdigest()[:6]}"
        earlier = self._taken.get(own)
        self._taken[own] = here
        if earlier is not None and source_key(earlier.source_path) == source_key(source_path):
            return IdChoice(own)  # this file already had its own id: nothing new to say
        note = (f"Tệp {source_path} trùng tên với văn bản {plain} đã có (từ {holder.source_path}); "
                f"được lưu thành văn bản riêng {own}, không ghi đè. Muốn thay thế văn bản cũ, hãy xóa nó "
                f"(python -m assistant index rm {plain}) hoặc đặt doc_id trong tệp .meta.json.")
        return IdChoice(own, note)

    @staticmethod
    def _same_source(holder: KnownSource, here: KnownSource) -> bool:
        same_path = source_key(holder.source_path) == source_key(here.source_path)
        return same_path or (bool(here.content_hash) and holder.content_hash == here.content_hash)
