"""The targets overview on the five plans' real targets: filters, order, pages, cells with their sources, CSV."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest

from index.labels import section_label
from ingest.batch import ingest_paths
from ingest.targets import extract_targets
from tests.plans import PLANS
from webchat.overview import OverviewQuery, TargetOverview, render_overview


@pytest.fixture(scope="module")
def corpus():
    report = ingest_paths([PLANS])
    documents = [d.meta for d in report.documents]
    targets = [(d.meta, t) for d in report.documents for t in extract_targets(d.meta, d.clauses)]
    clauses = {c.id: c for d in report.documents for c in d.clauses}
    sources = {d.meta.doc_id: d.source_text for d in report.documents}
    return documents, targets, clauses, sources


@pytest.fixture(scope="module")
def overview(corpus):
    documents, targets, _, _ = corpus
    return TargetOverview(documents, targets)


def _render(corpus, overview, query):
    _, _, clauses, sources = corpus
    return render_overview(overview.page(query), clause=clauses.get, source=sources.get,
                           clause_label=lambda c: section_label(c))


def test_every_plan_is_a_row_and_coverage_years_are_columns(overview):
    page = overview.page(OverviewQuery())
    assert [p.meta.locality for p in page.plans] == ["An Giang", "Đak Đoa", "Đồng Nai", "Huế", "Ninh Bình"]
    assert page.years == (2026, 2030)
    assert (page.matching, page.page, page.pages) == (5, 1, 1)


def test_sorting_by_a_years_coverage_puts_the_highest_first_and_plans_without_one_last(overview):
    by_2030 = [p.meta.locality for p in overview.page(OverviewQuery(sort="coverage:2030")).plans]
    assert by_2030[:2] == ["Huế", "Đak Đoa"]
    # Then the plans that state the goal only in words ("toàn dân"), A→Z.
    assert by_2030[2:] == ["An Giang", "Đồng Nai", "Ninh Bình"]
    assert all(p.coverage_for(2030).in_words for p in overview.page(OverviewQuery(sort="coverage:2030")).plans[2:])
    by_2026 = [p.meta.locality for p in overview.page(OverviewQuery(sort="coverage:2026")).plans]
    assert by_2026[:2] == ["Huế", "Đồng Nai"]
    assert ("Bao phủ BHYT 2030 (cao → thấp)", "coverage:2030") in overview.sort_choices()


def test_filters_by_level_and_province(overview):
    communes = overview.page(OverviewQuery(level="xã"))
    assert [p.meta.locality for p in communes.plans] == ["Đak Đoa"]
    gia_lai = overview.page(OverviewQuery(province="Gia Lai"))
    assert [p.meta.locality for p in gia_lai.plans] == ["Đak Đoa"]
    assert "Gia Lai" in overview.provinces() and "xã" in overview.levels()
    assert overview.page(OverviewQuery(province="Hà Nội")).matching == 0


def test_pages_are_cut_and_clamped(overview):
    query = OverviewQuery(page=9, page_size=2)
    page = overview.page(query)
    assert (page.page, page.pages, len(page.plans)) == (3, 3, 1)
    assert overview.page(replace(query, page=0)).page == 1
    with pytest.raises(ValueError, match="page_size"):
        OverviewQuery(page_size=0)


def test_each_cell_links_to_its_sentence_highlighted_in_the_plan(corpus, overview):
    html = _render(corpus, overview, OverviewQuery())
    links = re.findall(r'href="#(bhyt-t-\d+)"', html)
    assert len(links) == 17
    for anchor in links:
        assert f'id="{anchor}"' in html
    panels = {anchor: _panel(html, anchor) for anchor in links}
    hue = next(p for p in panels.values() if "<b>Huế</b>" in p and "99,3%" in p)
    assert "<mark>" in hue and "99,3%" in hue.split("<mark>", 1)[1]
    # The scanned plan's panel leads with the repaired reading; the scan is one tap away.
    dong_nai = next(p for p in panels.values() if "<b>Đồng Nai</b>" in p and "96%" in p)
    assert dong_nai.index("Bản đọc đã sửa lỗi nhận dạng") < dong_nai.index("Xem nguyên văn bản quét")


def test_a_goal_stated_in_words_is_a_cell_citing_its_sentence(corpus, overview):
    html = _render(corpus, overview, OverviewQuery(province="An Giang"))
    row = html[html.index('<th scope="row">An Giang'):]
    row = row[:row.index("</tr>")]
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert "trên 95%" in cells[0]
    assert "toàn dân" in cells[1] and "không nêu con số" in cells[1] and "%" not in cells[1]
    anchor = re.search(r'href="#(bhyt-t-\d+)"', cells[1]).group(1)
    marked = _panel(html, anchor).split("<mark>", 1)[1].split("</mark>", 1)[0]
    assert "2030" in marked and "toàn dân" in marked
    # The chart draws it as an outline holding its words, not as a bar of some length.
    assert "bhyt-bar-words" in html and "2030: toàn dân (không nêu con số)" in html


def _panel(html: str, anchor: str) -> str:
    panel = html[html.index(f'id="{anchor}"'):]
    return panel[:panel.index("↑ Về bảng")]


def test_plan_text_is_escaped(corpus, overview):
    documents, targets, clauses, sources = corpus
    hostile = [replace(m, locality='<img src=x onerror="alert(1)">') for m in documents]
    by_id = {m.doc_id: m for m in hostile}
    board = TargetOverview(hostile, [(by_id[m.doc_id], t) for m, t in targets])
    html = render_overview(board.page(OverviewQuery()), clause=clauses.get, source=sources.get,
                           clause_label=lambda c: "")
    assert "<img" not in html and "&lt;img" in html


def test_csv_holds_every_target_of_the_filters_on_all_pages(overview):
    rows = list(csv.reader(io.StringIO(overview.csv(OverviewQuery(page_size=1), lambda t: "Mục II"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Tỉnh/thành phố", "Địa phương", "Cấp"]
    assert len(body) == 17
    hue = [r for r in body if r[1] == "Huế" and r[4] == "Bao phủ BHYT"]
    assert [(r[7], r[8], r[9]) for r in hue] == [("99.3", "%", "2026"), ("100", "%", "2030")]
    an_giang = [r for r in body if r[1] == "An Giang" and r[4] == "Bao phủ BHYT"]
    assert [(r[6], r[7], r[8], r[9]) for r in an_giang] == [("trên", "95", "%", "2026"),
                                                             ("toàn dân (không nêu con số)", "", "", "2030")]
    assert len(list(csv.reader(io.StringIO(overview.csv(OverviewQuery(level="xã")))))) == 1 + 6


def test_no_plan_matching_says_so(corpus, overview):
    assert "Không có kế hoạch nào khớp" in _render(corpus, overview, OverviewQuery(province="Hà Nội"))


def test_coverage_headers_sort_by_their_column_and_mark_the_current_order(corpus, overview):
    html = _render(corpus, overview, OverviewQuery(sort="coverage:2030"))
    table = html[html.index('<table class="bhyt-targets">'):]
    head = table[:table.index("</thead>")]
    keys = re.findall(r'data-bhyt-sort="([^"]+)"', head)
    assert keys == ["locality", "coverage:2026", "coverage:2030"]
    assert {key for _, key in overview.sort_choices()} >= set(keys)  # a header offers only an order the tab knows
    marked = re.findall(r'<th aria-sort="(\w+)">.*?data-bhyt-sort="([^"]+)"', head)
    assert marked == [("descending", "coverage:2030")]
    by_place = _render(corpus, overview, OverviewQuery())
    assert re.findall(r'<th aria-sort="(\w+)">.*?data-bhyt-sort="([^"]+)"', by_place) == [("ascending", "locality")]


def test_csv_downloads_live_in_one_directory_removed_when_the_process_exits(tmp_path):
    import subprocess
    import sys

    script = """
import sys, tempfile
tempfile.tempdir = sys.argv[1]
from webchat.overview import OverviewQuery
from webchat.overview_tab import _csv_file

class Backend:
    def overview_csv(self, query):
        return "Địa phương;Mức\\n" + query.sort + "\\n"

backend = Backend()
first = _csv_file(backend, OverviewQuery())
second = _csv_file(backend, OverviewQuery(sort="2030"))
again = _csv_file(backend, OverviewQuery())
print(first, second, again)
"""
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, cwd=root,
                         check=True).stdout.split()
    first, second, again = map(Path, out)
    assert first == again and first != second  # written once per choice
    assert first.parent.parent == second.parent.parent and first.parent.parent.parent == tmp_path
    assert list(tmp_path.iterdir()) == []  # the process's one directory is gone with it
