"""ingest/clean.py and ingest/metadata.py stay the entry points: they re-export the names of their parts."""

from __future__ import annotations

import importlib

import pytest

REEXPORTS = [
    ("ingest.clean", "ingest.lines", ("Line", "PhysicalLine", "physical_lines")),
    ("ingest.clean", "ingest.line_markers", ("NO_MARKER", "Marker", "attribute_label", "is_separator", "parse_marker")),
    ("ingest.metadata", "ingest.plan_locality", ("LOCALITIES", "Locality", "find_localities", "lookup_locality")),
    ("ingest.metadata", "ingest.sidecar", ("read_sidecar", "sidecar_path")),
]


@pytest.mark.parametrize(("entry", "part", "names"), REEXPORTS)
def test_entry_module_re_exports_the_same_objects(entry, part, names):
    entry_module, part_module = importlib.import_module(entry), importlib.import_module(part)
    for name in names:
        assert getattr(entry_module, name) is getattr(part_module, name), name
        assert name in entry_module.__all__


@pytest.mark.parametrize(
    "module",
    ["ingest.clean", "ingest.lines", "ingest.line_markers", "ingest.footnotes", "ingest.metadata",
     "ingest.header_block", "ingest.closing_block", "ingest.plan_locality", "ingest.sidecar"],
)
def test_every_exported_name_exists_and_is_documented(module):
    loaded = importlib.import_module(module)
    assert loaded.__doc__ and loaded.__doc__.strip()
    for name in loaded.__all__:
        assert hasattr(loaded, name), name
