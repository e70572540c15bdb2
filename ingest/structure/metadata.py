"""Header and closing blocks of a plan become :class:`DocumentMeta`, never clauses.

A plan opens with a header block (issuing body, "Số 646-KH/TU", place and date,
decoration lines, the "KẾ HOẠCH" title block) and ends with a closing block
("Nơi nhận:" and its list, "Đồng kính gửi:", "T/M BAN THƯỜNG VỤ", the signer's
title and name, stamps). :func:`extract_metadata` finds both blocks, reads the
metadata out of them (the body text is used when there is no header, as in the
An Giang and Huế plans) and returns the offsets of the body between them.

Locality names are matched on folded forms through the table of Vietnamese
provinces, cities, communes and wards (``ingest.places.localities()``), with the
OCR confusion "Đ" -> "P" undone ("PONG NAI" -> "Đồng Nai"). An optional sidecar
``<file>.meta.json`` overrides any field, including ``doc_id``.

This module is the entry point and puts the parts together. They live in
``header_block.py`` (title block, number, place and date), ``closing_block.py``
(where the closing block starts, recipients, signer, issuing organisation),
``plan_locality.py`` (the choice of the issuing locality, from the table in
``ingest/places.py``) and ``sidecar.py`` (:func:`sidecar_path`, :func:`read_sidecar` and
the overrides); import them from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.identity import default_doc_id
from ingest.model import DocumentMeta, HeaderSpan
from ingest.structure.closing_block import (
    find_closing_start,
    issuer_name,
    read_organisation,
    read_recipients,
    read_signer,
    recipient_lines,
    signature_lines,
)
from ingest.structure.header_block import date_line, read_date_and_place, read_number, read_title_block
from ingest.structure.line_markers import parse_marker
from ingest.structure.lines import PhysicalLine, physical_lines
from ingest.structure.plan_locality import issuing_locality
from ingest.structure.sidecar import apply_sidecar, drop_overridden_warnings

__all__ = ["ExtractedMetadata", "extract_metadata"]


@dataclass(frozen=True)
class ExtractedMetadata:
    """Result of :func:`extract_metadata`.

    Attributes:
        meta: The document metadata (sidecar applied).
        body_start: Offset where the body (first clause) starts.
        body_end: Offset where the closing block starts (len(text) when none).
        warnings: Vietnamese messages about fields that could not be read.
    """

    meta: DocumentMeta
    body_start: int
    body_end: int
    warnings: tuple[str, ...] = ()


def extract_metadata(
    text: str,
    source_path: str,
    *,
    encoding: str = "utf-8",
    sidecar: dict | None = None,
    content_hash: str = "",
    doc_id: str | None = None,
) -> ExtractedMetadata:
    """Read the header and closing blocks of a plan.

    Args:
        text: NFC text of the whole file.
        source_path: Path of the file as given (for ``source_path`` and ``doc_id``).
        encoding: Encoding the reader detected.
        sidecar: Fields from ``<file>.meta.json`` that override what is read.
        content_hash: SHA-256 of ``text`` (computed by the caller).
        doc_id: The document id (see ``ingest/identity.py``); None takes the
            file stem's slug. A sidecar's ``doc_id`` still overrides it.

    Returns:
        The metadata, the body offsets and Vietnamese warnings.
    """
    lines = physical_lines(text)
    first_section = next((i for i, ln in enumerate(lines) if parse_marker(ln.text).kind == "section"), len(lines))
    title_index, body_from, title = read_title_block(lines, first_section)
    if title_index < 0:
        body_from = 0
    header = lines[: max(title_index, 0)]
    closing_from = find_closing_start(lines, body_from)
    closing = lines[closing_from:]
    body_lines = [ln for ln in lines[body_from:closing_from] if ln.text]
    body_start = body_lines[0].start if body_lines else len(text)
    body_end = lines[closing_from].start if closing_from < len(lines) else len(text)
    body_text = text[body_start:body_end]

    warnings: list[str] = []
    if title_index < 0:
        warnings.append("Không tìm thấy tiêu đề “KẾ HOẠCH”; coi toàn bộ phần đầu là nội dung.")
    number, number_at = read_number(header)
    if not number:
        warnings.append("Không tìm thấy số văn bản.")
    elif not re.match(r"\d", number):
        warnings.append(f"Số văn bản để trống (chỉ có ký hiệu “{number}”).")
    date, place_written = read_date_and_place(header)
    if not date:
        warnings.append("Không đọc được ngày ban hành.")
    elif len(date) < 10:
        warnings.append(f"Ngày ban hành chưa đầy đủ: {date}.")

    header_text = "\n".join(ln.text for ln in header)
    issued = issuing_locality(place_written, number, header_text, body_text)
    if not issued.locality:
        warnings.append("Không xác định được địa phương ban hành.")

    closing_text = "\n".join(ln.text for ln in closing)
    organisation = read_organisation(closing_text, number, header_text)
    signer, signer_title = read_signer(closing)
    meta = DocumentMeta(
        doc_id=doc_id or default_doc_id(source_path),
        title=title,
        number=number,
        issuer=issuer_name(organisation, issued.level, issued.locality),
        level=issued.level,
        locality=issued.locality,
        province=issued.province,
        date=date,
        source_path=str(source_path),
        content_hash=content_hash,
        place=issued.place,
        signer=signer,
        signer_title=signer_title,
        recipients=read_recipients(closing),
        encoding=encoding,
    )
    if sidecar:
        meta, sidecar_warnings = apply_sidecar(meta, sidecar)
        warnings.extend(sidecar_warnings)
        # A field supplied by the sidecar is no longer a problem worth a warning.
        warnings = drop_overridden_warnings(warnings, set(sidecar))
    meta = replace(meta, header_spans=_header_spans(meta, text, header, number_at, closing))
    return ExtractedMetadata(meta, body_start, body_end, tuple(warnings))


def _header_spans(meta: DocumentMeta, text: str, header: list[PhysicalLine], number_at: int,
                  closing: list[PhysicalLine]) -> tuple[HeaderSpan, ...]:
    """The lines stating the plan's number, date, signature and recipients, each kept only when it still states
    what the metadata says (a sidecar may have supplied another number, date or signer)."""
    found: list[tuple[str, int, int]] = []
    if number_at >= 0:
        found.append(("number", header[number_at].start, header[number_at].end))
    at = date_line(header)
    if at >= 0:
        found.append(("date", header[at].start, header[at].end))
    for fact, lines in (("signature", signature_lines(closing)), ("recipients", recipient_lines(closing))):
        if lines is not None:
            found.append((fact, closing[lines[0]].start, closing[lines[1]].end))
    spans = [HeaderSpan(fact, start, end, text[start:end]) for fact, start, end in found]
    return tuple(span for span in spans if _still_states(meta, span))


def _still_states(meta: DocumentMeta, span: HeaderSpan) -> bool:
    compact = re.sub(r"\s+", "", span.text)
    if span.fact == "number":
        return bool(meta.number) and meta.number in compact
    if span.fact == "date":
        return bool(meta.date) and meta.date[:4] in compact
    if span.fact == "recipients":
        return bool(meta.recipients)
    return bool(meta.signer) and meta.signer in span.text
