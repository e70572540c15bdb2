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
    assert [r.get("id") for r in rows] == ["a", None, None, "7", "b"]
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5]
    assert "95%" in rows[0]["answer"] and rows[0]["citations"] and rows[0]["refused"] is False
    assert "JSON" in rows[1]["error"] and "Dòng 2" in rows[1]["error"]
    assert "trống" in rows[2]["error"]  # a blank line keeps its place: one output line per input line
    assert "question" in rows[3]["error"]
    assert "ngân sách" in rows[4]["answer"]
    assert "Đã trả lời 2 câu hỏi; 3 dòng lỗi." in capsys.readouterr().err


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


def run_batch(tiny_index_dir, tmp_path, content: bytes, *extra: str) -> tuple[int, list[dict], bytes]:
    """Run ``batch`` on ``content`` (bytes, written as is); return exit code, output records, raw output."""
    questions = tmp_path / "q.jsonl"
    questions.write_bytes(content)
    out = tmp_path / "answers.jsonl"
    code = main(["batch", str(questions), "--out", str(out), "--index", str(tiny_index_dir), *extra])
    raw = out.read_bytes()
    # Split the way the strictest reader would (every Unicode line end): still one record per line.
    return code, [json.loads(line) for line in raw.decode("utf-8").splitlines()], raw


def test_hostile_lines_each_get_one_vietnamese_error_line(tiny_index_dir, tmp_path, capsys):
    good = json.dumps({"id": "ok", "question": "Kinh phí thực hiện kế hoạch của Huế?"}, ensure_ascii=False)
    lines = [
        b'{"id": "s", "question": "ai chu tri \\ud83d kinh phi"}',   # lone surrogate (escaped)
        b'{"id": "x", "question": "kinh ph\xff"}',                    # not UTF-8
        b'[1, 2, 3]',                                                  # not an object
        b'"just a string"',
        b'{"id": "n", "question": 42}',                                # mistyped question
        b'{"id": "loc", "question": "kinh phi", "locality": ["Hu\xe1\xba\xbf"]}',
        b'[' * 100_000,                                                # nesting too deep
        b'{"id": "big", "question": 1' + b'0' * 5000 + b'}',          # a number too long to convert
        b'{"id": "huge", "question": "' + b'a' * (1 << 20) + b'"}',    # over MAX_LINE_BYTES
        b'   \t ',
        good.encode(),
    ]
    code, rows, _ = run_batch(tiny_index_dir, tmp_path, b"\n".join(lines) + b"\n")
    assert code == 1
    assert [r["line"] for r in rows] == list(range(1, 12))
    assert [r.get("id") for r in rows] == ["s", None, None, None, "n", "loc", None, None, None, None, "ok"]
    errors = [r["error"] for r in rows[:10]]
    assert all(e.startswith(f"Dòng {n}") for n, e in enumerate(errors, 1)), errors
    assert "nửa cặp thay thế" in errors[0] and "UTF-8" in errors[1] and "đối tượng JSON" in errors[2]
    assert "question" in errors[4] and "locality" in errors[5] and "lồng quá sâu" in errors[6]
    assert "quá dài" in errors[8] and "trống" in errors[9]
    assert "ngân sách" in rows[10]["answer"] and rows[10]["refused"] is False
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Đã trả lời 1 câu hỏi; 10 dòng lỗi." in err


def test_line_separators_inside_strings_do_not_split_lines(tiny_index_dir, tmp_path):
    record = {"id": "a\u2028b", "question": "Kinh phí\u2028của Huế\u2029lấy từ\x85nguồn nào?"}
    content = "\ufeff" + json.dumps(record, ensure_ascii=False) + "\r\n" + json.dumps({"id": "c", "question": "?!"})
    code, rows, raw = run_batch(tiny_index_dir, tmp_path, content.encode("utf-8"))
    assert len(rows) == 2 and raw.count(b"\n") == 2
    assert rows[0]["id"] == "a\u2028b" and rows[0]["question"] == "Kinh phí của Huế lấy từ nguồn nào?"
    assert "\u2028".encode() not in raw and b"\\u2028" in raw
    assert rows[1]["refused"] is True and rows[1]["question"] == "?!"
    assert code == 1  # a refused question is not an answer


def test_markup_is_never_echoed_in_batch_output(tiny_index_dir, tmp_path):
    line = json.dumps({"id": 5, "question": "<script>alert(1)</script><b>Kinh phí</b> của Huế?"})
    code, rows, raw = run_batch(tiny_index_dir, tmp_path, line.encode())
    assert code == 0 and rows[0]["id"] == "5" and rows[0]["question"] == "Kinh phí của Huế?"
    assert b"<script>" not in raw and b"alert" not in raw


def test_internal_error_on_a_line_exits_3_after_every_line(tiny_index_dir, tmp_path, capsys, monkeypatch):
    from assistant.service import Assistant

    real_ask = Assistant.ask

    def ask(self, question, **kwargs):
        if "boom" in question:
            raise RuntimeError("index unavailable")
        return real_ask(self, question, **kwargs)

    monkeypatch.setattr(Assistant, "ask", ask)
    monkeypatch.delenv("BHYT_DEBUG", raising=False)
    lines = [json.dumps({"id": 0, "question": "boom"}), "{", json.dumps({"id": 2, "question": "kinh phi cua Hue"})]
    code, rows, _ = run_batch(tiny_index_dir, tmp_path, "\n".join(lines).encode())
    assert code == 3
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert "Lỗi nội bộ" in rows[0]["error"] and "RuntimeError" in rows[0]["error"] and "answer" in rows[2]
    err = capsys.readouterr().err
    assert "Traceback" not in err and "1 dòng gặp lỗi nội bộ" in err


def test_unwritable_output_is_an_input_error(tiny_index_dir, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": 1, "question": "kinh phi"}', encoding="utf-8")
    code = main(["batch", str(questions), "--out", str(tmp_path / "no" / "dir.jsonl"), "--index", str(tiny_index_dir)])
    assert code == 2 and "không ghi được tệp kết quả" in capsys.readouterr().err


def test_directory_as_input_is_an_input_error(tmp_path, capsys):
    assert main(["batch", str(tmp_path)]) == 2
    assert "không đọc được tệp câu hỏi" in capsys.readouterr().err
