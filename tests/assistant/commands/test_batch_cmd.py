"""Tests for ``python -m assistant batch``: one JSON line per input line, in order."""

import json

from assistant.commands.cli import main


def test_batch_answers_in_order_and_reports_bad_lines(tiny_index_dir, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join([
        json.dumps({"id": "a", "question": "Mục tiêu bao phủ năm 2026 của Ninh Bình là bao nhiêu?"}, ensure_ascii=False),
        "{không phải json",
        "",
        json.dumps({"id": 7}),
        json.dumps({"id": "b", "question": "Kinh phí thực hiện kế hoạch của Huế lấy từ nguồn nào?"}, ensure_ascii=False),
    ]), encoding="utf-8")
    out = tmp_path / "answers.jsonl"
    assert main(["batch", str(questions), "--out", str(out), "--index", str(tiny_index_dir)]) == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("id") for r in rows] == ["a", None, "7", "b"]
    assert "95%" in rows[0]["answer"] and rows[0]["citations"]
    assert rows[1]["line"] == 2 and "JSON" in rows[1]["error"]
    assert rows[2]["line"] == 4 and "question" in rows[2]["error"]
    assert "ngân sách" in rows[3]["answer"]
    assert "Đã trả lời 2 câu hỏi; 2 dòng lỗi." in capsys.readouterr().err


def test_batch_to_stdout_all_good(tiny_index_dir, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "x", "question": "ai chu tri bo tri kinh phi o hue"}) + "\n",
                         encoding="utf-8")
    assert main(["batch", str(questions), "--index", str(tiny_index_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["id"] == "x"


def test_batch_missing_file(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "none.jsonl")]) == 2
    assert "không đọc được tệp câu hỏi" in capsys.readouterr().err
