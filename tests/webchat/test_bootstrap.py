"""Tests for webchat/bootstrap.py: which files are plans, and when an index is (not) built."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest.vntext import is_accentless
from settings import load_settings
from webchat import bootstrap
from webchat.bootstrap import ensure_index, index_exists


def test_missing_plans_folder_message_is_vietnamese(tmp_path):
    settings = load_settings(environ={}, index_dir=str(tmp_path / "index"), plans_dir=str(tmp_path / "không-có"))
    with pytest.raises(FileNotFoundError, match="Không tìm thấy thư mục kế hoạch"):
        ensure_index(settings, lambda line: None)


def test_existing_index_is_not_rebuilt(tmp_path, built_index):
    settings = load_settings(environ={}, index_dir=str(built_index.directory), plans_dir=str(tmp_path / "không-có"))
    lines: list[str] = []
    assert index_exists(built_index.directory)
    assert ensure_index(settings, lines.append) is False
    assert lines == []


def test_incompatible_index_is_rebuilt_from_the_plans(tmp_path, monkeypatch):
    rebuilt: list[str] = []
    monkeypatch.setattr(bootstrap, "build_index", lambda docs, settings: rebuilt.append(settings.index_dir))
    (tmp_path / "manifest.json").write_text('{"format_version": 999}', encoding="utf-8")
    settings = load_settings(environ={}, index_dir=str(tmp_path))
    lines: list[str] = []
    assert ensure_index(settings, lines.append) is True
    assert rebuilt == [str(tmp_path)]
    assert "phiên bản 999" in lines[0] and "xây lại từ 5 kế hoạch" in lines[0]
    assert not any("Chưa có chỉ mục" in line for line in lines)


def test_missing_index_is_built_from_the_plans(tmp_path, monkeypatch):
    built: list[int] = []
    monkeypatch.setattr(bootstrap, "build_index", lambda docs, settings: built.append(len(docs)))
    settings = load_settings(environ={}, index_dir=str(tmp_path / "index"))
    lines: list[str] = []
    assert ensure_index(settings, lines.append) is True
    assert built == [5]
    assert "Chưa có chỉ mục" in lines[0] and "từ 5 kế hoạch" in lines[0]
    assert lines[-1].startswith("Đã xây dựng chỉ mục")


def test_progress_encoder_gives_the_vectors_of_one_call_and_counts_passages(capsys):
    from index.vector_cache import embed_with_cache

    calls: list[int] = []

    def encode(texts):
        calls.append(len(texts))
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)

    texts = [f"đoạn {i}" * (i % 7 + 1) for i in range(300)]
    expected = encode(texts)
    calls.clear()
    bar = bootstrap.EmbeddingBar()
    vectors, embedded = embed_with_cache(texts, "test", encode, 2, progress=bar.update)
    bar.close()
    np.testing.assert_array_equal(vectors, expected)
    assert embedded == 300
    assert calls == [128, 128, 44]
    assert "Tạo vector" in capsys.readouterr().err
    calls.clear()
    small, _ = embed_with_cache(texts[:5], "test", encode, 2, progress=bootstrap.EmbeddingBar().update)
    assert small.shape == (5, 2)
    assert calls == [5]


@pytest.mark.slow
def test_build_index_writes_a_loadable_index(tmp_path, monkeypatch, session_cache):
    from index.store import ClauseIndex
    from ingest.batch import ingest_paths

    settings = load_settings(environ={}, index_dir=str(tmp_path / "index"), vector_cache=session_cache.path)
    plan = sorted(Path(settings.plans_dir).glob("ninh-binh*"))
    documents = ingest_paths(plan, settings=settings).documents
    bootstrap.build_index(documents, settings)
    index = ClauseIndex.load(tmp_path / "index")
    assert [d.locality for d in index.documents()] == ["Ninh Bình"]
    assert "95%" in index.source_text(documents[0].meta.doc_id)


def test_no_readable_plan_is_an_error(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    settings = load_settings(environ={}, index_dir=str(tmp_path / "index"), plans_dir=str(plans))
    with pytest.raises(RuntimeError, match="Không đọc được kế hoạch nào"):
        ensure_index(settings, lambda line: None)
    assert bootstrap.index_exists(tmp_path / "index") is False


def test_backend_opens_an_existing_index_once(built_index, monkeypatch):
    opened: list[str] = []
    real_open = bootstrap.open_index
    monkeypatch.setattr(bootstrap, "open_index",
                        lambda settings, **kw: opened.append(settings.index_dir) or real_open(settings, **kw))
    settings = load_settings(environ={}, index_dir=str(built_index.directory))
    lines: list[str] = []
    backend = bootstrap.load_backend(settings, lines.append)
    assert opened == [str(built_index.directory)] and lines == []
    assert backend.catalog is backend.service.index
    assert "95%" in backend.reply_html("muc tieu bao phu bhyt nam 2026 cua ninh binh")


def test_backend_builds_a_missing_index_then_opens_it_once(tmp_path, monkeypatch, built_index):
    opened: list[str] = []
    monkeypatch.setattr(bootstrap, "open_index", lambda settings, **kw: opened.append("open") or built_index)
    monkeypatch.setattr(bootstrap, "build_index", lambda docs, settings: opened.append("build"))
    settings = load_settings(environ={}, index_dir=str(tmp_path / "index"))
    bootstrap.load_backend(settings, lambda line: None)
    assert opened == ["build", "open"]


def test_start_up_loads_every_lazy_model_before_the_first_question(built_index, monkeypatch):
    """The restorer, the answer step and the warm-up questions run in load_backend, not on a visit."""
    import index.retriever as retriever
    from assistant import ranker

    monkeypatch.setattr(retriever, "_restorer", None)
    monkeypatch.setattr(retriever, "_restorer_tried", False)
    ranker.load_answer_step.cache_clear()
    asked: list[str] = []
    real_warm_up = bootstrap.warm_up

    def spying_warm_up(assistant):
        real_ask = assistant.ask
        assistant.ask = lambda question, **kw: asked.append(question) or real_ask(question, **kw)
        try:
            return real_warm_up(assistant)
        finally:
            del assistant.ask

    monkeypatch.setattr(bootstrap, "warm_up", spying_warm_up)
    settings = load_settings(environ={}, index_dir=str(built_index.directory))
    bootstrap.load_backend(settings, lambda line: None)
    assert retriever._restorer_tried and retriever._restorer is not None
    assert ranker.load_answer_step.cache_info().currsize == 1
    assert asked == list(bootstrap.WARM_UP_QUESTIONS)
    assert any(is_accentless(q) for q in asked) and not all(is_accentless(q) for q in asked)
