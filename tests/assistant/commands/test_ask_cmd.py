"""Tests for ``python -m assistant ask`` through its entry point (exit codes, output shape)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.commands.cli import main

ROOT = Path(__file__).resolve().parents[3]
QUESTION = "Mục tiêu tỷ lệ bao phủ BHYT năm 2026 của Ninh Bình là bao nhiêu?"


@pytest.mark.slow
def test_ask_json_through_python_m(tiny_index_dir):
    env = {**os.environ, "BHYT_INDEX_DIR": str(tiny_index_dir)}
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", QUESTION, "--json", "--k", "5"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"question", "answer", "abstained", "mode", "citations", "retrieved", "timings_ms"} <= set(data)
    assert data["mode"] == "extractive" and data["abstained"] is False and "95%" in data["answer"]
    assert len(data["retrieved"]) <= 5
    assert set(data["citations"][0]) == {"n", "id", "doc_id", "doc_title", "locality", "section", "text",
                                         "char_start", "char_end", "score"}


def test_ask_prints_answer_then_sources(tiny_index_dir, capsys):
    assert main(["ask", QUESTION, "--index", str(tiny_index_dir), "--locality", "Ninh Bình"]) == 0
    out = capsys.readouterr().out
    first, _, rest = out.partition("\n")
    assert "95%" in first and "[1]" in first
    assert "Nguồn:" in rest and "«- Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%.»" in rest


def test_empty_question_is_a_usage_error(capsys):
    assert main(["ask", "  "]) == 2
    assert "chưa nhập câu hỏi" in capsys.readouterr().err


def test_missing_index_is_reported_in_vietnamese(tmp_path, capsys):
    assert main(["ask", QUESTION, "--index", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and str(tmp_path / "none") in err


def test_bad_k_and_mode(tiny_index_dir, capsys):
    assert main(["ask", QUESTION, "--index", str(tiny_index_dir), "--k", "0"]) == 2
    assert "--k phải lớn hơn 0" in capsys.readouterr().err
    try:
        main(["ask", QUESTION, "--mode", "gpt"])
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("argparse accepted --mode gpt")


@pytest.mark.parametrize("argv", [["ask", "kinh ph\udcff"], ["ask", "kinh phí", "--locality", "Hu\udce1"]])
def test_undecodable_argv_is_a_vietnamese_usage_error(argv, capsys):
    # Python hands non-UTF-8 argv bytes over as lone surrogates (surrogateescape).
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "không đọc được theo UTF-8" in err and "Traceback" not in err


def test_non_utf8_argv_bytes_through_python_m(tmp_path):
    env = {**os.environ, "BHYT_INDEX_DIR": str(tmp_path / "none"), "LC_ALL": "C.UTF-8"}
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", b"kinh ph\xed c\xf1a Hu\xea"],
                          cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert done.returncode == 2
    err = done.stderr.decode("utf-8")
    assert "ký tự thứ 8" in err and "Traceback" not in err and done.stdout == b""


def test_json_output_of_a_hostile_question_is_clean(tiny_index_dir, capsys):
    assert main(["ask", "<script>x</script>Kinh phí\u2028của Huế\u202e?", "--json", "--index", str(tiny_index_dir)]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["question"] == "Kinh phí của Huế?" and "notices" in data
    assert "\u2028" not in out and "<script>" not in out
