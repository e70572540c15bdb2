"""Property over every clause of the five bundled plans: exact offsets, clean bodies, no header/closing lines."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from ingest.model import CLAUSE_KINDS, ParsedDocument
from ingest.pipeline import parse_text
from ingest.vntext import folded_form

PLANS = sorted((Path(__file__).resolve().parents[2] / "data" / "plans").glob("*.txt"))
# What may legitimately be in ``text`` but not in ``body``: structural markers,
# markdown marks and footnote markers (at most a few characters per clause).
MAX_MARKER_CHARS = 12


@pytest.fixture(scope="module", params=PLANS, ids=lambda p: p.stem)
def plan(request) -> tuple[str, ParsedDocument]:
    raw = request.param.read_text(encoding="utf-8")
    return raw, parse_text(raw, str(request.param))


def _no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)


def test_text_is_the_exact_nfc_slice(plan):
    raw, doc = plan
    source = unicodedata.normalize("NFC", raw)
    assert doc.clauses
    for clause in doc.clauses:
        assert 0 <= clause.char_start < clause.char_end <= len(source)
        assert source[clause.char_start : clause.char_end] == clause.text
        assert clause.text == clause.text.strip()
        assert clause.kind in CLAUSE_KINDS


def test_body_equals_text_up_to_whitespace_and_markers(plan):
    _, doc = plan
    footnotes = {c.id: c for c in doc.clauses if c.kind == "footnote"}
    for clause in doc.clauses:
        body, text = _no_space(clause.body), _no_space(clause.text)
        assert body and "\n" not in clause.body
        assert _is_subsequence(body, text), clause.path
        # Footnote blocks interleaved in a clause's span are left out of its body.
        inside = sum(
            len(_no_space(f.text))
            for f in footnotes.values()
            if clause.char_start < f.char_start and f.char_end <= clause.char_end
        )
        assert len(text) - len(body) - inside <= MAX_MARKER_CHARS, clause.path


def test_no_clause_is_header_closing_or_page_number(plan):
    _, doc = plan
    meta = doc.meta
    for clause in doc.clauses:
        folded = folded_form(clause.body)
        assert not re.fullmatch(r"\d{1,3}", clause.body.strip()), "page number"
        assert not folded.startswith(("noi nhan", "boinhay", "dong kinh gui", "kinh gui")), clause.body
        assert not re.match(r"(t/m|tm\.|kt\.)\s", folded), clause.body
        assert not re.fullmatch(r"ke hoach( hanh dong)?", folded.strip()), clause.body
        assert meta.signer not in clause.text, clause.body
        for recipient in meta.recipients:
            assert clause.body.strip(" -,;.") != recipient, clause.body


def test_tree_links_are_consistent(plan):
    _, doc = plan
    by_id = {c.id: c for c in doc.clauses}
    assert len(by_id) == len(doc.clauses)
    for clause in doc.clauses:
        if clause.parent_id:
            parent = by_id[clause.parent_id]
            assert clause.path[:-1] == parent.path
            assert len(clause.titles) == len(parent.titles) + 1
        else:
            assert len(clause.path) == 1 and clause.titles == ()
        for footnote_id in clause.footnotes:
            assert by_id[footnote_id].kind == "footnote"
