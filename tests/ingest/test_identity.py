"""Tests for ingest/identity.py and ingest/batch.py: no two sources share an id silently."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest.batch import ingest_paths
from ingest.identity import DocIdAssigner, KnownSource, default_doc_id
from settings import load_settings
from tests import plans
from tests.plans import PLANS

ROOT = Path(__file__).resolve().parents[2]
HUE = PLANS / plans.HUE
NINH_BINH = PLANS / plans.NINH_BINH
HUE_DOCX = ROOT / "tests" / "data" / "formats" / "hue.docx"
SETTINGS = load_settings(environ={}, ocr_repair=False)


def _ingest(paths, known=None):
    return ingest_paths(paths, settings=SETTINGS, known=known)


def test_two_folders_with_the_same_file_name_give_two_documents(tmp_path):
    (tmp_path / "xa-a").mkdir()
    (tmp_path / "xa-b").mkdir()
    shutil.copy(HUE, tmp_path / "xa-a" / "ke-hoach.txt")
    shutil.copy(NINH_BINH, tmp_path / "xa-b" / "ke-hoach.txt")
    report = _ingest([tmp_path])
    ids = [d.meta.doc_id for d in report.documents]
    assert len(set(ids)) == 2 and ids[0] == "ke-hoach" and ids[1].startswith("ke-hoach-")
    assert {d.meta.locality for d in report.documents} == {"Huế", "Ninh Bình"}
    [note] = report.notes
    assert "trùng tên với văn bản ke-hoach" in note and "không ghi đè" in note
    # Clause ids follow the document ids: no clause of one plan can replace one of the other.
    clause_ids = [c.id for d in report.documents for c in d.clauses]
    assert len(clause_ids) == len(set(clause_ids))


def test_a_text_and_a_word_file_of_one_stem_are_both_kept(tmp_path):
    shutil.copy(HUE, tmp_path / "x.txt")
    shutil.copy(HUE_DOCX, tmp_path / "x.docx")
    report = _ingest([tmp_path])
    assert sorted(d.meta.doc_id for d in report.documents)[0] == "x"
    assert len({d.meta.doc_id for d in report.documents}) == 2 and len(report.notes) == 1


def test_ids_are_stable_across_re_ingests_against_the_index(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(HUE, tmp_path / "a" / "ke-hoach.txt")
    shutil.copy(NINH_BINH, tmp_path / "b" / "ke-hoach.txt")
    first = _ingest([tmp_path])
    known = {d.meta.doc_id: KnownSource(d.meta.source_path, d.meta.content_hash) for d in first.documents}
    again = _ingest([tmp_path / "b" / "ke-hoach.txt"], known)  # only the second file, later
    assert again.documents[0].meta.doc_id == first.documents[1].meta.doc_id
    assert again.notes == ()  # it already had its own id: nothing new to say
    alone = _ingest([tmp_path / "a" / "ke-hoach.txt"], known)
    assert alone.documents[0].meta.doc_id == "ke-hoach" and alone.notes == ()


def test_a_moved_plan_keeps_its_id_and_an_edited_copy_elsewhere_does_not_overwrite():
    assigner = DocIdAssigner({"ke-hoach": KnownSource("/old/ke-hoach.txt", "abc")})
    moved = assigner.assign("/new/ke-hoach.txt", "abc")
    assert moved.doc_id == "ke-hoach" and "cùng nội dung" in moved.note
    other = DocIdAssigner({"ke-hoach": KnownSource("/old/ke-hoach.txt", "abc")}).assign("/new/ke-hoach.txt", "def")
    assert other.doc_id != "ke-hoach" and other.doc_id.startswith("ke-hoach-")


def test_a_sidecar_id_is_an_explicit_reported_replacement():
    assigner = DocIdAssigner({"hue": KnownSource("/old/hue.txt", "abc")})
    choice = assigner.assign("/new/hue-2026.txt", "def", explicit="hue")
    assert choice.doc_id == "hue" and "thay thế văn bản hue" in choice.note


def test_default_id_is_the_stem_slug():
    assert default_doc_id("data/plans/hue_KH-UBND.txt") == "hue_KH-UBND"
    assert default_doc_id("/x/Kế hoạch Đồng Nai.docx") == "Ke-hoach-Dong-Nai"
