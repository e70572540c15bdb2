"""Tests for eval/runner.py, eval/report.py and the ``python -m eval`` argument checks,
with hand-made systems over real text of the Huế and Ninh Bình plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import __main__ as cli
from eval.evidence import EvidenceLocator
from eval.faithfulness import CitedClause
from eval.gold.questions import GoldFormatError
from eval.metrics import RetrievedSpan
from eval.report import markdown_report, results_json, terminal_report, write_outputs
from eval.runner import (
    SystemOutput,
    compare_runs,
    evaluate,
    load_gold,
    select,
)

PLANS = Path(__file__).resolve().parents[2] / "data" / "plans"
HUE_TEXT = (PLANS / "hue_KH-UBND.txt").read_text(encoding="utf-8")
SOURCES = {"hue_KH-UBND": HUE_TEXT}

TARGET_EVIDENCE = "Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026"
GOLD_LINES = [
    {"id": "q001", "question": "Huế đặt mục tiêu bao phủ BHYT năm 2026 là bao nhiêu?", "type": "target",
     "documents": ["hue_KH-UBND"], "answerable": True, "reference_answer": "Trên 99,3% năm 2026.",
     "key_facts": ["99,3%", "2026"], "evidence": [{"doc_id": "hue_KH-UBND", "text": TARGET_EVIDENCE}],
     "gold_clause_ids": [], "split": "dev", "variant_of": None},
    {"id": "q002", "question": "hue muc tieu bao phu bhyt nam 2026", "type": "accentless",
     "documents": ["hue_KH-UBND"], "answerable": True, "reference_answer": "Trên 99,3% năm 2026.",
     "key_facts": ["99,3%"], "evidence": [{"doc_id": "hue_KH-UBND", "text": TARGET_EVIDENCE}],
     "gold_clause_ids": ["hue_KH-UBND:II.2.1:abc"], "split": "test", "variant_of": "q001"},
    {"id": "q003", "question": "Tỉnh Cà Mau hỗ trợ bao nhiêu tiền đóng BHYT?", "type": "unanswerable",
     "documents": [], "answerable": False, "reference_answer": "Không có trong các kế hoạch.",
     "key_facts": [], "evidence": [], "gold_clause_ids": [], "split": "test", "variant_of": None},
]


def write_gold(path: Path, lines: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf-8")
    return path


def span_of(text: str) -> tuple[int, int]:
    start = HUE_TEXT.index(text)
    return start, start + len(text)


class FakeSystem:
    """Answers from a table of outputs keyed by question."""

    def __init__(self, name: str, outputs: dict[str, SystemOutput]):
        self.name = name
        self.outputs = outputs

    def run(self, question: str) -> SystemOutput:
        return self.outputs[question]


def good_system() -> FakeSystem:
    start, end = span_of(TARGET_EVIDENCE)
    wrong = RetrievedSpan("hue_KH-UBND:I.1:x", "hue_KH-UBND", 0, 40)
    gold = RetrievedSpan("hue_KH-UBND:II.2.1:abc", "hue_KH-UBND", start, end)
    cite = CitedClause(1, gold.doc_id, TARGET_EVIDENCE, start, end, id=gold.id)
    bad_cite = CitedClause(2, wrong.doc_id, "không khớp nguồn", 0, 16, id=wrong.id)
    q = [g["question"] for g in GOLD_LINES]
    return FakeSystem("hybrid", {
        q[0]: SystemOutput((gold, wrong), "Đạt trên 99.3% năm 2026 [1].", False, (cite,)),
        q[1]: SystemOutput((wrong, gold), "Khoảng 99%.", False, (cite, bad_cite)),
        q[2]: SystemOutput((wrong,), "Các kế hoạch không nêu.", True, ()),
    })


def plain_system() -> FakeSystem:
    wrong = RetrievedSpan("hue:chunk0", "hue_KH-UBND", 0, 40)
    q = [g["question"] for g in GOLD_LINES]
    return FakeSystem("plain", {x: SystemOutput((wrong,), HUE_TEXT[:40], False) for x in q})


@pytest.fixture()
def gold_path(tmp_path: Path) -> Path:
    return write_gold(tmp_path / "gold.jsonl", GOLD_LINES)


@pytest.fixture()
def run(gold_path: Path):
    questions = select(load_gold(gold_path))
    return evaluate(questions, [good_system(), plain_system()], EvidenceLocator(SOURCES.__getitem__),
                    gold_path=str(gold_path), progress=False)


def test_load_gold_reads_fields(gold_path: Path):
    questions = load_gold(gold_path)
    assert [q.id for q in questions] == ["q001", "q002", "q003"]
    assert questions[0].evidence[0].doc_id == "hue_KH-UBND"
    assert questions[1].variant_of == "q001" and questions[1].split == "test"
    assert questions[2].answerable is False


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "không phải JSON"),
    (json.dumps({"id": "x", "question": "?", "type": "target"}), "thiếu khóa .*'answerable'"),
    (json.dumps({**GOLD_LINES[0], "type": "trivia"}), "type phải thuộc .* 'trivia'"),
    (json.dumps({**GOLD_LINES[0], "split": "holdout"}), "'holdout'"),
])
def test_load_gold_rejects_bad_lines_naming_the_line(tmp_path: Path, line: str, message: str):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GOLD_LINES[2], ensure_ascii=False) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(GoldFormatError, match=f"bad.jsonl:2: .*{message}"):
        load_gold(path)


def test_load_gold_rejects_duplicate_ids(tmp_path: Path):
    path = write_gold(tmp_path / "dup.jsonl", [GOLD_LINES[0], GOLD_LINES[0]])
    with pytest.raises(GoldFormatError, match="'q001' bị lặp"):
        load_gold(path)


def test_select_by_split_and_limit(gold_path: Path):
    questions = load_gold(gold_path)
    assert [q.id for q in select(questions, split="test")] == ["q002", "q003"]
    assert [q.id for q in select(questions, limit=1)] == ["q001"]
    assert [q.id for q in select(questions, answerable_only=True)] == ["q001", "q002"]
    assert select(questions, split="train") == ()
    with pytest.raises(ValueError, match="got 'holdout'"):
        select(questions, split="holdout")


def test_evaluate_scores_each_question(run):
    by_key = {(r.system, r.qid): r for r in run.results}
    first, second, third = by_key[("hybrid", "q001")], by_key[("hybrid", "q002")], by_key[("hybrid", "q003")]
    assert first.metrics["hit@1"] == 1.0 and first.metrics["key_fact_accuracy"] == 1.0
    assert first.metrics["evidence_recall@5"] == 1.0
    assert second.relevant == (False, True)
    assert second.metrics["hit@1"] == 0.0 and second.metrics["mrr@10"] == 0.5
    assert second.key_facts_found == (False,) and second.metrics["key_fact_accuracy"] == 0.0
    assert second.citations_valid == (True, False)
    assert second.citations_supported == (True, False)
    assert third.metrics["hit@5"] is None and third.citations_supported == ()
    assert run.missing_evidence == ()


def test_summary_aggregates_answerable_only_and_abstention(run):
    hybrid = run.summary("hybrid").values
    assert hybrid["hit@1"] == 0.5 and hybrid["hit@5"] == 1.0
    assert hybrid["key_fact_accuracy"] == 0.5
    assert hybrid["abstention_precision"] == 1.0 and hybrid["abstention_recall"] == 1.0
    assert hybrid["citation_validity"] == pytest.approx(2 / 3)
    plain = run.summary("plain").values
    assert plain["hit@10"] == 0.0 and plain["abstention_precision"] is None and plain["abstention_recall"] == 0.0
    assert run.summary("hybrid", split="test").values["hit@1"] == 0.0
    assert run.summary("hybrid", type_="target").n_questions == 1


def test_missing_evidence_is_reported(tmp_path: Path):
    line = {**GOLD_LINES[0], "evidence": [{"doc_id": "hue_KH-UBND", "text": "đạt 120% năm 2026"}]}
    questions = load_gold(write_gold(tmp_path / "g.jsonl", [line]))
    run = evaluate(questions, [good_system()], EvidenceLocator(SOURCES.__getitem__), progress=False)
    assert len(run.missing_evidence) == 1 and "q001" in run.missing_evidence[0]
    assert run.results[0].metrics["evidence_recall@5"] == 0.0


def test_compare_runs_lists_better_and_worse(run, gold_path: Path):
    old = results_json(run)
    old_row = next(r for r in old["questions"] if r["id"] == "q002")
    old_row["systems"]["hybrid"]["compared"]["hit@1"] = 1.0
    old_row["systems"]["hybrid"]["compared"]["key_fact_accuracy"] = 0.0
    first = next(r for r in old["questions"] if r["id"] == "q001")
    first["systems"]["hybrid"]["compared"]["mrr@10"] = 0.5
    changes = compare_runs(old, run)
    summary = {(c.qid, c.metric, c.better) for c in changes}
    assert summary == {("q002", "hit@1", False), ("q001", "mrr@10", True)}
    assert "q002 hit@1: 1.000 → 0.000" in terminal_report(run, changes)


def test_reports_contain_tables_margin_and_splits(run):
    text = terminal_report(run)
    assert "Hệ thống hybrid, theo loại câu hỏi:" in text and "accentless" in text
    assert "Chênh lệch hybrid so với plain" in text
    md = markdown_report(run)
    assert "## Tập dev" in md and "## Tập test" in md
    # hit@1: hybrid 0.5, plain 0.0.
    assert "| hit@1 | 0.500 | 0.000 | +0.500 |" in md


def test_write_outputs_writes_json_report_and_pngs(run, tmp_path: Path):
    written = write_outputs(run, tmp_path / "out")
    data = json.loads(written["results"].read_text(encoding="utf-8"))
    q2 = next(r for r in data["questions"] if r["id"] == "q002")
    assert [x["rank"] for x in q2["systems"]["hybrid"]["retrieved"]] == [1, 2]
    assert q2["systems"]["hybrid"]["metrics"]["mrr@10"] == 0.5
    assert data["summary"]["hybrid"]["test"]["n_questions"] == 2
    for name in ("metrics_by_system", "hit_at_k", "by_type"):
        assert written[name].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![hit_at_k](hit_at_k.png)" in written["report"].read_text(encoding="utf-8")


def test_cli_rejects_bad_gold_and_systems(tmp_path: Path, gold_path: Path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    assert cli.main(["run", "--gold", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "không phải JSON" in capsys.readouterr().err
    assert cli.main(["run", "--gold", str(gold_path), "--systems", "bm42"]) == 2
    assert "hệ thống không hợp lệ ['bm42']" in capsys.readouterr().err
    assert cli.main(["run", "--gold", str(gold_path), "--limit", "0"]) == 2
    assert cli.main(["run", "--gold", str(gold_path), "--split", "test", "--limit", "1", "--systems", ""]) == 2


def test_cli_reports_a_missing_index_in_words(tmp_path: Path, gold_path: Path, capsys):
    code = cli.main(["run", "--gold", str(gold_path), "--index", str(tmp_path / "no-index"), "--systems", "lexical",
                     "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and "no-index" in err
    assert not (tmp_path / "o").exists()
