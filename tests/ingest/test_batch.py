"""Tests for ingest/batch.py: one file's failure never stops the batch; every problem is said in Vietnamese."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

import ingest.batch as batch
from assistant.commands import ingest_cmd
from assistant.commands.cli import INTERNAL_ERROR, main
from ingest.batch import expand_paths, ingest_paths
from ingest.pipeline import parse_text
from settings import load_settings
from tests import plans
from tests.plans import PLANS

ROOT = Path(__file__).resolve().parents[2]
HUE = PLANS / plans.HUE
NINH_BINH = PLANS / plans.NINH_BINH
HUE_DOCX = ROOT / "tests" / "data" / "formats" / "hue.docx"
SETTINGS = load_settings(environ={}, ocr_repair=False)
ENGLISH = re.compile(r"Errno|Traceback|Permission denied|No such file|Error:", re.IGNORECASE)


def _damaged_docx(path: Path) -> None:
    """hue.docx with its document.xml cut in half (malformed XML)."""
    with zipfile.ZipFile(HUE_DOCX) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)


def test_a_damaged_word_file_does_not_stop_the_good_files(tmp_path):
    shutil.copy(HUE, tmp_path / "a.txt")
    _damaged_docx(tmp_path / "b.docx")
    shutil.copy(NINH_BINH, tmp_path / "c.txt")
    report = ingest_paths([tmp_path], settings=SETTINGS)
    assert [Path(d.meta.source_path).name for d in report.documents] == ["a.txt", "c.txt"]
    [skipped] = report.skipped
    assert "b.docx" in skipped.message and not ENGLISH.search(skipped.message)
    assert set(report.seconds) == {str(tmp_path / n) for n in ("a.txt", "b.docx", "c.txt")}


def test_an_unexpected_error_on_one_file_is_a_skip_not_a_crash(tmp_path, monkeypatch):
    shutil.copy(HUE, tmp_path / "a.txt")
    shutil.copy(NINH_BINH, tmp_path / "b.txt")

    def fragile(text, source_path, **kwargs):
        if source_path.endswith("a.txt"):
            raise IndexError("a bug met on strange input")
        return parse_text(text, source_path, **kwargs)

    monkeypatch.setattr(batch, "parse_text", fragile)
    report = ingest_paths([tmp_path], settings=SETTINGS)
    assert [Path(d.meta.source_path).name for d in report.documents] == ["b.txt"]
    assert "Lỗi không lường trước khi đọc tệp 'a.txt' (IndexError)" in report.skipped[0].message


def test_a_permission_error_is_said_in_vietnamese(tmp_path, monkeypatch):
    shutil.copy(HUE, tmp_path / "a.txt")

    def denied(path, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(batch, "read_source", denied)
    [skipped] = ingest_paths([tmp_path / "a.txt"], settings=SETTINGS).skipped
    assert skipped.message == "Không có quyền đọc 'a.txt'; hãy kiểm tra quyền truy cập tệp."


def test_links_fifos_and_old_word_files_are_named_not_lost(tmp_path):
    (tmp_path / "vong").symlink_to(tmp_path / "vong")
    (tmp_path / "hong").symlink_to(tmp_path / "khong-co")
    os.mkfifo(tmp_path / "ong")
    folder = tmp_path / "kho"
    folder.mkdir()
    (folder / "ke-hoach-cu.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "anh.png").write_bytes(b"\x89PNG")
    shutil.copy(HUE, folder / "a.txt")
    files, problems = expand_paths([tmp_path / "vong", tmp_path / "hong", tmp_path / "ong", folder])
    assert files == [str(folder / "a.txt")]
    messages = {Path(p.source_path).name: p.message for p in problems}
    assert "liên kết tượng trưng bị hỏng hoặc tạo vòng lặp" in messages["vong"]
    assert "liên kết tượng trưng bị hỏng hoặc tạo vòng lặp" in messages["hong"]
    assert "không phải tệp thông thường" in messages["ong"]
    assert "Word cũ (.doc)" in messages["ke-hoach-cu.doc"]
    assert "anh.png" not in messages  # not a plan format: passed over
    assert not any(ENGLISH.search(m) for m in messages.values())


def test_a_document_over_the_character_limit_is_skipped_with_a_reason(tmp_path):
    (tmp_path / "mot-dong.txt").write_text("KẾ HOẠCH " + "bảo hiểm y tế " * 200_000, encoding="utf-8")
    shutil.copy(HUE, tmp_path / "hue.txt")
    report = ingest_paths([tmp_path], settings=SETTINGS)
    assert [Path(d.meta.source_path).name for d in report.documents] == ["hue.txt"]
    assert "quá dài (2.800.009 ký tự, giới hạn 1.000.000)" in report.skipped[0].message
    assert report.seconds[str(tmp_path / "mot-dong.txt")] < 5


def test_the_summary_counts_every_clause_kind_letters_included(tmp_path):
    plan = tmp_path / "diem.txt"
    plan.write_text("KẾ HOẠCH\nI. MỤC TIÊU\n1. Mục tiêu chung\na) Tăng tỷ lệ bao phủ.\nb) Giảm chi phí.\n",
                    encoding="utf-8")
    [document] = ingest_paths([plan], settings=SETTINGS).documents
    [line] = [x for x in ingest_cmd.describe_document(document) if "Điều khoản" in x]
    assert "Điều khoản: 4 (phần 1, mục 1, điểm 2)" in line


def test_an_internal_error_exits_three_with_a_vietnamese_message(tmp_path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ingest_cmd, "run_ingest", broken)
    monkeypatch.delenv("BHYT_DEBUG", raising=False)
    assert main(["ingest", str(HUE), "--no-index"]) == INTERNAL_ERROR == 3
    err = capsys.readouterr().err
    assert "Lỗi nội bộ không lường trước (RuntimeError: boom)" in err and "Traceback" not in err


@pytest.mark.parametrize("code", [0, 1, 2])
def test_ingest_exit_codes_are_distinct(tmp_path, code, capsys):
    paths = {0: [str(HUE)], 1: [str(HUE), str(tmp_path / "khong-co.txt")], 2: [str(tmp_path / "khong-co.txt")]}
    assert main(["ingest", *paths[code], "--no-index"]) == code
