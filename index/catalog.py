"""Clause, document and target records as stored in a segment's SQLite catalog (JSON columns).

``segments.py`` writes the records with their ``to_json`` and these functions read them back;
unknown keys are ignored, so a record written by a newer version still reads.
"""

from __future__ import annotations

from ingest.model import Clause, DocumentMeta, HeaderSpan, SentenceSpan
from ingest.targets import Target


def meta_from_json(data: dict) -> DocumentMeta:
    """Rebuild a DocumentMeta from :meth:`DocumentMeta.to_json` output (unknown keys ignored)."""
    fields = DocumentMeta.__dataclass_fields__
    values = {k: v for k, v in data.items() if k in fields}
    values["recipients"] = tuple(values.get("recipients", ()))
    values["header_spans"] = tuple(HeaderSpan(**span) for span in values.get("header_spans", ()))
    return DocumentMeta(**values)


def clause_from_json(data: dict) -> Clause:
    """Rebuild a Clause from :meth:`Clause.to_json` output (unknown keys ignored)."""
    fields = Clause.__dataclass_fields__
    values = {k: v for k, v in data.items() if k in fields}
    for key in ("path", "titles", "footnotes", "title_readings"):
        values[key] = tuple(values.get(key, ()))
    values["sentences"] = tuple(SentenceSpan(*span) for span in values.get("sentences", ()))
    return Clause(**values)


def target_from_json(data: dict) -> Target:
    """Rebuild a Target from :meth:`Target.to_json` output (unknown keys ignored)."""
    fields = Target.__dataclass_fields__
    return Target(**{k: v for k, v in data.items() if k in fields})
