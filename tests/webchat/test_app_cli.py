"""Tests for app.py's command line: options, settings errors and start-up failures (no server)."""

from __future__ import annotations

import app


def test_options_default_to_settings():
    args = app.parse_args([])
    assert (args.host, args.port, args.index) == (None, None, None)
    args = app.parse_args(["--host", "0.0.0.0", "--port", "8000"])
    assert (args.host, args.port) == ("0.0.0.0", 8000)


def test_bad_port_setting_exits_2_with_vietnamese_message(monkeypatch, capsys):
    monkeypatch.setenv("BHYT_PORT", "bảy")
    assert app.main([]) == 2
    assert "Lỗi thiết lập" in capsys.readouterr().err


def test_missing_plans_folder_exits_1(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("BHYT_PLANS_DIR", str(tmp_path / "không-có"))
    assert app.main(["--index", str(tmp_path / "index"), "--port", "1"]) == 1
    assert "Không khởi động được web chat: Không tìm thấy thư mục kế hoạch" in capsys.readouterr().err
