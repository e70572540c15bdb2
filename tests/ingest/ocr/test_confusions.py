"""Tests for ingest/ocr/confusions.py: the rule file format and the spellings the rules reach."""

from __future__ import annotations

import json

import pytest

from ingest.ocr.confusions import ConfusionRules, read_confusions
from ingest.ocr.restore import CONFUSIONS_FILE, RESOURCES_DIR

TABLE = {
    "format": "ocr-confusions v1",
    "rules": [{"from": "p", "to": "d", "where": "start", "cost": 0.3},
              {"from": "1", "to": "l", "where": "any", "cost": 0.2}],
    "delete_cost": 1.0,
    "max_edits": 2,
}


def test_shipped_table_reads():
    rules = ConfusionRules.from_table(read_confusions(RESOURCES_DIR / CONFUSIONS_FILE))
    assert ("p", "d", "start", 0.3) in rules.rules and rules.max_edits >= 1


def test_wrong_format_is_refused_in_vietnamese(tmp_path):
    path = tmp_path / "ocr_confusions.json"
    path.write_text(json.dumps({"format": "other"}), encoding="utf-8")
    with pytest.raises(ValueError, match="Tệp ocr_confusions.json không đúng định dạng 'ocr-confusions v1'"):
        read_confusions(path)


def test_variants_keep_only_known_spellings_with_cheapest_cost():
    rules = ConfusionRules.from_table(TABLE)
    assert rules.variants("pang", {"dang", "pang", "ang"}) == {"pang": 0.0, "dang": 0.3, "ang": 1.0}
    assert rules.variants("1a", {"la"}) == {"la": 0.2}
    assert rules.variants("pang", set()) == {}


def test_rules_apply_only_where_they_say_and_never_drop_a_digit():
    rules = ConfusionRules.from_table(TABLE)
    assert rules.variants("pap", {"dap"}) == {"dap": 0.3}
    assert rules.variants("pap", {"pad"}) == {}  # "p" -> "d" only at the start
    assert rules.variants("9thang", {"thang"}) == {}  # a dropped digit would lose a number


def test_lost_vowels_are_put_back_only_in_short_unknown_tokens():
    rules = ConfusionRules.from_table({**TABLE, "insert_letters": "ao", "insert_cost": 1.0})
    assert rules.variants("tp", {"tap", "top"}) == {"tap": 1.0, "top": 1.0}
    assert rules.variants("s", {"so", "sa"}) == {"so": 1.0, "sa": 1.0}
    assert rules.variants("ta", {"ta", "tao"}) == {"ta": 0.0}  # "ta" reads already: nothing inserted
    assert rules.variants("thng", {"thang"}) == {}  # long tokens never get a vowel back
    assert ConfusionRules.from_table(TABLE).variants("tp", {"tap"}) == {}  # no insertion unless the table says


def test_shipped_table_reaches_the_ocr_spellings_of_o_horn_and_dollar_s():
    rules = ConfusionRules.from_table(read_confusions(RESOURCES_DIR / CONFUSIONS_FILE))
    assert "loi" in rules.variants("lgi", {"loi"})  # "lợi" scanned "lgi"
    assert "luong" in rules.variants("lugng", {"luong"})  # "lượng" scanned "lugng"
    assert "so" in rules.variants("$6", {"so"})  # "số" scanned "$6"
