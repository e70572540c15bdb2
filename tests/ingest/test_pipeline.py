"""Tests for ingest/pipeline.py: parse_text, ingest_paths, skipped files, the repair hook."""

from __future__ import annotations

import shutil
from pathlib import Path

from index.store import ClauseIndex
from ingest.batch import SkippedFile, expand_paths, ingest_paths
from ingest.model import text_hash
from ingest.pipeline import apply_repair, parse_text
from settings import load_settings
from tests.index.conftest import HashEmbedder

PLANS = Path(__file__).resolve().parents[2] / "data" / "plans"
HUE = PLANS / "hue_KH-UBND.txt"
FORMATS = Path(__file__).resolve().parents[1] / "data" / "formats"


def test_parse_text_fills_meta_and_clauses():
    text = HUE.read_text(encoding="utf-8")
    doc = parse_text(text, "data/plans/hue_KH-UBND.txt")
    assert doc.meta.doc_id == "hue_KH-UBND"
    assert doc.meta.content_hash == text_hash(text, 64) and len(doc.meta.content_hash) == 64
    assert doc.source_text == text
    assert doc.depth == 4
    assert [c.char_start for c in doc.clauses] == sorted(c.char_start for c in doc.clauses)
    assert all(c.doc_id == "hue_KH-UBND" for c in doc.clauses)


def test_parse_text_normalises_nfd_input_to_nfc():
    import unicodedata

    nfd = unicodedata.normalize("NFD", HUE.read_text(encoding="utf-8"))
    doc = parse_text(nfd, "hue.txt")
    assert doc.source_text == unicodedata.normalize("NFC", nfd)
    assert any(c.body == "Sở Y tế" for c in doc.clauses)


def test_sidecar_doc_id_changes_clause_ids():
    text = HUE.read_text(encoding="utf-8")
    doc = parse_text(text, "hue.txt", sidecar={"doc_id": "hue-2026"})
    assert doc.meta.doc_id == "hue-2026" and all(c.id.startswith("hue-2026:") for c in doc.clauses)


def test_ingest_paths_reads_folders_and_sidecars(tmp_path):
    folder = tmp_path / "plans"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(HUE, folder / "sub" / "hue.txt")
    (folder / "sub" / "hue.txt.meta.json").write_text('{"number": "99-KH/UBND"}', encoding="utf-8")
    (folder / "notes.csv").write_text("a,b\n", encoding="utf-8")
    report = ingest_paths([str(folder)], settings=load_settings({}))
    assert report.skipped == ()
    assert [d.meta.source_path for d in report.documents] == [str(folder / "sub" / "hue.txt")]
    assert report.documents[0].meta.number == "99-KH/UBND"


def test_unreadable_file_is_skipped_and_batch_continues(tmp_path):
    bad = tmp_path / "hỏng.txt"
    bad.write_bytes(b"\xff\xfe\x00\x81\x00\xd8" * 10 + bytes(range(256)))
    good = tmp_path / "hue.txt"
    shutil.copy(HUE, good)
    report = ingest_paths([str(bad), str(good), str(tmp_path / "không-có.txt")], settings=load_settings({}))
    assert [d.meta.source_path for d in report.documents] == [str(good)]
    skipped_paths = [s.source_path for s in report.skipped]
    assert str(bad) in skipped_paths and str(tmp_path / "không-có.txt") in skipped_paths
    for skipped in report.skipped:
        assert isinstance(skipped, SkippedFile)
        assert Path(skipped.source_path).name in skipped.message  # the message names the file


def test_expand_paths_leaves_sidecars_out(tmp_path):
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    (tmp_path / "a.md.meta.json").write_text("{}", encoding="utf-8")
    files, missing = expand_paths([tmp_path, tmp_path / "a.md.meta.json"])
    assert files == [str(tmp_path / "a.md")] and missing == []


def test_a_folder_gives_its_plans_not_notes_hidden_files_or_other_formats(tmp_path):
    for name in ("b.txt", "a.docx", "a.docx.meta.json", "README.md", ".hidden.txt", "c.markdown", "bang.xlsx"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "xa").mkdir()
    (tmp_path / "xa" / "d.pdf").write_text("x", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "e.txt").write_text("x", encoding="utf-8")
    files, missing = expand_paths([tmp_path])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == ["a.docx", "b.txt", "c.markdown", "xa/d.pdf"]
    assert missing == []
    assert expand_paths([tmp_path / "README.md"])[0] == [str(tmp_path / "README.md")]  # named explicitly


class _UpperRestorer:
    def restore(self, text: str) -> str:
        return text.upper()


def test_repair_hook_fills_damage_score_and_readings():
    doc = parse_text(HUE.read_text(encoding="utf-8"), "hue.txt")
    clean = apply_repair(doc, restorer=_UpperRestorer(), damage_scorer=lambda text: 0.01)
    assert clean.meta.damage_score == 0.01 and all(c.reading == "" for c in clean.clauses)
    damaged = apply_repair(doc, restorer=_UpperRestorer(), damage_scorer=lambda text: 0.9)
    assert damaged.meta.damage_score == 0.9
    assert all(c.reading == c.body.upper() for c in damaged.clauses if c.body != c.body.upper())
    assert apply_repair(doc) is doc


def test_ocr_plan_gets_repaired_readings_of_clauses_headings_and_title():
    from ingest.batch import ingest_paths
    from settings import load_settings

    report = ingest_paths(["data/plans/dong-nai_646-KH-TU_2026-01-09.txt"], settings=load_settings(environ={}))
    document = report.documents[0]
    assert document.meta.damage_score > 0.5
    assert "Kế hoạch hành động" in document.meta.display_title and "hanh pong" in document.meta.title
    target = next(c for c in document.clauses if "trén 96% dan s6" in c.text)
    assert "trên 96% dân số" in target.reading          # searchable reading
    assert "trén 96% dan s6" in target.text             # the quote stays verbatim
    assert len(target.title_readings) == len(target.titles)
    assert "NỘI DUNG THỰC HIỆN" in target.search_titles[0]


def test_clean_plan_gets_no_readings():
    from ingest.batch import ingest_paths
    from settings import load_settings

    document = ingest_paths(["data/plans/hue_KH-UBND.txt"], settings=load_settings(environ={})).documents[0]
    assert document.meta.damage_score < 0.1 and not document.meta.title_reading
    assert not any(c.reading or c.title_readings for c in document.clauses)


def test_reader_warnings_reach_the_document_and_the_index_info(tmp_path):
    shutil.copy(FORMATS / "mixed_legacy.txt", tmp_path / "ke-hoach.txt")
    (tmp_path / "notes.markdown").write_text("# KẾ HOẠCH\n\nI. MỤC ĐÍCH\n1. Tăng tỷ lệ bao phủ.\n", encoding="utf-8")
    report = ingest_paths([tmp_path], settings=load_settings(environ={}).with_overrides(ocr_repair=False))
    assert sorted(Path(d.meta.source_path).name for d in report.documents) == ["ke-hoach.txt", "notes.markdown"]
    legacy = next(d for d in report.documents if d.meta.source_path.endswith("ke-hoach.txt"))
    assert legacy.warnings[0].startswith("Đã chuyển 2 dòng gõ bằng phông cũ")
    index = ClauseIndex.build(report.documents, HashEmbedder(), tmp_path / "index")
    info = {d.doc_id: d for d in index.info().documents}
    assert info[legacy.meta.doc_id].warnings == legacy.warnings
