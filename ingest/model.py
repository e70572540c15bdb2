"""Typed records that flow out of ingest: document metadata, clauses, footnotes.

Data flows one way: file -> SourceText -> ParsedDocument (DocumentMeta + Clause tree).
Every clause keeps ``char_start``/``char_end`` into the NFC text of its source
file, and ``text`` is exactly that slice, so a citation can quote and highlight
the source span verbatim. ``body`` is the cleaned reading used for search and
for composing answers (hard wraps joined, markdown marks, footnote markers and
interleaved footnote/page-number lines removed).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Literal

ClauseKind = Literal["section", "item", "bullet", "attribute", "footnote", "paragraph"]
CLAUSE_KINDS: tuple[str, ...] = ("section", "item", "letter", "bullet", "attribute", "footnote", "paragraph")

# Administrative level of the issuing locality, written as users say it.
Level = Literal["tỉnh", "thành phố", "xã"]


def text_hash(text: str, length: int = 16) -> str:
    """Return a short, stable hex digest of ``text`` (UTF-8, SHA-256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def make_clause_id(doc_id: str, path: tuple[str, ...] | list[str], text: str) -> str:
    """Stable clause id: document id + clause path + hash of the clause text.

    Re-ingesting the same file yields the same ids; editing a clause changes only
    that clause's id.
    """
    path_part = ".".join(path) if path else "root"
    return f"{doc_id}:{path_part}:{text_hash(text, 10)}"


# Folded names of the bodies that issue plans, as a signature line carries them ("T/M BAN THƯỜNG VỤ",
# "TM. ỦY BAN NHÂN DÂN"): what says who issued a plan, for answers and for judging them.
ISSUING_BODIES = ("ban thuong vu", "uy ban nhan dan", "dang uy", "tinh uy", "thanh uy")


@dataclass(frozen=True)
class HeaderSpan:
    """Where the header or closing block states a fact of the plan (what an answer about the plan cites).

    Attributes:
        fact: "number" (the "Số …" line), "date" (the place-and-date line), "signature" (from the
            "T/M …"/"TM."/"KT." line to the signer's name) or "recipients" (the "Nơi nhận:" and
            "Kính gửi:" lists).
        start: Start offset into the NFC text of the source file.
        end: End offset (exclusive).
        text: ``source_text[start:end]``, verbatim.
        reading: The repaired reading of a scanned plan's lines ("" otherwise; the recipients' lists
            are not repaired, their entries are listed as written).
    """

    fact: str
    start: int
    end: int
    text: str
    reading: str = ""


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata of one plan, read from its header/closing blocks or a sidecar.

    Attributes:
        doc_id: Stable id (derived from the content hash unless a sidecar sets it).
        title: Title line(s) of the plan, e.g. "Kế hoạch thực hiện Chỉ thị số 52-CT/TW ...".
        number: Document number as written, e.g. "646-KH/TU" ("" when blank).
        issuer: Issuing body, e.g. "Ban Thường vụ Tỉnh ủy Đồng Nai".
        level: "tỉnh", "thành phố" or "xã".
        locality: Locality name with accents, e.g. "Đồng Nai", "Đak Đoa".
        province: Province of a commune (e.g. "Gia Lai"); equals locality for provinces.
        date: ISO date "2026-01-09" when fully known, else partial text ("01/2026") or "".
        place: Place line of the header, e.g. "Đồng Nai".
        signer: Signer's name from the closing block.
        signer_title: Signer's title, e.g. "PHÓ BÍ THƯ THƯỜNG TRỰC".
        recipients: Lines of the "Nơi nhận" block.
        source_path: Path of the file as given to ingest.
        content_hash: SHA-256 of the NFC text (full hex).
        encoding: Detected source encoding (e.g. "utf-8", "tcvn3").
        damage_score: OCR damage score in [0, 1] (0 = clean); see ingest/ocr/damage.py.
        title_reading: Repaired reading of an OCR-damaged ``title`` ("" otherwise).
        header_spans: Where the header and closing blocks state the number, date, signature and
            recipients (:class:`HeaderSpan`), so answers about the plan cite the lines they come from.
    """

    doc_id: str
    title: str
    number: str
    issuer: str
    level: str
    locality: str
    province: str
    date: str
    source_path: str
    content_hash: str
    place: str = ""
    signer: str = ""
    signer_title: str = ""
    recipients: tuple[str, ...] = ()
    encoding: str = "utf-8"
    damage_score: float = 0.0
    title_reading: str = ""
    header_spans: tuple[HeaderSpan, ...] = ()

    def header_span(self, fact: str) -> HeaderSpan | None:
        """The span stating ``fact`` ("number", "date", "signature"), None when the plan has none."""
        return next((span for span in self.header_spans if span.fact == fact), None)

    @property
    def display_title(self) -> str:
        """The title as a reader should see it: the repaired reading when the scan garbled it."""
        return self.title_reading or self.title

    def to_json(self) -> dict:
        """Return a JSON-serialisable dict (tuples become lists)."""
        data = asdict(self)
        data["recipients"] = list(self.recipients)
        return data


@dataclass(frozen=True)
class SentenceSpan:
    """One sentence of a clause.

    Attributes:
        start: Start offset into the NFC text of the source file (what a citation highlights).
        end: End offset (exclusive).
        read_start: Start offset into the clause's ``search_text`` (what an answer quotes).
        read_end: End offset (exclusive) into ``search_text``.
    """

    start: int
    end: int
    read_start: int
    read_end: int


@dataclass(frozen=True)
class Clause:
    """One answerable unit of a plan: a section title, item ("1."), letter item
    ("a)", called "điểm"), bullet, attribute line, footnote or paragraph.

    Attributes:
        id: Stable id, see :func:`make_clause_id`.
        doc_id: Id of the owning document.
        kind: One of :data:`CLAUSE_KINDS`.
        path: Position in the tree, e.g. ("III", "2", "3") for the third bullet of
            item 2 of section III; attribute lines get e.g. ("II", "1", "attr1").
        titles: Headings of the ancestors, outermost first, e.g.
            ("II- NỘI DUNG THỰC HIỆN", "1- Tăng cường lãnh đạo ...").
        text: Verbatim slice ``nfc_source[char_start:char_end]``.
        body: Cleaned reading for search/answers (one line, no wraps/markers).
        char_start: Start offset into the NFC text of the source file.
        char_end: End offset (exclusive).
        parent_id: Id of the parent clause ("" for top-level sections).
        label: The clause's own marker as written ("III", "2", "a", "-", "+", "*", "").
        footnotes: Ids of footnote clauses this clause cites.
        reading: Repaired reading for OCR-damaged text ("" when not repaired).
        title_readings: Repaired readings of ``titles`` (empty when not repaired).
        heading: The clause's own name without its number ("Sở Tài chính", "Mục tiêu cụ thể"),
            from the repaired reading when there is one.
        is_heading: True when the clause is only a heading (no sentence of its own).
        attribute: For an attribute line, what it states: "responsibility", "deadline",
            "funding", "product" or "other"; "" for other clauses.
        agency: The agency whose duty the clause is (its own agency heading or lead, else the
            nearest ancestor's), "" when none.
        year: The year its heading context is about ("b) Mục tiêu đến năm 2026" -> "2026"), "" when none.
        sentences: Its sentences (:class:`SentenceSpan`), in order.
    Fields from ``heading`` on are filled by :func:`ingest.structure.annotate.annotate`.
    """

    id: str
    doc_id: str
    kind: str
    path: tuple[str, ...]
    titles: tuple[str, ...]
    text: str
    body: str
    char_start: int
    char_end: int
    parent_id: str = ""
    label: str = ""
    footnotes: tuple[str, ...] = ()
    reading: str = ""
    title_readings: tuple[str, ...] = ()
    heading: str = ""
    is_heading: bool = False
    attribute: str = ""
    agency: str = ""
    year: str = ""
    sentences: tuple[SentenceSpan, ...] = ()

    @property
    def sentence_texts(self) -> tuple[str, ...]:
        """The text of each sentence as answers quote it (from ``search_text``)."""
        text = self.search_text
        return tuple(text[s.read_start:s.read_end] for s in self.sentences)

    @property
    def search_text(self) -> str:
        """The text that search should see: the repaired reading when there is one."""
        return self.reading or self.body

    @property
    def search_titles(self) -> tuple[str, ...]:
        """Ancestor headings as search and display should read them (repaired when OCR-damaged)."""
        return self.title_readings if len(self.title_readings) == len(self.titles) else self.titles

    def to_json(self) -> dict:
        """Return a JSON-serialisable dict (tuples become lists)."""
        data = asdict(self)
        data["path"] = list(self.path)
        data["titles"] = list(self.titles)
        data["footnotes"] = list(self.footnotes)
        data["title_readings"] = list(self.title_readings)
        data["sentences"] = [[s.start, s.end, s.read_start, s.read_end] for s in self.sentences]
        return data


@dataclass(frozen=True)
class IngestWarning:
    """Something a person should look at, in Vietnamese (e.g. "Không tìm thấy số văn bản")."""

    source_path: str
    message: str


@dataclass(frozen=True)
class ParsedDocument:
    """A plan after ingest: metadata, its clauses in reading order, and warnings.

    ``source_text`` is the NFC text of the whole file that offsets refer to.
    """

    meta: DocumentMeta
    clauses: tuple[Clause, ...]
    source_text: str
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def depth(self) -> int:
        """Maximum depth of the clause tree (0 when empty)."""
        return max((len(c.path) for c in self.clauses), default=0)
