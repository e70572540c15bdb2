"""Tests for webchat/bootstrap.py: which files are plans, and when an index is (not) built."""

from __future__ import annotations

import pytest

from assistant.settings import load_settings
from webchat import bootstrap
from webchat.bootstrap import ensure_index, index_exists, plan_files


def test_plan_files_skip_sidecars_notes_and_hidden(tmp_path):
    for name in ("b.txt", "a.docx", "a.docx.meta.json", "README.md", ".hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    assert [p.name for p in plan_files(tmp_path)] == ["a.docx", "b.txt"]


def test_plan_files_missing_folder_message_is_vietnamese(tmp_path):
    with pytest.raises(FileNotFoundError, match="Không tìm thấy thư mục kế hoạch"):
        plan_files(tmp_path / "không-có")


def test_existing_index_is_not_rebuilt(tmp_path, built_index):
    settings = load_settings(environ={}, index_dir=str(built_index.directory), plans_dir=str(tmp_path / "không-có"))
    lines: list[str] = []
    assert index_exists(built_index.directory)
    assert ensure_index(settings, lines.append) is False
    assert lines == []


def test_incompatible_index_is_rebuilt_from_the_plans(tmp_path, monkeypatch):
    import index.maintenance

    rebuilt: list[bool] = []
    monkeypatch.setattr(index.maintenance, "index_documents",
                        lambda docs, settings, rebuild=False: rebuilt.append(rebuild))
    (tmp_path / "manifest.json").write_text('{"format_version": 999}', encoding="utf-8")
    settings = load_settings(environ={}, index_dir=str(tmp_path))
    lines: list[str] = []
    assert ensure_index(settings, lines.append) is True
    assert rebuilt == [True]
    assert "phiên bản 999" in lines[0] and "xây lại" in lines[0]


def test_missing_index_is_built_from_the_plans(tmp_path, monkeypatch):
    built: list[int] = []
    import index.maintenance

    monkeypatch.setattr(index.maintenance, "index_documents", lambda docs, settings, rebuild=False: built.append(len(docs)))
    settings = load_settings(environ={}, index_dir=str(tmp_path / "index"))
    lines: list[str] = []
    assert ensure_index(settings, lines.append) is True
    assert built == [len(plan_files(settings.plans_dir))] == [5]
    assert "Chưa có chỉ mục" in lines[0] and lines[-1].startswith("Đã xây dựng chỉ mục")


def test_no_readable_plan_is_an_error(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    settings = load_settings(environ={}, index_dir=str(tmp_path / "index"), plans_dir=str(plans))
    with pytest.raises(RuntimeError, match="Không đọc được kế hoạch nào"):
        ensure_index(settings, lambda line: None)
    assert bootstrap.index_exists(tmp_path / "index") is False
