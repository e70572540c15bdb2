"""Bad input for ingest/reading/readers.py: each case gives a Vietnamese message naming the file."""

from __future__ import annotations

import random
import shutil
import zipfile
from pathlib import Path

import pytest

from ingest.reading.errors import UnreadableFileError
from ingest.reading.readers import read_source

FORMATS = Path(__file__).resolve().parents[2] / "tests" / "data" / "formats"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00\x90\x91h6"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _encrypted_pdf(path: Path) -> Path:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(FORMATS / "hue.pdf"))
    writer.encrypt("mat-khau")
    writer.write(str(path))
    return path


def _zip_without_word_part(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "không phải tài liệu Word")
    return path


CASES = {
    "empty": (lambda d: _write(d / "rong.txt", b""), "rỗng"),
    "whitespace only": (lambda d: _write(d / "trang.txt", b" \n\t\n"), "không có nội dung chữ"),
    "png renamed .txt": (lambda d: _write(d / "anh.txt", PNG_HEADER + bytes(200)), "nhị phân"),
    "random bytes": (lambda d: _write(d / "ngau-nhien.md", random.Random(0).randbytes(4096)), "nhị phân"),
    "scanned pdf": (lambda d: Path(shutil.copy(FORMATS / "scanned.pdf", d / "ban-quet.pdf")), "bản quét không có lớp chữ"),
    "docx not a zip": (lambda d: _write(d / "gia.docx", "Kế hoạch".encode()), "không phải tệp Word"),
    "zip without word part": (lambda d: _zip_without_word_part(d / "nen.docx"), "không phải tệp Word"),
    "corrupt pdf": (lambda d: _write(d / "hong.pdf", (FORMATS / "hue.pdf").read_bytes()[:3000]), "không phải PDF hợp lệ"),
    "encrypted pdf": (lambda d: _encrypted_pdf(d / "khoa.pdf"), "mật khẩu"),
    "unsupported extension": (lambda d: _write(d / "bang.xlsx", b"PK\x03\x04"), "chưa được hỗ trợ"),
    "legacy word .doc": (lambda d: _write(d / "cu.doc", b"\xd0\xcf\x11\xe0"), "hãy lưu lại thành .docx"),
    "directory": (lambda d: _mkdir(d / "thu-muc.txt"), "không phải là một tệp"),
    "missing": (lambda d: d / "khong-co.txt", "Không tìm thấy tệp"),
}


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gives_vietnamese_message_naming_the_file(case: str, tmp_path: Path) -> None:
    make, phrase = CASES[case]
    path = make(tmp_path)
    with pytest.raises(UnreadableFileError) as caught:
        read_source(path)
    assert f"'{path.name}'" in caught.value.message
    assert phrase in caught.value.message
    assert caught.value.path == str(path)


def test_50_mb_file_is_refused_without_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "qua-lon.txt"
    with path.open("wb") as handle:  # sparse: no 50 MB write
        handle.truncate(50 * 1024 * 1024)

    def refuse(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(UnreadableFileError) as caught:
        read_source(path, max_bytes=20 * 1024 * 1024)
    assert caught.value.message.startswith("Tệp 'qua-lon.txt' quá lớn (50,0 MB, giới hạn 20,0 MB)")


def test_max_bytes_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_bytes must be > 0, got 0"):
        read_source(_write(tmp_path / "a.txt", b"a"), max_bytes=0)
