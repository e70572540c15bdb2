"""Tests for ingest/reading/docx_reader.py and docx_numbering.py: Word files as a reader sees them.

Two kinds of test:

- the corpus: each plan of data/plans rendered as an officer's Word file
  (tests/data/formats/build_docx_corpus.py: Word numbering, header and closing
  tables, a duty table, a tracked change, content controls, fields, a hyperlink,
  a smart tag), read back and compared with its .txt clause by clause;
- small Word files written from a few lines of XML, one per thing Word hides
  from ``Paragraph.text``: tracked changes, content controls, fields, smart
  tags, numbering, tables, the closing block, damaged and oversized files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ingest.model import ParsedDocument
from ingest.reading.errors import UnreadableFileError
from ingest.reading.readers import read_source
from tests.data.formats.build_docx_corpus import PLANS, build_corpus
from tests.ingest.parity import clause_keys, clause_parity, parse_file

PLAN_STEMS = sorted(p.stem for p in PLANS.glob("*.txt"))
META_FIELDS = ("title", "number", "issuer", "level", "locality", "province", "date", "place",
               "signer", "signer_title", "recipients")

_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# --- the corpus: five plans as Word files -------------------------------------------------


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """Plan stem -> (rendering, .txt parse, .docx parse); built and parsed once per session."""
    out = tmp_path_factory.mktemp("docx_corpus")
    parsed = {}
    for stem, rendering in build_corpus(out).items():
        original = _parse(PLANS / f"{stem}.txt")
        parsed[stem] = (rendering, original, _parse(rendering.path))
    return parsed


def _parse(path: Path) -> ParsedDocument:
    return parse_file(path)[1]


@pytest.mark.parametrize("stem", PLAN_STEMS)
def test_plan_as_word_file_gives_the_clause_tree_of_its_txt(corpus, stem, record_property) -> None:
    rendering, original, converted = corpus[stem]
    report = clause_parity(original, converted)
    record_property("clause_share", report.share)
    assert report.share >= 0.95, report.missing  # 1.0 for every plan when written
    # Word numbering, not typed markers, carries the structure.
    assert rendering.numbered >= 25 and rendering.typed == 0
    # What the .txt does not have is the duty table, row by row, and nothing else.
    extra = clause_keys(converted) - clause_keys(original)
    assert sorted(body for _, _, body in extra.elements()) == sorted(rendering.table_rows)


@pytest.mark.parametrize("stem", PLAN_STEMS)
def test_plan_as_word_file_gives_the_metadata_of_its_txt(corpus, stem) -> None:
    _, original, converted = corpus[stem]
    for name in META_FIELDS:
        assert getattr(converted.meta, name) == getattr(original.meta, name), name


@pytest.mark.parametrize("stem", PLAN_STEMS)
def test_duty_table_rows_are_clauses_of_their_own(corpus, stem) -> None:
    rendering, _, converted = corpus[stem]
    assert len(rendering.table_rows) >= 3
    for row in rendering.table_rows:
        holding = [c for c in converted.clauses if row in " ".join(c.body.split())]
        assert [(c.kind, " ".join(c.body.split())) for c in holding] == [("bullet", row)]


@pytest.mark.parametrize("stem", PLAN_STEMS)
def test_hidden_word_features_show_their_text(corpus, stem) -> None:
    rendering, _, converted = corpus[stem]
    assert {"tracked change", "block content control", "complex field", "simple field", "hyperlink",
            "smart tag", "custom xml"} <= set(rendering.features)
    text = converted.source_text
    assert rendering.inserted in text
    assert "DOCPROPERTY" not in text
    opening = " ".join(rendering.features["block content control"].split()[:8])
    assert any(" ".join(c.body.split()).startswith(opening) for c in converted.clauses)


# --- small Word files from XML -------------------------------------------------------------


def word_file(path: Path, body: str, *, numbering: str = "", styles: str = "", document: str = "") -> Path:
    """Write a minimal .docx whose ``w:body`` holds ``body`` (plus numbering and styles parts)."""
    parts = {"word/document.xml": document or f'<w:document {_NS}><w:body>{body}</w:body></w:document>'}
    relations = []
    overrides = [f'<Override PartName="/word/document.xml" ContentType="{_MAIN}.document.main+xml"/>']
    for name, xml in (("numbering", numbering), ("styles", styles)):
        if xml:
            parts[f"word/{name}.xml"] = f'<w:{name} {_NS}>{xml}</w:{name}>'
            relations.append(f'<Relationship Id="rId{len(relations) + 1}" Type="{_RELS}/{name}" Target="{name}.xml"/>')
            overrides.append(f'<Override PartName="/word/{name}.xml" ContentType="{_MAIN}.{name}+xml"/>')
    package = "http://schemas.openxmlformats.org/package/2006"
    parts["[Content_Types].xml"] = (
        f'<Types xmlns="{package}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{"".join(overrides)}</Types>'
    )
    parts["_rels/.rels"] = (
        f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
        f'Type="{_RELS}/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    parts["word/_rels/document.xml.rels"] = f'<Relationships xmlns="{package}/relationships">{"".join(relations)}</Relationships>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return path


def r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def p(*inner: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{''.join(inner)}</w:p>"


def lines_of(path: Path, **kwargs) -> list[str]:
    """The non-blank lines read from a Word file (paragraphs are separated by blank lines)."""
    return [line for line in read_source(path, **kwargs).text.split("\n") if line.strip()]


def test_tracked_insertions_are_read_and_deletions_left_out(tmp_path: Path) -> None:
    change = 'w:id="{}" w:author="QA" w:date="2026-01-05T08:00:00Z"'
    body = p(
        r("Tỷ lệ bao phủ BHYT đạt trên "),
        f'<w:del {change.format(1)}><w:r><w:delText>95%</w:delText></w:r></w:del>',
        f'<w:ins {change.format(2)}>{r("99,7%")}</w:ins>',
        r(" năm 2026"),
        f'<w:moveFrom {change.format(3)}><w:r><w:t> (chuyển đi)</w:t></w:r></w:moveFrom>',
        f'<w:moveTo {change.format(4)}>{r(".")}</w:moveTo>',
    )
    assert lines_of(word_file(tmp_path / "sua-doi.docx", body)) == ["Tỷ lệ bao phủ BHYT đạt trên 99,7% năm 2026."]


def test_content_controls_block_and_run_level_are_read(tmp_path: Path) -> None:
    body = (
        p(r("Mở đầu."))
        + f'<w:sdt><w:sdtPr><w:alias w:val="Mục tiêu"/></w:sdtPr><w:sdtContent>'
        f'{p(r("Đến năm 2026, tỷ lệ bao phủ đạt trên 95% dân số."))}</w:sdtContent></w:sdt>'
        + p(r("Cơ quan: "), f'<w:sdt><w:sdtContent>{r("Sở Y tế")}</w:sdtContent></w:sdt>', r("."))
    )
    assert lines_of(word_file(tmp_path / "kiem-soat.docx", body)) == [
        "Mở đầu.", "Đến năm 2026, tỷ lệ bao phủ đạt trên 95% dân số.", "Cơ quan: Sở Y tế.",
    ]


def test_fields_show_their_result_never_their_instruction(tmp_path: Path) -> None:
    def char(kind: str) -> str:
        return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'

    def instr(text: str) -> str:
        return f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'

    body = (
        p(r("Chỉ thị số "), f'<w:fldSimple w:instr=" DOCPROPERTY SoChiThi ">{r("52-CT/TW")}</w:fldSimple>',
          r(" ngày "), char("begin"), instr(" DATE \\@ dd/MM/yyyy "), char("separate"), r("03/10/2025"), char("end"))
        # A field nested in another's instruction: its result is part of that instruction, not shown.
        + p(r("Mức: "), char("begin"), instr(" IF "), char("begin"), instr(" DOCPROPERTY Muc "), char("separate"),
            r("1"), char("end"), instr(' = 1 "cao" "thấp" '), char("separate"), r("cao"), char("end"), r("."))
        # A damaged field (no separate, no end) does not swallow the paragraphs after it.
        + p(r("Hỏng "), char("begin"), instr(" PAGE "))
        + p(r("Đoạn sau vẫn đọc được."))
    )
    assert lines_of(word_file(tmp_path / "truong.docx", body)) == [
        "Chỉ thị số 52-CT/TW ngày 03/10/2025", "Mức: cao.", "Hỏng", "Đoạn sau vẫn đọc được.",
    ]


def test_smart_tags_custom_xml_and_hyperlinks_are_read_through(tmp_path: Path) -> None:
    body = p(
        r("Ủy ban nhân dân "),
        f'<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place">{r("tỉnh Ninh Bình")}'
        "</w:smartTag>",
        r(" giao "),
        f'<w:customXml w:uri="urn:bhyt" w:element="coQuan">{r("Sở Y tế")}</w:customXml>',
        r(" theo "),
        f'<w:hyperlink w:anchor="muc-V">{r("mục V")}</w:hyperlink>',
        r("."),
    )
    assert lines_of(word_file(tmp_path / "the.docx", body)) == ["Ủy ban nhân dân tỉnh Ninh Bình giao Sở Y tế theo mục V."]


def test_hidden_text_is_left_out(tmp_path: Path) -> None:
    body = p(r("Kinh phí "), '<w:r><w:rPr><w:vanish/></w:rPr><w:t>(ghi chú ẩn) </w:t></w:r>', r("do ngân sách bảo đảm."))
    assert lines_of(word_file(tmp_path / "an.docx", body)) == ["Kinh phí do ngân sách bảo đảm."]


def _lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{extra}'
            f'<w:lvlText w:val="{text}"/></w:lvl>')


NUMBERING = (
    '<w:abstractNum w:abstractNumId="0">'
    + _lvl(0, "upperRoman", "%1.", extra='<w:pStyle w:val="MucLon"/>') + _lvl(1, "decimal", "%2.")
    + _lvl(2, "lowerLetter", "%3)") + _lvl(3, "decimal", "%2.%4.") + "</w:abstractNum>"
    + '<w:abstractNum w:abstractNumId="1">' + _lvl(0, "bullet", "\uf0b7") + _lvl(1, "bullet", "o")
    + _lvl(2, "bullet", "+") + "</w:abstractNum>"
    + '<w:abstractNum w:abstractNumId="2">' + _lvl(0, "decimal", "%1-", start=3) + "</w:abstractNum>"
    + '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    + '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    + '<w:num w:numId="3"><w:abstractNumId w:val="0"/>'
    '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="5"/></w:lvlOverride></w:num>'
    + '<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>'
)
STYLES = (
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="MucLon"><w:name w:val="Muc lon"/><w:basedOn w:val="Normal"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="MucLonCon"><w:name w:val="Muc lon con"/>'
    '<w:basedOn w:val="MucLon"/></w:style>'
)


def numbered(text: str, num: int, ilvl: int = 0) -> str:
    return p(r(text), ppr=f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr>')


def styled(text: str, style: str, ppr: str = "") -> str:
    return p(r(text), ppr=f'<w:pStyle w:val="{style}"/>{ppr}')


def test_list_numbering_is_written_as_a_reader_sees_it(tmp_path: Path) -> None:
    body = (
        styled("MỤC ĐÍCH, YÊU CẦU", "MucLon")  # numbered through its paragraph style
        + numbered("Mục đích", 1, 1) + numbered("Điểm một;", 1, 2) + numbered("Điểm hai.", 1, 2)
        + numbered("Gạch đầu dòng Symbol", 2, 0) + numbered("Ý con chữ o", 2, 1) + numbered("Ý dấu cộng", 2, 2)
        + numbered("Yêu cầu", 1, 1) + numbered("Điểm mới", 1, 2) + numbered("Chi tiết", 1, 3)
        + styled("MỤC TIÊU", "MucLonCon")  # the style's numbering reached through w:basedOn
        + numbered("Mục tiêu chung", 1, 1) + numbered("", 1, 1) + numbered("Mục tiêu thứ ba", 1, 1)
        + numbered("Đặt lại số từ năm", 3, 1) + numbered("Bắt đầu từ ba", 4, 0) + numbered("Rồi bốn", 4, 0)
        + styled("KHÔNG ĐÁNH SỐ", "MucLon", '<w:numPr><w:numId w:val="0"/></w:numPr>')
    )
    path = word_file(tmp_path / "danh-so.docx", body, numbering=NUMBERING, styles=STYLES)
    assert lines_of(path) == [
        "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "a) Điểm một;", "b) Điểm hai.",
        "- Gạch đầu dòng Symbol", "+ Ý con chữ o", "+ Ý dấu cộng",
        "2. Yêu cầu", "a) Điểm mới", "2.1. Chi tiết",
        "II. MỤC TIÊU", "1. Mục tiêu chung", "3. Mục tiêu thứ ba", "5. Đặt lại số từ năm",
        "3- Bắt đầu từ ba", "4- Rồi bốn", "KHÔNG ĐÁNH SỐ",
    ]
    paths = {c.body: c.path for c in _parse(path).clauses}
    assert paths["MỤC ĐÍCH, YÊU CẦU"] == ("I",)
    assert paths["Điểm hai."] == ("I", "1", "b")
    assert paths["Mục tiêu chung"] == ("II", "1")


def _table(rows: list[list[str]], properties: str) -> str:
    cells = "".join("<w:tr>" + "".join(f"<w:tc>{p(r(cell))}</w:tc>" for cell in row) + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblPr>{properties}</w:tblPr>{cells}</w:tbl>"


GRID = '<w:tblBorders><w:top w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/></w:tblBorders>'


def test_table_rows_are_lines_and_clauses_of_their_own(tmp_path: Path) -> None:
    merged = ('<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>' + p(r("UBND các xã, phường"))
              + "</w:tc><w:tc>" + p() + "</w:tc></w:tr>")
    duties = _table([["Cơ quan", "Nhiệm vụ", "Thời gian"],
                     ["Sở Y tế", "Tuyên truyền chính sách BHYT", "Năm 2026"],
                     ["Bảo hiểm xã hội tỉnh", "Cấp thẻ BHYT đúng hạn", "Hằng năm"]], GRID)
    duties = duties.replace("</w:tbl>", merged + "</w:tbl>")
    styled_table = _table([["Sở Tài chính", "Bố trí kinh phí"]], '<w:tblStyle w:val="LuoiBang"/>')
    styles = ('<w:style w:type="table" w:styleId="LuoiBang"><w:name w:val="Luoi bang"/><w:tblPr>'
              f'{GRID}</w:tblPr></w:style>')
    body = (
        p(r("I. TỔ CHỨC THỰC HIỆN")) + p(r("1. Phân công nhiệm vụ"))
        + p(r("- Các sở, ngành triển khai theo bảng sau, bảo đảm đúng tiến độ"))
        + duties + styled_table + p(r("2. Chế độ báo cáo"))
    )
    path = word_file(tmp_path / "bang.docx", body, styles=styles)
    assert lines_of(path)[3:] == [
        "- Cơ quan — Nhiệm vụ — Thời gian",
        "- Sở Y tế — Tuyên truyền chính sách BHYT — Năm 2026",
        "- Bảo hiểm xã hội tỉnh — Cấp thẻ BHYT đúng hạn — Hằng năm",
        "- UBND các xã, phường",
        "- Sở Tài chính — Bố trí kinh phí",
        "2. Chế độ báo cáo",
    ]
    clauses = [(c.kind, c.path, c.body) for c in _parse(path).clauses]
    assert clauses[2:] == [
        ("bullet", ("I", "1", "1"), "Các sở, ngành triển khai theo bảng sau, bảo đảm đúng tiến độ"),
        ("bullet", ("I", "1", "2"), "Cơ quan — Nhiệm vụ — Thời gian"),
        ("bullet", ("I", "1", "3"), "Sở Y tế — Tuyên truyền chính sách BHYT — Năm 2026"),
        ("bullet", ("I", "1", "4"), "Bảo hiểm xã hội tỉnh — Cấp thẻ BHYT đúng hạn — Hằng năm"),
        ("bullet", ("I", "1", "5"), "UBND các xã, phường"),
        ("bullet", ("I", "1", "6"), "Sở Tài chính — Bố trí kinh phí"),
        ("item", ("I", "2"), "Chế độ báo cáo"),
    ]


def test_paragraph_after_a_table_starts_its_own_clause(tmp_path: Path) -> None:
    body = (p(r("I. TỔ CHỨC THỰC HIỆN")) + _table([["Sở Y tế", "Năm 2026"]], GRID)
            + p(r("Các cơ quan báo cáo kết quả trước ngày 20/11 hằng năm.")))
    clauses = [(c.kind, c.body) for c in _parse(word_file(tmp_path / "sau-bang.docx", body)).clauses]
    assert clauses[1:] == [("bullet", "Sở Y tế — Năm 2026"),
                           ("paragraph", "Các cơ quan báo cáo kết quả trước ngày 20/11 hằng năm.")]


def test_closing_paragraph_and_block_are_not_glued_onto_the_last_bullet(tmp_path: Path) -> None:
    last = "Tự kiểm tra, giám sát việc thực hiện chính sách BHYT tại địa bàn, kịp thời tháo gỡ vướng mắc."
    closing = "Đề nghị các Sở, ban, ngành, UBND xã, phường triển khai thực hiện./."
    recipients = "".join(p(r(t)) for t in ("Nơi nhận:", "- Ban Thường vụ Thành ủy;", "- Lưu: VT, XH."))
    signature = "".join(p(r(t)) for t in ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Hữu Thùy Giang"))
    body = (
        p(r("KẾ HOẠCH")) + p(r("Thực hiện Chỉ thị số 52-CT/TW về bảo hiểm y tế toàn dân"))
        + p(r("I. TỔ CHỨC THỰC HIỆN")) + p(r("1. UBND các xã, phường")) + p(r(f"- {last}")) + p(r(closing))
        + f"<w:tbl><w:tblPr/><w:tr><w:tc>{recipients}</w:tc><w:tc>{signature}</w:tc></w:tr></w:tbl>"
    )
    document = _parse(word_file(tmp_path / "ket-thuc.docx", body))
    assert [(c.kind, c.path, c.body) for c in document.clauses] == [
        ("section", ("I",), "TỔ CHỨC THỰC HIỆN"),
        ("item", ("I", "1"), "UBND các xã, phường"),
        ("bullet", ("I", "1", "1"), last),
        ("paragraph", ("p1",), closing),
    ]
    assert document.meta.recipients == ("Ban Thường vụ Thành ủy", "Lưu: VT, XH")
    assert (document.meta.signer, document.meta.signer_title) == ("Trần Hữu Thùy Giang", "PHÓ CHỦ TỊCH")


def test_header_layout_table_keeps_the_metadata(tmp_path: Path) -> None:
    left = "".join(p(r(t)) for t in ("ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH", "Số: 12/KH-UBND"))
    right = "".join(p(r(t)) for t in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                      "Ninh Bình, ngày 05 tháng 01 năm 2026"))
    body = (f"<w:tbl><w:tblPr/><w:tr><w:tc>{left}</w:tc><w:tc>{right}</w:tc></w:tr></w:tbl>"
            + p(r("KẾ HOẠCH")) + p(r("Thực hiện Chỉ thị số 52-CT/TW")) + p(r("I. MỤC ĐÍCH")) + p(r("1. Mục đích")))
    meta = _parse(word_file(tmp_path / "dau.docx", body)).meta
    assert (meta.number, meta.date, meta.place, meta.locality) == ("12/KH-UBND", "2026-01-05", "Ninh Bình", "Ninh Bình")


def test_malformed_document_xml_is_a_vietnamese_error_naming_the_file(tmp_path: Path) -> None:
    broken = f'<w:document {_NS}><w:body><w:p><w:r><w:t>Kế hoạch</w:r></w:p></w:body></w:document>'
    path = word_file(tmp_path / "hong.docx", "", document=broken)
    with pytest.raises(UnreadableFileError) as caught:
        read_source(path)
    assert "'hong.docx'" in caught.value.message and "bị hỏng" in caught.value.message


def test_huge_text_node_is_a_vietnamese_error_naming_the_file(tmp_path: Path) -> None:
    # lxml refuses a text node over 10,000,000 characters unless huge_tree is on (it stays off).
    path = word_file(tmp_path / "nut-lon.docx", p(r("a" * 10_500_000)))
    assert path.stat().st_size < 100_000
    with pytest.raises(UnreadableFileError) as caught:
        read_source(path)
    assert "'nut-lon.docx'" in caught.value.message and "vượt giới hạn đọc" in caught.value.message


def test_document_part_expanding_past_the_size_limit_is_refused(tmp_path: Path) -> None:
    body = p(r("Tăng cường công tác tuyên truyền về bảo hiểm y tế. ")) * 30_000  # about 3.5 MB of XML
    path = word_file(tmp_path / "phinh.docx", body)
    assert path.stat().st_size < 200_000
    with pytest.raises(UnreadableFileError) as caught:
        read_source(path, max_bytes=1024 * 1024)
    assert "'phinh.docx'" in caught.value.message and "quá lớn" in caught.value.message
    assert len(lines_of(path, max_bytes=4 * 1024 * 1024)) == 30_000  # within the limit it reads
