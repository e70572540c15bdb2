"""Tests for ``python -m assistant ingest`` through its entry point: output, --dump JSON, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, index: bool = False, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m assistant ingest``; without ``index`` it only parses (``--no-index``)."""
    flags = [] if index else ["--no-index"]
    return subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", *args, *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow
def test_ingest_indexes_and_skips_unchanged_files(tmp_path):
    # Vectors come from the session cache (BHYT_VECTOR_CACHE, tests/conftest.py): this test is about
    # the index and the unchanged-file check, not about embedding.
    env = {"BHYT_INDEX_DIR": str(tmp_path / "index")}
    first = run_cli("data/plans/dak-doa-gia-lai_KH-DU_2026.txt", index=True, env=env)
    assert first.returncode == 0, first.stderr
    assert "Thêm mới (1): dak-doa-gia-lai_KH-DU_2026" in first.stdout
    assert (tmp_path / "index" / "manifest.json").is_file()
    again = run_cli("data/plans/dak-doa-gia-lai_KH-DU_2026.txt", index=True, env=env)
    assert again.returncode == 0, again.stderr
    assert "Không đổi (1): dak-doa-gia-lai_KH-DU_2026" in again.stdout
    assert "Đã nhúng 0 đoạn mới" in again.stdout


def test_ingest_reports_ocr_damage_and_repair():
    result = run_cli("data/plans/dong-nai_646-KH-TU_2026-01-09.txt")
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "Mức hư hại OCR" in x)
    assert float(line.split(":")[1].split()[0]) > 0.5 and "bản đọc lại có dấu" in line
    clean = run_cli("data/plans/hue_KH-UBND.txt")
    assert "bản đọc lại có dấu" not in clean.stdout


def test_ingest_bundled_plans_with_dump(tmp_path):
    out = tmp_path / "out.json"
    result = run_cli("data/plans", "--dump", str(out))
    assert result.returncode == 0, result.stderr
    assert "Địa phương: Đồng Nai (tỉnh)" in result.stdout
    assert "Địa phương: Đak Đoa (xã, tỉnh Gia Lai)" in result.stdout
    assert "Số: 646-KH/TU · Ngày: 2026-01-09" in result.stdout
    assert "Độ sâu:" in result.stdout and "Cảnh báo: Không tìm thấy số văn bản." in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    docs = {Path(d["source"]).name: d for d in data["documents"]}
    assert len(docs) == 5
    assert all(d["source"].startswith("data/plans/") for d in data["documents"])
    dong_nai = docs["dong-nai_646-KH-TU_2026-01-09.txt"]
    assert dong_nai["meta"]["locality"] == "Đồng Nai" and dong_nai["meta"]["number"] == "646-KH/TU"
    source = (ROOT / dong_nai["source"]).read_text(encoding="utf-8")
    for clause in dong_nai["clauses"]:
        assert {"id", "kind", "path", "text", "char_start", "char_end", "body", "titles", "parent_id"} <= set(clause)
        assert source[clause["char_start"] : clause["char_end"]] == clause["text"]
    kinds = {c["kind"] for c in dong_nai["clauses"]}
    assert kinds == {"section", "item", "bullet", "attribute", "footnote", "paragraph"}


def test_some_files_skipped_exit_one(tmp_path):
    bad = tmp_path / "binary.txt"
    bad.write_bytes(bytes(range(256)) * 4)
    result = run_cli("data/plans/hue_KH-UBND.txt", str(bad))
    assert result.returncode == 1
    assert "Bỏ qua:" in result.stderr and "binary.txt" in result.stderr
    assert "Địa phương: Huế (thành phố)" in result.stdout


def test_nothing_ingested_exit_two(tmp_path):
    result = run_cli(str(tmp_path / "không-có.txt"))
    assert result.returncode == 2
    assert "không-có.txt" in result.stderr
    empty = tmp_path / "rỗng"
    empty.mkdir()
    result = run_cli(str(empty))
    assert result.returncode == 2 and "không tìm thấy tệp" in result.stderr.lower()
