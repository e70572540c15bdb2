"""Tests for ingest/reading/encoding.py: detection, legacy tables, syllables, legacy runs."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.reading.encoding import UndecodableBytesError, decode_bytes
from ingest.reading.legacy_fonts import decode_legacy, encode_legacy
from ingest.reading.legacy_runs import convert_legacy_runs
from ingest.syllables import is_vietnamese_syllable, vietnamese_score

ROOT = Path(__file__).resolve().parents[3]
FORMATS = ROOT / "tests" / "data" / "formats"
PLANS = sorted((ROOT / "data" / "plans").glob("*.txt"))
REFERENCE = (FORMATS / "paragraph.utf8.txt").read_text(encoding="utf-8")

# Vietnamese letters, lowercase, all tones.
_BASES = "aăâeêioôơuưy"
LETTERS = [unicodedata.normalize("NFC", b + t) for b in _BASES for t in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")] + ["đ"]


@pytest.mark.parametrize(
    ("suffix", "encoding"),
    [
        ("utf8", "utf-8"),
        ("utf8-bom", "utf-8-sig"),
        ("utf16le-bom", "utf-16-le"),
        ("utf16be-bom", "utf-16-be"),
        ("utf16le-nobom", "utf-16-le"),
        ("cp1258", "cp1258"),
        ("tcvn3", "tcvn3"),
        ("vni", "vni"),
    ],
)
def test_same_paragraph_decodes_to_identical_nfc_text(suffix: str, encoding: str) -> None:
    decoded = decode_bytes((FORMATS / f"paragraph.{suffix}.txt").read_bytes())
    assert decoded.encoding == encoding
    assert decoded.text == REFERENCE
    assert unicodedata.is_normalized("NFC", decoded.text)


def test_cp1258_fixture_really_has_decomposed_tones() -> None:
    data = (FORMATS / "paragraph.cp1258.txt").read_bytes()
    assert b"\xd2" in data and b"\xf2" in data  # combining hook above, dot below
    assert "\u0309" not in decode_bytes(data).text


def test_bomless_utf16_big_endian_is_detected() -> None:
    decoded = decode_bytes(REFERENCE.encode("utf-16-be"))
    assert (decoded.encoding, decoded.text) == ("utf-16-be", REFERENCE)


def test_plain_ascii_and_empty_are_utf8() -> None:
    assert decode_bytes(b"Dieu 1").encoding == "utf-8"
    assert decode_bytes(b"").text == ""


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(32)) * 4])
def test_binary_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(UndecodableBytesError):
        decode_bytes(data)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_every_lowercase_letter_round_trips(encoding: str) -> None:
    word = " ".join(LETTERS)
    assert decode_legacy(encode_legacy(word, encoding).decode("latin-1"), encoding) == word


def test_vni_uppercase_letters_round_trip() -> None:
    word = " ".join(letter.upper() for letter in LETTERS)
    assert decode_legacy(encode_legacy(word, "vni").decode("latin-1"), "vni") == word


def test_tcvn3_heading_capitals_are_restored_but_not_capitalised_words() -> None:
    assert decode_legacy("KÕ HO¹CH", "tcvn3") == "KẾ HOẠCH"
    assert decode_legacy("Bé Y tÕ; Së Y tÕ", "tcvn3") == "Bộ Y tế; Sở Y tế"


def test_known_vni_sequences() -> None:
    # ẳ (aú) and ỵ (î) are where viparse 0.1.31's VNI table is wrong or missing.
    assert decode_legacy("chaúng haïn, kî luaät, Ñaø Naüng", "vni") == "chẳng hạn, kỵ luật, Đà Nẵng"


def test_tables_agree_with_viparse_except_its_derived_vni_entries() -> None:
    from viparse.normalize.tcvn3 import TCVN3
    from viparse.normalize.vni import VNI

    documented = {"IØ", "IÙ", "iø", "iù", "YÏ", "yï"}  # viparse guesses; VNI uses ì í î
    for name, charmap in (("tcvn3", TCVN3), ("vni", VNI)):
        differing = {legacy for legacy, letter in charmap.pairs if decode_legacy(legacy, name) != letter}
        assert differing == (documented if name == "vni" else set())


@pytest.mark.parametrize("word", ["nghiệp", "Ủy", "gì", "quốc", "giếng", "khuya", "thuở", "xoong", "người", "ở"])
def test_valid_syllables(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["hiém", "thuc", "ka", "ci", "ưnh", "BHYT", "Chính2", "t&", "nh©n"])
def test_invalid_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)


def test_score_separates_clean_plans_from_ocr_damage() -> None:
    scores = {path.name: vietnamese_score(path.read_text(encoding="utf-8")) for path in PLANS}
    damaged = scores.pop("dong-nai_646-KH-TU_2026-01-09.txt")
    assert min(scores.values()) > 0.94
    assert damaged < 0.7


def test_legacy_runs_in_unicode_file_are_converted() -> None:
    text = (FORMATS / "mixed_legacy.txt").read_text(encoding="utf-8")
    lines = convert_legacy_runs(text).splitlines()
    assert lines[1].startswith("- Xác định việc thực hiện bảo hiểm y tế toàn dân là điều kiện tiên quyết")
    assert lines[1].endswith("chăm sóc và nâng cao sức khỏe Nhân dân.")
    assert lines[2] == text.splitlines()[2]  # the Unicode line is untouched
    assert lines[3] == ("- Tăng cường công tác phối hợp, kiểm tra, giám sát, sơ kết, tổng kết, "
                        "rút kinh nghiệm trong quá trình triển khai.")


def test_legacy_run_inside_a_unicode_line() -> None:
    line = "Căn cứ Quyết định số 12 (Ch\u00ddnh s\u00b8ch b¶o hiÓm y tÕ) của Bộ"
    assert convert_legacy_runs(line) == "Căn cứ Quyết định số 12 (Chính sách bảo hiểm y tế) của Bộ"


def test_pdf_glyphs_of_vntime_become_letters_but_not_minus_signs() -> None:
    assert convert_legacy_runs("ng\u2212êi d©n, nhµ n\u2212íc: 5 \u2212 3") == "người dân, nhà nước: 5 \u2212 3"


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_clean_and_ocr_plans_are_not_touched(path: Path) -> None:
    # An Giang has "¹" (a TCVN3 byte) as a footnote sign; Đồng Nai has OCR slips "¢y", "k¥".
    text = path.read_text(encoding="utf-8")
    assert convert_legacy_runs(text) == text


def test_short_ocr_slips_are_kept() -> None:
    assert convert_legacy_runs("y t&, ¢y manh bao phu bao hiém y té") == "y t&, ¢y manh bao phu bao hiém y té"


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_a_utf8_plan_with_stray_bytes_stays_utf8_and_says_where(path: Path) -> None:
    # A Word copy-paste leaves Windows quotes (0x93/0x94) in an otherwise UTF-8 file.
    raw = path.read_bytes()
    cut = raw.index(b"\n", len(raw) // 2) + 1
    damaged = raw[:cut] + b"\x93" + raw[cut:] + b"\x94"
    decoded = decode_bytes(damaged)
    before, after = raw[:cut].decode("utf-8"), raw[cut:].decode("utf-8")
    assert decoded.encoding == "utf-8"
    assert decoded.text == unicodedata.normalize("NFC", before + "\ufffd" + after + "\ufffd")
    lines = (before.count("\n") + 1, (before + after).count("\n") + 1)
    [warning] = decoded.warnings
    assert f"2 byte không hợp lệ (0x93, 0x94) ở dòng {lines[0]}, dòng {lines[1]}" in warning


def test_many_invalid_bytes_are_not_called_utf8() -> None:
    text = (PLANS[0].read_text(encoding="utf-8")[:2000])
    assert decode_bytes(encode_legacy(text, "tcvn3")).encoding == "tcvn3"
    assert decode_bytes(encode_legacy(text, "vni")).encoding == "vni"


def test_a_poor_guess_is_kept_with_a_warning() -> None:
    english = ("The quick brown fox jumps over the lazy dog. " * 20 + "café").encode("cp1252")
    decoded = decode_bytes(english)
    assert decoded.score < 0.6 and "Không chắc chắn về bảng mã" in decoded.warnings[0]
