"""Tests for ingest/reading/pdf_reader.py: PDFs typeset as offices print them read back as their .txt.

The corpus (tests/data/formats/build_pdf_md_corpus.py) typesets each plan of
data/plans with reportlab on A4 pages in three office layouts (justified or
ragged, with or without first-line indent and paragraph spacing, page numbers
in the footer or at the top, a running line, footnotes at the foot of the
page). Each must parse to the clause tree of its .txt original (issue 12:
≥ 0.90 of the clauses per plan; 1.0 of every plan measured), with no page
number or running line inside a clause.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.pipeline import parse_text
from ingest.reading.readers import read_source
from tests.data.formats.build_pdf_md_corpus import PLANS as PLANS_DIR
from tests.data.formats.build_pdf_md_corpus import Block, PdfStyle, register_fonts, render_pdf
from tests.ingest.parity import clause_parity, parse_file, rendering_parity

PLANS = sorted(path.name for path in PLANS_DIR.glob("*.txt"))
MIN_SHARE = 0.90


@pytest.mark.parametrize("plan", PLANS)
def test_pdf_rendering_gives_the_txt_clause_tree(pdf_md_corpus, plan):
    files = pdf_md_corpus[plan]
    _, converted = rendering_parity(files["txt"], files["pdf"], MIN_SHARE)
    for clause in converted.clauses:
        # No page furniture inside a clause: page numbers, the running line.
        assert not re.search(r"\n\s*(?:Trang |- )?\d{1,3}(?: -)?\s*\n", clause.text), clause.path


def test_the_fonts_cover_every_letter_of_the_plans():
    from reportlab.pdfbase import pdfmetrics

    letters = {ch for path in PLANS_DIR.glob("*.txt") for ch in path.read_text(encoding="utf-8") if not ch.isspace()}
    family = register_fonts()
    for face in ("", "-Bold", "-Italic"):
        covered = pdfmetrics.getFont(family + face).face.charToGlyph
        assert sorted(ch for ch in letters if ord(ch) not in covered) == [], face


def _pdf(tmp_path: Path, blocks: list[Block], layout: PdfStyle | None = None) -> str:
    path = tmp_path / "ke-hoach.pdf"
    pages = render_pdf(blocks, path, layout or PdfStyle())
    assert pages >= 2
    return read_source(path).text


LONG = " ".join(["Tăng cường công tác tuyên truyền về bảo hiểm y tế cho người dân trên địa bàn."] * 6)


def _blocks(*bodies: tuple[str, str, str]) -> list[Block]:
    return [Block(role, f"{marker} {rest}".strip(), marker, rest, plain=rest) for role, marker, rest in bodies]


def test_page_numbers_and_running_lines_are_left_out_and_paragraphs_go_on_over_pages(tmp_path):
    blocks = _blocks(("title", "", "KẾ HOẠCH"), ("subtitle", "", "về bảo hiểm y tế toàn dân"),
                     *[("paragraph", "", f"{n}) {LONG}") for n in range(1, 13)])
    for layout in (PdfStyle(), PdfStyle(page_label="Trang {n}", page_at_top=True, justified=False)):
        text = _pdf(tmp_path, blocks, layout)
        lines = text.split("\n")
        assert not [line for line in lines if re.fullmatch(r"(?:Trang )?\d{1,3}", line)]
        assert lines.count("về bảo hiểm y tế toàn dân") == 1  # the subtitle, not the running line of each page
        # Every paragraph, split over pages or not, is between blank lines; inside it, a line
        # break is left only after a sentence (ingest.structure.clean joins those lines).
        paragraphs = [" ".join(part.split("\n")) for part in text.split("\n\n")]
        assert paragraphs == ["KẾ HOẠCH", "về bảo hiểm y tế toàn dân"] + [f"{n}) {LONG}" for n in range(1, 13)]


def test_a_wrapped_line_that_starts_like_a_marker_stays_in_its_paragraph(tmp_path):
    # "kinh tế - xã hội" wrapped before "- xã": the line must not read as a bullet.
    words = "Các cấp ủy đưa chỉ tiêu bao phủ bảo hiểm y tế vào nghị quyết phát triển kinh tế"
    wrapped = f"{words} - xã hội hằng năm của địa phương, đơn vị và của tỉnh."
    blocks = _blocks(("bullet", "-", wrapped), ("item", "2.", "100% các xã, phường duy trì các nhóm tham gia."))
    blocks += _blocks(*[("paragraph", "", LONG)] * 12)
    lines = [line for line in _pdf(tmp_path, blocks).split("\n") if line]
    assert lines[:2] == [f"- {wrapped}", "2. 100% các xã, phường duy trì các nhóm tham gia."]
    doc = parse_text("I. NHIỆM VỤ\n" + "\n".join(lines[:2]), "ke-hoach.pdf")
    assert [(c.kind, c.path) for c in doc.clauses] == [("section", ("I",)), ("bullet", ("I", "1")), ("item", ("I", "2"))]


def test_committed_libreoffice_pdf_keeps_its_clause_tree():
    root = Path(__file__).resolve().parents[3]
    original = parse_text((root / "data/plans/hue_KH-UBND.txt").read_text(encoding="utf-8"), "hue_KH-UBND.txt")
    _, converted = parse_file(root / "tests/data/formats/hue.pdf")
    assert clause_parity(original, converted).share >= 0.98  # 0.963 before issue 12, 0.988 after
