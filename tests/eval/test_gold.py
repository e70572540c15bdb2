"""Tests for the gold question set (eval/gold/gold.jsonl) and its linker (eval/gold/link.py).

The gold file is checked for shape (fields, ids, counts per type and plan, split
balance, accent-less variants) and for truth (every evidence string occurs exactly
once in its plan, every key fact is in the evidence and the reference answer).
The linker is tested on hand-made clauses cut from a real plan, and, once
``ingest.pipeline`` exists, every stored clause id is checked against ingest.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from eval.evidence import Span, locate_evidence
from eval.gold.evidence_links import clauses_for_span, link_questions, uncovered_text
from eval.gold.link import PLANS_DIR, main, parse_plans
from eval.gold.questions import FIELD_ORDER, GOLD_PATH, QUESTION_TYPES, GoldQuestion, read_gold, write_gold
from ingest.model import Clause, DocumentMeta, ParsedDocument, make_clause_id
from ingest.reading.readers import read_source
from ingest.vntext import folded_form, is_accentless

DONG_NAI = "dong-nai_646-KH-TU_2026-01-09"
PLAN_IDS = {DONG_NAI, "an-giang_KH-TU", "ninh-binh_KH-UBND_2026-01", "dak-doa-gia-lai_KH-DU_2026", "hue_KH-UBND"}
LOCALITY_NAMES = {"Huế", "Ninh Bình", "An Giang", "Đồng Nai", "Đak Đoa"}
MINIMUM_PER_TYPE = {"unanswerable": 10, "accentless": 10, "ocr": 8, "compare": 8}
for _type in ("target", "responsibility", "task", "deadline", "funding"):
    MINIMUM_PER_TYPE[_type] = 5


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", folded_form(text)).strip()


@pytest.fixture(scope="module")
def gold() -> list[GoldQuestion]:
    return read_gold(GOLD_PATH)


@pytest.fixture(scope="module")
def plan_texts() -> dict[str, str]:
    return {path.stem: read_source(path).text for path in sorted(PLANS_DIR.glob("*.txt"))}


# --- the gold file -------------------------------------------------------------------------------


def test_gold_file_parses_with_enough_questions(gold):
    assert len(gold) >= 90


def test_ids_are_unique_and_well_formed(gold):
    ids = [q.id for q in gold]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"q\d{3}", i) for i in ids), ids


def test_each_type_meets_its_minimum(gold):
    counts = Counter(q.type for q in gold)
    assert set(counts) <= set(QUESTION_TYPES) and set(MINIMUM_PER_TYPE) <= set(counts)
    for question_type, minimum in MINIMUM_PER_TYPE.items():
        assert counts[question_type] >= minimum, (question_type, counts[question_type])


def test_every_plan_is_covered(gold, plan_texts):
    assert set(plan_texts) == PLAN_IDS
    counts = Counter(doc for q in gold for doc in q.documents)
    assert set(counts) <= PLAN_IDS
    for doc_id in PLAN_IDS:
        assert counts[doc_id] >= 10, (doc_id, counts[doc_id])


def test_every_evidence_string_occurs_exactly_once_in_its_plan(gold, plan_texts):
    problems = []
    for question in gold:
        for evidence in question.evidence:
            found = locate_evidence(plan_texts[evidence.doc_id], evidence.doc_id, evidence.text)
            if len(found) != 1:
                problems.append((question.id, evidence.doc_id, len(found), evidence.text[:50]))
    assert problems == []


def test_answerable_questions_have_evidence_from_each_document(gold):
    for question in gold:
        if question.answerable:
            assert {e.doc_id for e in question.evidence} == set(question.documents), question.id
            assert 1 <= len(question.key_facts) <= 3, question.id
        else:
            assert question.type == "unanswerable"
            assert not question.evidence and not question.key_facts and not question.gold_clause_ids


def test_key_facts_are_in_the_evidence_and_the_reference_answer(gold):
    for question in gold:
        evidence = _fold(" ".join(e.text for e in question.evidence))
        for fact in question.key_facts:
            assert _fold(fact) in _fold(question.reference_answer), (question.id, fact)
            if not (question.type == "compare" and fact in LOCALITY_NAMES):
                assert _fold(fact) in evidence, (question.id, fact)


def test_compare_questions_span_several_plans(gold):
    for question in (q for q in gold if q.type == "compare"):
        assert len(set(question.documents)) >= 2, question.id


def test_ocr_questions_are_on_the_dong_nai_plan_in_proper_vietnamese(gold):
    ocr = [q for q in gold if q.type == "ocr"]
    assert all(q.documents == (DONG_NAI,) for q in ocr)
    assert not any(is_accentless(q.question) for q in ocr)


def test_only_accentless_questions_lack_diacritics(gold):
    for question in gold:
        assert is_accentless(question.question) == (question.type == "accentless"), question.id


def test_variants_point_at_accented_questions_in_the_same_split(gold):
    by_id = {q.id: q for q in gold}
    variants = [q for q in gold if q.variant_of is not None]
    assert len(variants) >= 5
    for variant in variants:
        original = by_id[variant.variant_of]
        assert variant.type == "accentless"
        assert original.type != "accentless"
        assert variant.split == original.split
        assert set(variant.documents) == set(original.documents)


def test_split_is_balanced_overall_and_per_type(gold):
    splits = Counter(q.split for q in gold)
    assert abs(splits["dev"] - splits["test"]) <= 0.1 * len(gold)
    for question_type in QUESTION_TYPES:
        per_type = Counter(q.split for q in gold if q.type == question_type)
        total = sum(per_type.values())
        assert min(per_type["dev"], per_type["test"]) >= 0.35 * total, (question_type, per_type)


def test_gold_file_is_written_in_canonical_form(gold, tmp_path):
    copy = tmp_path / "gold.jsonl"
    write_gold(copy, gold)
    assert copy.read_text(encoding="utf-8") == GOLD_PATH.read_text(encoding="utf-8")


# --- GoldQuestion validation --------------------------------------------------------------------

BASE = {
    "id": "q900",
    "question": "Ninh Bình đặt mục tiêu bao phủ năm 2026 bao nhiêu?",
    "type": "target",
    "documents": ["ninh-binh_KH-UBND_2026-01"],
    "answerable": True,
    "reference_answer": "Trên 95%.",
    "key_facts": ["95%"],
    "evidence": [{"doc_id": "ninh-binh_KH-UBND_2026-01", "text": "đạt trên 95%"}],
    "gold_clause_ids": [],
    "split": "dev",
    "variant_of": None,
}
BASE = {**BASE, "tags": [], "key_facts_by_doc": {}, "yes_no": None, "why_unanswerable": None}
BASE = {key: BASE[key] for key in FIELD_ORDER}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "opinion"}, "'opinion'"),
        ({"split": "holdout"}, "'holdout'"),
        ({"evidence": []}, "phải có bằng chứng"),
        ({"key_facts": ["a", "b", "c", "d", "e", "f"]}, "1-5 ý chính, nhận 6"),
        ({"type": "unanswerable", "answerable": False}, "không có bằng chứng"),
        ({"answerable": False, "evidence": [], "key_facts": []}, "loại 'unanswerable'"),
        ({"documents": ["hue_KH-UBND"]}, "ninh-binh_KH-UBND_2026-01"),
        ({"variant_of": "q900"}, "'q900'"),
        ({"extra": 1}, "khóa lạ ['extra']"),
        ({"tags": ["urgent"]}, "'urgent'"),
        ({"tags": ["yesno"]}, "nhãn 'yesno'"),
        ({"yes_no": True}, "nhãn 'yesno'"),
        ({"key_facts_by_doc": {"hue_KH-UBND": ["95%"]}}, "'hue_KH-UBND' không có trong documents"),
        ({"key_facts_by_doc": {"ninh-binh_KH-UBND_2026-01": ["96%"]}}, "thiếu ['96%']"),
    ],
)
def test_gold_question_rejects_bad_values_naming_them(change, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        GoldQuestion.from_json({**BASE, **change})


def test_gold_question_round_trips_through_json():
    question = GoldQuestion.from_json(BASE)
    assert question.to_json() == BASE
    assert list(question.to_json()) == list(BASE)


def test_format_1_lines_read_with_defaults_for_the_new_keys():
    old = {key: value for key, value in BASE.items()
           if key not in ("tags", "key_facts_by_doc", "yes_no", "why_unanswerable")}
    question = GoldQuestion.from_json(old)
    assert (question.tags, question.key_facts_by_doc, question.yes_no) == ((), (), None)
    assert question.to_json() == BASE


def test_read_gold_names_the_bad_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(BASE, ensure_ascii=False) + "\n" + json.dumps({**BASE, "split": "x"}) + "\n")
    with pytest.raises(ValueError, match=r"gold\.jsonl:2: split phải thuộc"):
        read_gold(path)


# --- linking on hand-made clauses ---------------------------------------------------------------

# Section IV of the Ninh Bình plan, verbatim (wide runs of spaces included).
FUNDING_TEXT = (
    "IV. KINH PHÍ THỰC HIỆN\n\n"
    "Ngân sách Nhà nước theo phân cấp ngân sách Nhà nước hiện hành.    \n"
    "Lồng ghép với các chương trình, kế hoạch khác có liên quan; các nguồn kinh phí \n"
    "hợp pháp khác theo quy định của pháp luật.\n\n"
    "4\n\n"
    "V. TỔ CHỨC THỰC HIỆN\n"
)
DOC = "ninh-binh_KH-UBND_2026-01"


def _clause(path: tuple[str, ...], start_text: str, end_text: str, kind: str = "paragraph") -> Clause:
    start = FUNDING_TEXT.index(start_text)
    end = FUNDING_TEXT.index(end_text, start) + len(end_text)
    text = FUNDING_TEXT[start:end]
    return Clause(make_clause_id(DOC, path, text), DOC, kind, path, (), text, " ".join(text.split()), start, end)


@pytest.fixture
def funding_clauses() -> tuple[Clause, ...]:
    section = _clause(("IV",), "IV. KINH", "pháp luật.", kind="section")  # the section spans its paragraphs
    first = _clause(("IV", "1"), "Ngân sách", "hiện hành.")
    second = _clause(("IV", "2"), "Lồng ghép", "pháp luật.")
    next_section = _clause(("V",), "V. TỔ", "THỰC HIỆN", kind="section")
    return section, first, second, next_section


def _span(evidence: str) -> Span:
    (span,) = locate_evidence(FUNDING_TEXT, DOC, evidence)
    return span


def test_evidence_inside_one_paragraph_links_that_paragraph_not_its_section(funding_clauses):
    section, first, _, _ = funding_clauses
    found = clauses_for_span(funding_clauses, _span("theo phân cấp ngân sách Nhà nước"), FUNDING_TEXT)
    assert found == (first,)


def test_evidence_across_a_line_break_links_both_paragraphs_in_order(funding_clauses):
    _, first, second, _ = funding_clauses
    span = _span("hiện hành. Lồng ghép với các chương trình")
    assert clauses_for_span(list(reversed(funding_clauses)), span, FUNDING_TEXT) == (first, second)


def test_evidence_including_the_heading_keeps_the_section(funding_clauses):
    section, first, _, _ = funding_clauses
    found = clauses_for_span(funding_clauses, _span("KINH PHÍ THỰC HIỆN Ngân sách Nhà nước"), FUNDING_TEXT)
    assert found == (section, first)


def test_text_outside_every_clause_is_reported(funding_clauses):
    span = _span("pháp luật. 4 V. TỔ CHỨC")
    found = clauses_for_span(funding_clauses, span, FUNDING_TEXT)
    assert [c.path for c in found] == [("IV", "2"), ("V",)]
    assert uncovered_text(found, span, FUNDING_TEXT) == "4"


def _document(clauses) -> ParsedDocument:
    meta = DocumentMeta(DOC, "Kế hoạch", "", "UBND tỉnh Ninh Bình", "tỉnh", "Ninh Bình", "Ninh Bình", "", "x.txt", "")
    return ParsedDocument(meta, tuple(clauses), FUNDING_TEXT)


def _question(*evidence: str, doc_id: str = DOC) -> GoldQuestion:
    return GoldQuestion.from_json(
        {**BASE, "documents": [doc_id], "evidence": [{"doc_id": doc_id, "text": e} for e in evidence]}
    )


def test_link_questions_fills_ids_and_reports_problems(funding_clauses):
    documents = {DOC: _document(funding_clauses)}
    questions = [
        _question("các nguồn kinh phí hợp pháp khác"),
        _question("ngân sách tỉnh"),  # not in the text
        _question("Nhà nước"),  # twice
        _question("hợp pháp", doc_id="hue_KH-UBND"),
    ]
    report = link_questions(questions, documents)
    assert report.questions[0].gold_clause_ids == (funding_clauses[2].id,)
    assert [(p.question_id, p.kind) for p in report.problems] == [
        ("q900", "not_found"),
        ("q900", "ambiguous"),
        ("q900", "unknown_document"),
    ]
    assert "2 lần" in report.problems[1].message
    assert report.changed == 1
    assert len(report.errors) == 3


def test_link_is_deterministic_and_idempotent(funding_clauses):
    documents = {DOC: _document(funding_clauses)}
    first = link_questions([_question("pháp luật. 4 V. TỔ CHỨC", "Ngân sách Nhà nước theo")], documents)
    again = link_questions(first.questions, documents)
    assert again.changed == 0
    assert again.questions == first.questions
    assert [p.kind for p in first.problems] == ["partly_uncovered"]
    assert not first.errors


def test_cli_reports_an_unreadable_gold_file_in_vietnamese(tmp_path, capsys):
    path = tmp_path / "gold.jsonl"
    path.write_text("{not json\n", encoding="utf-8")
    assert main(["--gold", str(path), "--check"]) == 2
    assert "không đọc được bộ câu hỏi" in capsys.readouterr().err


# --- against ingest ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parsed_plans():
    return parse_plans(PLANS_DIR)


def test_gold_clause_ids_exist_in_ingest_and_are_up_to_date(gold, parsed_plans):
    assert set(parsed_plans) == PLAN_IDS
    known = {c.id for doc in parsed_plans.values() for c in doc.clauses}
    stored = {i for q in gold for i in q.gold_clause_ids}
    assert stored, "gold_clause_ids are empty: run python -m eval.gold.link"
    assert stored <= known, sorted(stored - known)[:5]
    report = link_questions(gold, parsed_plans)
    assert report.errors == ()
    stale = [q.id for q, fresh in zip(gold, report.questions, strict=True) if q.gold_clause_ids != fresh.gold_clause_ids]
    assert stale == [], "gold.jsonl is stale: run python -m eval.gold.link"
    assert all(q.gold_clause_ids for q in gold if q.answerable)


def test_cli_check_passes_on_the_committed_gold_file(parsed_plans, capsys):
    assert main(["--check"]) == 0
    assert "0 lỗi" in capsys.readouterr().out


def test_cli_rewrites_a_copy_with_clause_ids(parsed_plans, tmp_path, capsys):
    copy = tmp_path / "gold.jsonl"
    questions = [q for q in read_gold(GOLD_PATH) if q.type == "target"][:3]
    write_gold(copy, [GoldQuestion.from_json({**q.to_json(), "gold_clause_ids": []}) for q in questions])
    assert main(["--gold", str(copy)]) == 0
    assert all(q.gold_clause_ids for q in read_gold(copy))
    assert Path(copy).read_text(encoding="utf-8").count("\n") == 3


HOLDOUT_PATH = GOLD_PATH.parent / "holdout_2026-12.jsonl"


def test_holdout_set_is_valid_and_linked(parsed_plans, plan_texts):
    holdout = read_gold(HOLDOUT_PATH)
    assert len(holdout) == 40 and all(q.split == "test" for q in holdout)
    for q in holdout:
        for ev in q.evidence:
            collapsed = " ".join(plan_texts[ev.doc_id].split())
            assert collapsed.count(" ".join(ev.text.split())) == 1, (q.id, ev.text[:40])
    report = link_questions(holdout, parsed_plans)
    assert report.errors == ()
    assert [q.gold_clause_ids for q in holdout] == [q.gold_clause_ids for q in report.questions]


# --- rules every question file obeys (format 2) ------------------------------------------------

QUESTION_FILES = sorted(GOLD_PATH.parent.glob("*.jsonl"))


@pytest.mark.parametrize("path", QUESTION_FILES, ids=lambda p: p.name)
def test_key_facts_are_never_words_of_the_question(path):
    """A fact the asker already typed proves nothing: an answer repeating the question would pass."""
    from eval.metrics import contains_fact

    echoed = [(q.id, fact) for q in read_gold(path) for fact in q.key_facts if contains_fact(q.question, fact)]
    assert echoed == []


@pytest.mark.parametrize("path", QUESTION_FILES, ids=lambda p: p.name)
def test_questions_on_several_plans_name_each_plans_facts(path):
    """A comparison passes only when every side is answered, so each plan declares its own facts."""
    missing = [q.id for q in read_gold(path) if q.answerable and len(set(q.documents)) > 1
               and {d for d, _ in q.key_facts_by_doc} != set(q.documents)]
    assert missing == []


@pytest.mark.parametrize("path", QUESTION_FILES, ids=lambda p: p.name)
def test_tags_agree_with_the_question(path):
    problems = []
    for q in read_gold(path):
        if ("ocr" in q.tags or q.type == "ocr") != (DONG_NAI in q.documents) and q.answerable:
            problems.append((q.id, "ocr"))
        if ("accentless" in q.tags or q.type == "accentless") != is_accentless(q.question):
            problems.append((q.id, "accentless"))
    assert problems == []


def _frozen_sets() -> list[tuple[str, int, str]]:
    readme = (GOLD_PATH.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Frozen blind set", 1)[1]
    return [(name, int(n), digest) for name, n, digest in
            re.findall(r"^\| `([\w.-]+\.jsonl)` \| (\d+) \| `([0-9a-f]{64})` \|", section, flags=re.M)]


def test_frozen_sets_match_their_recorded_hash():
    """A frozen blind set may be relinked, never edited: its content hash is recorded in the README."""
    from eval.gold.questions import frozen_hash

    frozen = _frozen_sets()
    assert frozen, "no frozen set recorded in eval/gold/README.md"
    for name, count, digest in frozen:
        questions = read_gold(GOLD_PATH.parent / name)
        assert len(questions) == count
        assert frozen_hash(questions) == digest, f"{name} was edited after it was frozen"


def test_frozen_sets_are_linked_and_valid(parsed_plans):
    for name, _, _ in _frozen_sets():
        questions = read_gold(GOLD_PATH.parent / name)
        assert all(q.split == "test" for q in questions)
        report = link_questions(questions, parsed_plans)
        assert report.errors == ()
        assert [q.gold_clause_ids for q in questions] == [q.gold_clause_ids for q in report.questions]
