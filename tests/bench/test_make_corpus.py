"""bench/make_corpus.py and the rewriter behind it: reproducible, every substitution applied, real localities."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval.evidence import collapse_whitespace
from eval.metamorphic.corpus import SECTION_STYLES, CorpusOptions, plan_rewrites, read_plans
from eval.metamorphic.mapping import compile_substitutions, read_mapping
from ingest.vntext import folded_form
from tests.bench.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]


def _load_script():
    return load_script("make_corpus")


@pytest.fixture(scope="module")
def plans():
    return read_plans()


@pytest.fixture(scope="module")
def seven(plans):
    return plan_rewrites(CorpusOptions(7, seed=11), plans)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_writes_byte_identical_files_and_another_seed_does_not(tmp_path, capsys):
    script = _load_script()
    assert script.main(["--n", "6", "--seed", "11", "--out", str(tmp_path / "a")]) == 0
    assert script.main(["--n", "6", "--seed", "11", "--out", str(tmp_path / "b")]) == 0
    assert script.main(["--n", "6", "--seed", "12", "--out", str(tmp_path / "c")]) == 0
    first, second, other = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert len(first) == 12  # six plans, six mappings
    assert first == second
    assert first != other
    assert "Đã ghi 6 kế hoạch" in capsys.readouterr().out


def test_a_folder_holds_only_the_last_corpus(tmp_path):
    script = _load_script()
    assert script.main(["--n", "6", "--seed", "11", "--out", str(tmp_path)]) == 0
    assert script.main(["--n", "2", "--seed", "11", "--out", str(tmp_path)]) == 0
    assert len(list(tmp_path.glob("*.txt"))) == 2


def test_bad_count_is_refused_in_vietnamese(capsys):
    assert _load_script().main(["--n", "0"]) == 2
    assert "phải lớn hơn 0" in capsys.readouterr().err


def test_mapping_file_round_trips_and_names_source_and_seed(tmp_path):
    assert _load_script().main(["--n", "5", "--seed", "3", "--out", str(tmp_path)]) == 0
    mappings = sorted(tmp_path.glob("*.mapping.json"))
    assert len(mappings) == 5
    for path in mappings:
        mapping = read_mapping(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["source"].endswith(".txt") and data["seed"].startswith("3:")
        assert mapping.rewrite == path.name.replace(".mapping.json", ".txt")
        assert (tmp_path / mapping.rewrite).is_file()


def _whole(old: str, text: str) -> int:
    pattern, _ = compile_substitutions([(old, old)])
    return len(pattern.findall(text))


def test_every_substitution_is_applied(seven, plans):
    sources = {name: doc for name, doc in plans}
    for rewrite in seven:
        text = collapse_whitespace(rewrite.text).text
        news = {s.new for s in rewrite.mapping.substitutions}
        assert rewrite.mapping.substitutions, rewrite.mapping.rewrite
        for sub in rewrite.mapping.substitutions:
            assert sub.count > 0
            assert sub.old != sub.new
            assert _whole(sub.new, text) >= 1, (rewrite.mapping.rewrite, sub)
            if sub.old not in news:
                assert _whole(sub.old, text) == 0, (rewrite.mapping.rewrite, sub)
        assert sources[rewrite.mapping.source].meta.doc_id == rewrite.mapping.source_doc_id


def test_no_spelling_of_the_old_locality_is_left(seven):
    for rewrite in seven:
        folded = folded_form(rewrite.text)
        mapping = rewrite.mapping
        for name in {mapping.locality["old"], mapping.locality["old_province"]}:
            assert not re.search(rf"(?<!\w){re.escape(folded_form(name))}(?!\w)", folded), (mapping.rewrite, name)
        assert folded_form(mapping.locality["new"]) in folded


def test_figures_dates_and_numbers_change_consistently(seven):
    kinds = {s.kind for r in seven for s in r.mapping.substitutions}
    assert {"locality", "percent", "date", "number"} <= kinds
    for rewrite in seven:
        table: dict[str, str] = {}
        for sub in rewrite.mapping.all_substitutions():
            assert table.setdefault(sub.old, sub.new) == sub.new


def test_a_commune_and_a_ward_are_among_five_rewrites(plans):
    for seed in (1, 2, 52):
        levels = [r.mapping.locality["new_level"] for r in plan_rewrites(CorpusOptions(5, seed=seed), plans)]
        assert "xã" in levels and "phường" in levels, (seed, levels)


def test_localities_are_real_distinct_and_worded_at_their_level(seven):
    names = [r.mapping.locality["new"] for r in seven]
    assert len(set(names)) == len(names)
    for rewrite in seven:
        level, name = rewrite.mapping.locality["new_level"], rewrite.mapping.locality["new"]
        if level in ("xã", "phường"):
            assert f"{level} {name}" in collapse_whitespace(rewrite.text).text or name in rewrite.text
        if level == "phường":
            assert "phường" in rewrite.mapping.issuer["new"]


def test_five_rewrites_show_every_section_style_and_write_it(plans):
    rewrites = plan_rewrites(CorpusOptions(5, seed=4), plans)
    assert {r.mapping.conventions.section for r in rewrites} == set(SECTION_STYLES)
    words = {"part": r"(?:Phần|PHẦN) I\.", "chapter": r"(?:Chương|CHƯƠNG) I\.", "heading": r"(?:Mục|MỤC) 1\.",
             "roman_dash": r"I- ", "roman": r"I\. "}
    for rewrite in rewrites:
        assert re.search(r"(?m)^\s*" + words[rewrite.mapping.conventions.section], rewrite.text), \
            rewrite.mapping.conventions
        if rewrite.mapping.conventions.points.startswith("letter") and rewrite.mapping.written_kinds.get("letter"):
            assert re.search(r"(?m)^\s*a[).\-] \S", rewrite.text)


def test_wrapped_layout_keeps_lines_short_and_the_text_the_same(plans):
    from eval.metamorphic.edits import apply_edits
    from eval.metamorphic.layout import join_lines, wrap_lines

    text = plans[0][1].source_text
    joined, _ = apply_edits(text, join_lines(text))
    wrapped, _ = apply_edits(joined, wrap_lines(joined, 75))
    assert collapse_whitespace(wrapped).text == collapse_whitespace(text).text
    lengths = [len(line) for line in wrapped.split("\n")]
    assert max(lengths) < max(len(line) for line in text.split("\n"))
    assert sum(n > 75 for n in lengths) < 0.05 * len(lengths)
    assert len(joined.split("\n")) < len(text.split("\n"))


def test_no_commune_or_ward_takes_a_province_name(plans):
    from ingest.places import province_called

    for seed in (1, 2, 3):
        for rewrite in plan_rewrites(CorpusOptions(10, seed=seed), plans):
            if rewrite.mapping.locality["new_level"] in ("xã", "phường"):
                assert province_called(rewrite.mapping.locality["new"]) is None, rewrite.mapping.locality


def test_damage_is_off_by_default_and_applied_when_asked(tmp_path):
    script = _load_script()
    assert script.main(["--n", "5", "--seed", "8", "--out", str(tmp_path / "clean")]) == 0
    assert script.main(["--n", "5", "--seed", "8", "--out", str(tmp_path / "damaged"), "--drop", "0.2",
                        "--merge", "0.1", "--reorder", "0.1", "--ocr", "0.1"]) == 0
    clean = [read_mapping(p) for p in sorted((tmp_path / "clean").glob("*.mapping.json"))]
    damaged = [read_mapping(p) for p in sorted((tmp_path / "damaged").glob("*.mapping.json"))]
    assert all(m.damage == {} for m in clean)
    assert sum(m.damage["dropped"] for m in damaged) > 0 and sum(m.damage["misread_words"] for m in damaged) > 0
    first = sorted((tmp_path / "clean").glob("*.txt"))[0]
    assert first.read_bytes() != (tmp_path / "damaged" / first.name).read_bytes()


def test_a_national_corpus_has_one_plan_per_province_and_is_mostly_communes_and_wards(plans):
    from ingest.places import PROVINCE_LEVELS

    rewrites = plan_rewrites(CorpusOptions(120, seed=3), plans)
    places = [(r.mapping.locality["new_level"], r.mapping.locality["new"], r.mapping.locality["new_province"])
              for r in rewrites]
    provinces = [name for level, name, _ in places if level in PROVINCE_LEVELS]
    assert len(provinces) == len(set(provinces)) and 15 <= len(provinces) <= 34  # each province once
    assert len(places) - len(provinces) > len(places) / 2  # communes and wards: most of the country's plans
    assert len(set(places)) == len(places)  # no place twice while places remain
    # A province plan worded at a commune's level: its level words follow ("Tỉnh ủy" -> "Đảng ủy xã").
    source_levels = {name: doc.meta.level for name, doc in plans}
    commune_of_province = next(r for r in rewrites if source_levels[r.mapping.source] == "tỉnh"
                               and r.mapping.locality["new_level"] == "xã" and "dong-nai" not in r.mapping.source)
    assert ("Tỉnh ủy", "Đảng ủy xã") in {(s.old, s.new) for s in commune_of_province.mapping.all_substitutions()} \
        or ("Tỉnh uỷ", "Đảng uỷ xã") in {(s.old, s.new) for s in commune_of_province.mapping.all_substitutions()}
    assert f"xã {commune_of_province.mapping.locality['new']}" in collapse_whitespace(commune_of_province.text).text
