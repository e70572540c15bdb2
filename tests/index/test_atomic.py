"""Tests for index/atomic.py: a directory is replaced whole or not at all."""

from __future__ import annotations

import pytest

from index.atomic import backup_path, recover_interrupted_swap, replacing_directory


def _write(directory, text):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "marker").write_text(text, encoding="utf-8")


def test_success_replaces_target_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "index"
    _write(target, "old")
    with replacing_directory(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        (tmp / "marker").write_text("new", encoding="utf-8")
    assert (target / "marker").read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["index"]


def test_failure_keeps_target_and_removes_the_temporary_directory(tmp_path):
    target = tmp_path / "index"
    _write(target, "old")
    with pytest.raises(KeyboardInterrupt), replacing_directory(target) as tmp:
        (tmp / "marker").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt
    assert (target / "marker").read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["index"]


def test_first_build_creates_missing_parents(tmp_path):
    target = tmp_path / "a" / "b" / "index"
    with replacing_directory(target) as tmp:
        (tmp / "marker").write_text("new", encoding="utf-8")
    assert (target / "marker").read_text(encoding="utf-8") == "new"


def test_recover_puts_the_previous_directory_back_only_when_needed(tmp_path):
    target = tmp_path / "index"
    _write(backup_path(target), "old")  # the state after the first of the two renames
    recover_interrupted_swap(target, "marker")
    assert (target / "marker").read_text(encoding="utf-8") == "old" and not backup_path(target).exists()
    _write(backup_path(target), "older")
    recover_interrupted_swap(target, "marker")  # target is complete: the backup is not taken
    assert (target / "marker").read_text(encoding="utf-8") == "old"


def test_leftovers_of_crashed_builds_are_removed_by_the_next_write(tmp_path):
    target = tmp_path / "index"
    _write(target, "old")
    crashed = tmp_path / ".index.tmp-4242-deadbeef"
    _write(crashed, "half")
    unrelated = tmp_path / ".other.tmp-1"
    _write(unrelated, "someone else's")
    with replacing_directory(target) as tmp:
        assert not crashed.exists()
        (tmp / "marker").write_text("new", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.tmp-1", "index"]


def test_temporary_directory_has_the_default_mode_not_0700(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        with replacing_directory(tmp_path / "index") as tmp:
            assert tmp.stat().st_mode & 0o777 == 0o755
    finally:
        os.umask(old)
    assert (tmp_path / "index").stat().st_mode & 0o777 == 0o755
