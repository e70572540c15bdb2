"""The metamorphic evaluation: offset maps, substitutions, questions carried over, the frozen set refused, a run."""

from __future__ import annotations

import re

import pytest

from eval.evidence import locate_evidence
from eval.gold.questions import GoldEvidence, GoldQuestion
from eval.metamorphic.corpus import CorpusOptions, plan_rewrites, read_plans
from eval.metamorphic.edits import Edit, apply_edits, project
from eval.metamorphic.mapping import Substitution, substitute
from eval.metamorphic.questions import map_question, map_questions
from eval.metamorphic.run import FrozenSetError, is_frozen, run_metamorphic
from ingest.vntext import fold_diacritics, folded_form, is_accentless
from tests.plans import DAK_DOA, DONG_NAI, HUE, NINH_BINH, PLANS

HUE_ID, NINH_BINH_ID, DAK_DOA_ID = "hue_KH-UBND", "ninh-binh_KH-UBND_2026-01", "dak-doa-gia-lai_KH-DU_2026"


@pytest.fixture(scope="module")
def rewrites():
    return {r.mapping.source_doc_id: r for r in plan_rewrites(CorpusOptions(5, seed=52))}


def _line_with(plan: str, needle: str) -> str:
    """The first line of a plan holding ``needle``, stripped (an evidence string of our own choosing)."""
    text = (PLANS / plan).read_text(encoding="utf-8")
    return next(line.strip() for line in text.splitlines() if needle in line)


def _question(qid, question, documents, facts, evidence, *, type_="target", reference=None):
    return GoldQuestion(id=qid, question=question, type=type_, documents=tuple(documents), answerable=True,
                        reference_answer=reference or f"Câu trả lời: {', '.join(facts)}.", key_facts=tuple(facts),
                        evidence=tuple(GoldEvidence(d, t) for d, t in evidence), gold_clause_ids=(), split="dev")


def test_offset_map_follows_spans_through_replacements_and_insertions():
    text = "ab 95% cd\nef"
    new, first = apply_edits(text, [Edit(3, 6, "92,5%"), Edit(9, 10, " ")])
    assert new == "ab 92,5% cd ef"
    again, second = apply_edits(new, [Edit(0, 0, "- ")])
    assert again == "- ab 92,5% cd ef"
    start, end = project([first, second], text.index("95%"), text.index("95%") + 3)
    assert again[start:end] == "92,5%"
    start, end = project([first, second], text.index("cd"), len(text))
    assert again[start:end] == "cd ef"
    with pytest.raises(ValueError):
        apply_edits(text, [Edit(0, 4, "x"), Edit(2, 5, "y")])


def test_substitution_takes_whole_words_and_figures_only():
    subs = [Substitution("percent", "95%", "92%"), Substitution("date", "15/12", "18/12"),
            Substitution("locality", "Huế", "Bình Khê"), Substitution("level", "thành phố", "phường")]
    text = "đạt 95%, không phải 195% hay 9,95%; trước 15/12 chứ không 15/12/2025; Huế, Huếx; thành\nphố"
    new, edits, counts = substitute(text, subs)
    assert new == "đạt 92%, không phải 195% hay 9,95%; trước 18/12 chứ không 15/12/2025; Bình Khê, Huếx; phường"
    assert counts == {"95%": 1, "15/12": 1, "Huế": 1, "thành phố": 1}
    assert len(edits) == 4


def test_a_question_of_our_own_is_carried_over(rewrites):
    evidence = _line_with(NINH_BINH, "95%")
    question = _question("t1", "Tới năm 2026 tỉnh Ninh Bình muốn bao nhiêu phần trăm dân có thẻ BHYT?",
                         [NINH_BINH_ID], ["95%"], [(NINH_BINH_ID, evidence)],
                         reference="Ninh Bình đặt mục tiêu trên 95% dân số vào năm 2026.")
    mapped = map_question(question, rewrites)
    rewrite = rewrites[NINH_BINH_ID]
    new_name, new_percent = rewrite.mapping.locality["new"], mapped.question.key_facts[0]
    assert mapped.problems == ()
    assert "Ninh Bình" not in mapped.question.question and new_name in mapped.question.question
    assert new_name in mapped.question.reference_answer and new_percent in mapped.question.reference_answer
    assert new_percent != "95%" and re.fullmatch(r"\d{2}%", new_percent)
    assert mapped.question.documents == (rewrite.mapping.doc_id,)
    (new_evidence,) = mapped.question.evidence
    assert new_evidence.doc_id == rewrite.mapping.doc_id and new_percent in new_evidence.text
    assert len(locate_evidence(rewrite.text, rewrite.mapping.doc_id, new_evidence.text)) == 1


def test_an_accentless_question_stays_accentless(rewrites):
    question = _question("t2", "muc tieu bhyt nam 2026 cua tinh ninh binh la bao nhieu", [NINH_BINH_ID], ["95%"],
                         [(NINH_BINH_ID, _line_with(NINH_BINH, "95%"))])
    mapped = map_question(question, rewrites)
    new_name = rewrites[NINH_BINH_ID].mapping.locality["new"]
    assert is_accentless(mapped.question.question)
    assert fold_diacritics(new_name).lower() in mapped.question.question
    assert "ninh binh" not in mapped.question.question


def test_a_document_question_gets_the_new_number_and_date(rewrites):
    evidence = _line_with(HUE, "12-KH/ĐU ngày 15/12/2025")
    question = _question("t3", "UBND thành phố Huế làm kế hoạch này để thực hiện văn bản số mấy, ký ngày nào?",
                         [HUE_ID], ["12-KH/ĐU", "15/12/2025"], [(HUE_ID, evidence)], type_="document")
    mapped = map_question(question, rewrites)
    rewrite = rewrites[HUE_ID]
    number, day = mapped.question.key_facts
    assert mapped.problems == ()
    assert number != "12-KH/ĐU" and number.endswith("-KH/ĐU") and day != "15/12/2025"
    assert number in mapped.question.evidence[0].text and day in mapped.question.evidence[0].text
    assert f"phường {rewrite.mapping.locality['new']}" in mapped.question.question
    assert "thành phố" not in mapped.question.question


def test_a_commune_question_gets_its_commune_and_province(rewrites):
    question = _question("t4", "Xã Đak Đoa ở tỉnh Gia Lai muốn bao phủ BHYT bao nhiêu?", [DAK_DOA_ID], ["95%"],
                         [(DAK_DOA_ID, _line_with(DAK_DOA, "toàn xã đạt trên 95%"))])
    mapped = map_question(question, rewrites)
    locality = rewrites[DAK_DOA_ID].mapping.locality
    assert locality["new_level"] == "xã"
    assert mapped.question.question.startswith(f"Xã {locality['new']} ở tỉnh {locality['new_province']}")


def test_what_cannot_be_carried_over_is_reported_not_dropped(rewrites):
    stray = _question("t5", "Huế giao việc gì cho Sở Y tế?", [HUE_ID], ["Sở Y tế"],
                      [(HUE_ID, "một câu không hề có trong kế hoạch Sở Y tế")])
    outside = GoldQuestion(id="t6", question="Đà Nẵng hỗ trợ bao nhiêu tiền mua thẻ BHYT?", type="unanswerable",
                           documents=(), answerable=False, reference_answer="Không có kế hoạch của Đà Nẵng.",
                           key_facts=(), evidence=(), gold_clause_ids=(), split="dev")
    unknown = _question("t7", "Kế hoạch của tỉnh khác nói gì?", ["khong-co"], ["gì"], [("khong-co", "gì")])
    mapped = map_questions([stray, outside, unknown], list(rewrites.values()))
    assert [p.kind for p in mapped[0].problems] == ["evidence_not_found"]
    assert "không tìm thấy" in mapped[0].problems[0].message
    assert mapped[0].question is not None
    assert mapped[1].problems == () and mapped[1].question == outside
    assert [p.kind for p in mapped[2].problems] == ["unknown_document"]


def test_no_rewrite_takes_a_place_the_questions_name():
    plans = read_plans()
    free = plan_rewrites(CorpusOptions(5, seed=52), plans)
    taken = free[0].mapping.locality["new"]
    avoided = plan_rewrites(CorpusOptions(5, seed=52, avoid_text=f"Câu hỏi về tỉnh {taken}?"), plans)
    assert all(folded_form(r.mapping.locality["new"]) != folded_form(taken) for r in avoided)


def test_a_frozen_blind_set_is_refused_unopened(tmp_path, capsys):
    from eval.__main__ import main

    frozen = tmp_path / "blind_2026-12-02.jsonl"  # never created: the name alone is refused
    assert is_frozen(frozen) and not is_frozen(tmp_path / "gold.jsonl")
    with pytest.raises(FrozenSetError, match="đóng băng"):
        run_metamorphic(frozen)
    assert main(["run", "--metamorphic", "--gold", str(frozen), "--quiet"]) == 2
    assert "đóng băng" in capsys.readouterr().err


@pytest.mark.slow
def test_a_small_metamorphic_run_scores_both_corpora(tmp_path):
    from eval.metamorphic.run import metamorphic_text, write_report

    evidence = _line_with(DAK_DOA, "toàn xã đạt trên 95%")
    questions = [_question("m1", "Xã Đak Đoa đặt chỉ tiêu bao phủ BHYT là bao nhiêu?", [DAK_DOA_ID], ["95%"],
                           [(DAK_DOA_ID, evidence)]),
                 _question("m2", "Kế hoạch của xã Đak Đoa thực hiện kế hoạch nào của Tỉnh ủy?", [DAK_DOA_ID],
                           ["16-KH/TU"], [(DAK_DOA_ID, _line_with(DAK_DOA, "Kế hoạch số 16-KH/TU, ngày"))],
                           type_="task")]
    report = run_metamorphic(questions=questions, plan_paths=[PLANS / DAK_DOA], work_dir=tmp_path,
                             progress=False)
    (pair,) = report.pairs
    assert pair.rewrite.mapping.locality["new_level"] == "xã"
    assert [q.id for q in report.rewritten_run.questions] == ["m1", "m2"]
    assert report.original_links.errors == () and report.rewritten_links.errors == ()
    assert all(q.gold_clause_ids for q in report.rewritten_links.questions)
    assert len(report.original_run.results) == len(report.rewritten_run.results) == 2
    rewritten_ids = {r.output.retrieved[0].doc_id for r in report.rewritten_run.results if r.output.retrieved}
    assert rewritten_ids == {pair.rewrite.mapping.doc_id}
    text = metamorphic_text(report)
    assert pair.rewrite.mapping.doc_id in text and "hit@5" in text and "section" in text
    written = write_report(report, tmp_path / "out")
    assert all(p.stat().st_size > 0 for p in written)


def test_a_plan_cited_by_its_digits_alone_gets_its_new_number(rewrites):
    # Questions cite a plan as "kế hoạch 646" or, typed on a phone, "ke hoach 646".
    dong_nai = "dong-nai_646-KH-TU_2026-01-09"
    new_number = next(s.new for s in rewrites[dong_nai].mapping.substitutions
                      if s.kind == "number" and s.old.startswith("646")).split("-")[0].strip()
    assert new_number != "646"
    for written, expected in (("Kế hoạch 646 của Đồng Nai ban hành ngày nào?", f"Kế hoạch {new_number} "),
                              ("ke hoach so 646 dong nai ban hanh ngay nao", f"ke hoach so {new_number} ")):
        question = _question("t8", written, [dong_nai], ["2026"], [(dong_nai, _line_with(DONG_NAI, "S646"))],
                             type_="document")
        mapped = map_question(question, rewrites)
        assert expected in mapped.question.question
        assert "646" not in mapped.question.question
