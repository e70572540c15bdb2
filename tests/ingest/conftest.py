"""Fixtures of the ingest tests: the plans rendered as Markdown and PDF, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.data.formats.build_pdf_md_corpus import build_corpus


@pytest.fixture(scope="session")
def pdf_md_corpus(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Every plan of data/plans as .md and .pdf (tests/data/formats/build_pdf_md_corpus.py), in a temporary folder."""
    return build_corpus(tmp_path_factory.mktemp("pdf_md_corpus"))

