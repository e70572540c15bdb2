"""The optional sidecar ``<file>.meta.json``: reading it and letting it override the metadata read.

A sidecar sits next to a plan file and holds any :class:`DocumentMeta` field
(``doc_id`` included) as a JSON object; what it supplies wins over what was
read from the header and closing blocks, and the warnings about those fields
are dropped. Messages are in Vietnamese.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path

from ingest.model import DocumentMeta
from ingest.vntext import nfc

__all__ = ["SIDECAR_SUFFIX", "apply_sidecar", "drop_overridden_warnings", "read_sidecar", "sidecar_path"]


#: Suffix of the metadata file that may sit next to a plan file ("plan.docx.meta.json").
SIDECAR_SUFFIX = ".meta.json"


def sidecar_path(source_path: str | Path) -> Path:
    """Path of the optional sidecar: ``<file>.meta.json`` next to the file."""
    path = Path(source_path)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(source_path: str | Path) -> tuple[dict | None, str]:
    """Read ``<file>.meta.json`` if present.

    Returns:
        (fields, warning): ``fields`` is None when there is no usable sidecar;
        ``warning`` is a Vietnamese message when the sidecar exists but is invalid.
    """
    path = sidecar_path(source_path)
    if not path.is_file():
        return None, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"Bỏ qua tệp siêu dữ liệu {path.name}: không đọc được JSON ({exc})."
    if not isinstance(data, dict):
        return None, f"Bỏ qua tệp siêu dữ liệu {path.name}: nội dung phải là một đối tượng JSON."
    return data, ""


def apply_sidecar(meta: DocumentMeta, sidecar: dict) -> tuple[DocumentMeta, list[str]]:
    """Override fields of ``meta`` with the sidecar's.

    Args:
        meta: Metadata read from the file.
        sidecar: Fields from ``<file>.meta.json`` (see :func:`read_sidecar`).

    Returns:
        (the metadata with the sidecar's fields; Vietnamese warnings about
        keys that are not :class:`DocumentMeta` fields, which are ignored).
    """
    names = {f.name for f in fields(DocumentMeta)}
    updates: dict = {}
    warnings = []
    for key, value in sidecar.items():
        if key not in names or key == "header_spans":  # offsets are read from the file, never supplied
            warnings.append(f"Tệp siêu dữ liệu có trường không được hỗ trợ: '{key}' (bỏ qua).")
            continue
        if key == "recipients":
            value = tuple(str(v) for v in value) if isinstance(value, list | tuple) else (str(value),)
        elif key == "damage_score":
            value = float(value)
        else:
            value = nfc(str(value))
        updates[key] = value
    return replace(meta, **updates), warnings


def drop_overridden_warnings(warnings: list[str], overridden: set[str]) -> list[str]:
    """Warnings without those about a field the sidecar supplies (number, date, locality).

    Args:
        warnings: Vietnamese warnings of the metadata extraction.
        overridden: Names of the fields the sidecar sets.
    """
    return [
        w
        for w in warnings
        if not ("số văn bản" in w.lower() and "number" in overridden)
        and not ("ngày ban hành" in w.lower() and "date" in overridden)
        and not ("địa phương" in w.lower() and "locality" in overridden)
    ]
