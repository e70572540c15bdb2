"""Tests for the ``index`` and ``search`` commands through the CLI entry point."""

import json
import shutil

import pytest

from assistant.commands.cli import main


@pytest.fixture()
def index_dir(mini_e5_index, tmp_path):
    target = tmp_path / "index"
    shutil.copytree(mini_e5_index.directory, target)
    return target


def test_index_info(index_dir, capsys):
    assert main(["index", "info", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "Bộ nhúng: e5-small (384 chiều)" in out
    assert "4 văn bản, 12 đoạn" in out
    assert "- hue_KH-UBND: Huế (thành phố), 6 đoạn" in out


def test_index_rm(index_dir, capsys):
    assert main(["index", "rm", "hue_KH-UBND", "--index", str(index_dir)]) == 0
    assert "còn 3 văn bản, 6 đoạn" in capsys.readouterr().out
    assert main(["index", "rm", "hue_KH-UBND", "--index", str(index_dir)]) == 2
    assert "Không có văn bản 'hue_KH-UBND'" in capsys.readouterr().err


def test_search_json_shape(index_dir, capsys):
    assert main(["search", "Ở Huế tỉ lệ bao phủ BHYT năm 2026", "--k", "2", "--json", "--index", str(index_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "Ở Huế tỉ lệ bao phủ BHYT năm 2026" and len(data["results"]) == 2
    top = data["results"][0]
    assert top["doc_id"] == "hue_KH-UBND" and "99,3%" in top["text"]
    assert set(top["ranks"]) == {"dense", "lexical"} and top["section"].startswith("Mục II")


def test_search_text_and_locality_filter(index_dir, capsys):
    assert main(["search", "bảo hiểm y tế", "--locality", "Ninh Bình", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[1] Ninh Bình · ") and "Huế" not in out


def test_missing_index_is_a_clear_error(tmp_path, capsys):
    assert main(["search", "bảo hiểm", "--index", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert "Chưa có chỉ mục" in err and "--rebuild" in err
    assert main(["search", "bảo hiểm", "--k", "0", "--index", str(tmp_path)]) == 2
    assert "--k phải lớn hơn 0" in capsys.readouterr().err
