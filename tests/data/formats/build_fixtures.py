"""Build the committed format and encoding fixtures of tests/data/formats/.

Run once (needs LibreOffice and poppler's pdftoppm; not needed by the tests):

    python tests/data/formats/build_fixtures.py

It writes, from real text of the Huế plan (data/plans/hue_KH-UBND.txt):

- ``paragraph.<encoding>.txt``: the same heading and paragraph saved as UTF-8,
  UTF-8 with BOM, UTF-16 LE/BE with BOM, UTF-16 LE without BOM, Windows-1258
  with decomposed tone marks (as Windows saves it), TCVN3 and VNI;
- ``mixed_legacy.txt``: a UTF-8 file with one TCVN3 and one VNI paragraph pasted in;
- ``hue.docx`` and ``hue.pdf``: the whole plan typeset in a Word document
  (Times New Roman 13 pt, justified, one paragraph per line, plus a header table)
  and converted by LibreOffice;
- ``scanned.pdf``: page 1 of ``hue.pdf`` rendered to a 50 dpi grey image and
  wrapped as a PDF without a text layer.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from ingest.reading.legacy_fonts import encode_legacy
from ingest.vntext import split_tone  # noqa: E402

PLAN = ROOT / "data" / "plans" / "hue_KH-UBND.txt"
# Lines 14-17 of the Huế plan with their heading (hard wraps and blank line removed).
PARAGRAPH = (
    "I. MỤC ĐÍCH, YÊU CẦU\n"
    "1. Mục đích\n"
    "- Nâng cao nhận thức, trách nhiệm của các cấp, các ngành, tổ chức và người dân về bảo hiểm y tế "
    "trong giai đoạn mới; tạo sự chuyển biến mạnh mẽ trong nhận thức và hành động, xác định việc tham "
    "gia bảo hiểm y tế là quyền lợi và trách nhiệm của mọi người dân và toàn xã hội.\n"
)
# The header block these plans carry, for the table path of the .docx reader.
HEADER_CELLS = (("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HUẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),)
TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes it: base letter (â, ơ, đ... kept whole) + combining tone mark."""
    out = []
    for char in text:
        base, tone = split_tone(char)
        out.append(base + ("" if tone == 0 else {1: "\u0300", 2: "\u0301", 3: "\u0309", 4: "\u0303", 5: "\u0323"}[tone]))
    return "".join(out).encode("cp1258")


def paragraph_variants(text: str = PARAGRAPH) -> dict[str, bytes]:
    """File name suffix -> bytes of ``text`` in each supported encoding."""
    return {
        "utf8": text.encode("utf-8"),
        "utf8-bom": text.encode("utf-8-sig"),
        "utf16le-bom": b"\xff\xfe" + text.encode("utf-16-le"),
        "utf16be-bom": b"\xfe\xff" + text.encode("utf-16-be"),
        "utf16le-nobom": text.encode("utf-16-le"),
        "cp1258": encode_cp1258(text),
        "tcvn3": encode_legacy(text, "tcvn3"),
        "vni": encode_legacy(text, "vni"),
    }


def mixed_legacy_text() -> str:
    """A Unicode file with a TCVN3 line and a VNI line pasted from old documents."""
    tcvn3_line = "- Xác định việc thực hiện bảo hiểm y tế toàn dân là điều kiện tiên quyết bảo đảm cho công tác bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân."
    vni_line = "- Tăng cường công tác phối hợp, kiểm tra, giám sát, sơ kết, tổng kết, rút kinh nghiệm trong quá trình triển khai."
    return (
        "2. Yêu cầu\n"
        + encode_legacy(tcvn3_line, "tcvn3").decode("latin-1") + "\n"
        + "- Các cơ quan, đơn vị, địa phương xây dựng chương trình, kế hoạch hành động cụ thể.\n"
        + encode_legacy(vni_line, "vni").decode("latin-1") + "\n"
    )


def write_plan_docx(text: str, path: Path, *, header_table: bool = True) -> None:
    """Typeset a plan as a Word document: TNR 13 pt, justified, one paragraph per non-blank line."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    if header_table:
        table = document.add_table(rows=len(HEADER_CELLS), cols=2)
        for row, cells in zip(table.rows, HEADER_CELLS, strict=True):
            for cell, cell_text in zip(row.cells, cells, strict=True):
                lines = cell_text.split("\n")
                cell.paragraphs[0].text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.strip()).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    document.save(str(path))


def libreoffice_convert(source: Path, target_format: str, out_dir: Path) -> Path:
    """Convert ``source`` with headless LibreOffice; return the written file."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        raise RuntimeError("LibreOffice not found (apt-get install libreoffice-writer-nogui)")
    subprocess.run(
        [office, "--headless", "--convert-to", target_format, "--outdir", str(out_dir), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return out_dir / f"{source.stem}.{target_format}"


def scanned_pdf(pdf: Path, target: Path, dpi: int = 50) -> None:
    """Render page 1 of ``pdf`` to a grey image and save it as an image-only PDF."""
    from PIL import Image

    png = subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-gray", "-png", str(pdf)],
        check=True, capture_output=True, timeout=120,
    ).stdout
    Image.open(io.BytesIO(png)).save(target, "PDF", resolution=dpi)


def main() -> None:
    for suffix, data in paragraph_variants().items():
        (HERE / f"paragraph.{suffix}.txt").write_bytes(data)
    (HERE / "mixed_legacy.txt").write_text(mixed_legacy_text(), encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "hue.docx"
        write_plan_docx(PLAN.read_text(encoding="utf-8"), source)
        out = work / "out"
        out.mkdir()
        shutil.copy(libreoffice_convert(source, "pdf", out), HERE / "hue.pdf")
        shutil.copy(libreoffice_convert(source, "docx", out), HERE / "hue.docx")
    scanned_pdf(HERE / "hue.pdf", HERE / "scanned.pdf")
    for path in sorted(HERE.iterdir()):
        print(f"{path.stat().st_size:>8}  {path.name}")


if __name__ == "__main__":
    main()
