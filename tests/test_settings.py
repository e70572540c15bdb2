"""Tests for settings.py: the one settings table, env overrides, documentation."""

from pathlib import Path

import pytest

from settings import SETTINGS, SettingsError, load_settings, settings_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def test_defaults_and_environment_override():
    settings = load_settings(environ={"BHYT_TOP_K": "7", "BHYT_LOG_QUESTIONS": "true"})
    assert settings.retrieval_top_k == 7
    assert settings.log_questions is True
    assert load_settings(environ={}).retrieval_top_k == 10


def test_explicit_override_beats_environment():
    settings = load_settings(environ={"BHYT_INDEX_DIR": "/a"}, index_dir="/b")
    assert settings.index_dir == "/b"


def test_bad_value_names_the_setting():
    with pytest.raises(SettingsError, match="retrieval_top_k"):
        load_settings(environ={"BHYT_TOP_K": "mười"})


def test_unknown_setting_is_refused():
    with pytest.raises(SettingsError, match="khong_co"):
        load_settings(environ={}).with_overrides(khong_co=1)


def test_names_and_env_vars_are_unique():
    assert len({s.name for s in SETTINGS}) == len(SETTINGS)
    assert len({s.env for s in SETTINGS}) == len(SETTINGS)
    assert all(s.env.startswith("BHYT_") for s in SETTINGS)


def test_every_setting_is_documented_in_readme():
    readme = README.read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.env}`" not in readme or f"`{s.name}`" not in readme]
    assert not missing, f"README.md lacks settings {missing}: paste `python -m settings`"


def test_markdown_table_lists_every_setting():
    table = settings_markdown()
    for s in SETTINGS:
        assert f"| `{s.name}` | `{s.env}` |" in table
