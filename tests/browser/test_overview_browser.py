"""Browser tests of the "Chỉ tiêu các địa phương" tab at phone and desktop widths: geometry, sources, order, CSV.

Same served app and chromium as tests/browser/test_browser.py. Screenshots go to
tests/artifacts/ and docs/screenshots/webchat-overview-*.png.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser.test_browser import BROWSER_MARKS, app_url, browser, save_screenshot  # noqa: F401

pytestmark = BROWSER_MARKS

VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 768)}
TIMEOUT_MS = 60_000

# Words of table cells that the browser drew on more than one line (a word broken inside a cell).
BROKEN_WORDS_JS = """(selector) => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const words = /[^\\s…]+/g;  // a line may break after an ellipsis
      let m;
      while ((m = words.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def open_overview(browser, url: str, width: str):  # noqa: F811
    w, h = VIEWPORTS[width]
    page = browser.new_page(viewport={"width": w, "height": h}, accept_downloads=True)
    page.goto(url)
    page.wait_for_selector("#bhyt-question textarea", timeout=TIMEOUT_MS)
    page.get_by_role("tab", name="Chỉ tiêu các địa phương").click()
    page.wait_for_selector("#bhyt-overview table.bhyt-targets", timeout=TIMEOUT_MS)
    return page


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_tables_fit_the_screen_without_breaking_words(browser, app_url, width):  # noqa: F811
    page = open_overview(browser, app_url, width)
    try:
        broken = page.evaluate(BROKEN_WORDS_JS, "#bhyt-overview table.bhyt-targets th, "
                                                "#bhyt-overview table.bhyt-targets td, .bhyt-chart-label")
        assert broken == [], f"words broken inside cells at {width}: {broken}"
        overflow = page.evaluate("""() => Array.from(document.querySelectorAll('#bhyt-overview .bhyt-table-wrap'))
                                    .map(w => w.scrollWidth - w.clientWidth)""")
        assert max(overflow) <= 1, f"a table scrolls sideways at {width}: {overflow}"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        rows = page.locator("#bhyt-overview table.bhyt-targets").first.locator("tbody tr")
        assert rows.count() == 5
        headers = page.locator("#bhyt-overview table.bhyt-targets").first.locator("thead th").all_inner_texts()
        assert headers == ["Địa phương ↑", "2026 ↕", "2030 ↕"]  # sort buttons; places A→Z to begin with
        assert page.locator("#bhyt-overview .bhyt-chart-row").count() == 5
        save_screenshot(page, f"webchat-overview-{width}")
    finally:
        page.close()


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_tapping_a_cell_shows_its_sentence_highlighted(browser, app_url, width):  # noqa: F811
    page = open_overview(browser, app_url, width)
    try:
        cell = page.locator("#bhyt-overview table.bhyt-targets").first.locator("tbody tr", has_text="Huế") \
            .locator("a.bhyt-cell-link").first
        assert "99,3%" in cell.inner_text()
        panel_id = cell.get_attribute("href").lstrip("#")
        panel = page.locator(f"#{panel_id}")
        assert not panel.is_visible()
        cell.click()
        panel.wait_for(state="visible")
        box = panel.bounding_box()
        height = VIEWPORTS[width][1]
        assert box is not None and box["y"] < height and box["y"] + 40 > 0, "the source is not brought into view"
        assert "99,3%" in panel.locator("mark").inner_text()
        assert "Huế" in panel.inner_text()
        save_screenshot(page, f"webchat-overview-source-{width}")
    finally:
        page.close()


def test_sort_filter_and_csv(browser, app_url):  # noqa: F811
    page = open_overview(browser, app_url, "phone")
    try:
        page.locator("#bhyt-ov-sort input").click()
        page.locator("#bhyt-ov-sort").get_by_role("option", name="Bao phủ BHYT 2026 (cao → thấp)").click()
        first_column = page.locator("#bhyt-overview table.bhyt-targets").first.locator("tbody th")
        page.wait_for_function("() => document.querySelector('#bhyt-overview tbody th').innerText.startsWith('Huế')",
                               timeout=TIMEOUT_MS)
        assert first_column.first.inner_text().startswith("Huế")

        page.locator("#bhyt-ov-level input").click()
        page.locator("#bhyt-ov-level").get_by_role("option", name="Xã", exact=True).click()
        page.wait_for_function("() => document.querySelectorAll('#bhyt-overview table.bhyt-targets')[0]"
                               ".querySelectorAll('tbody tr').length === 1", timeout=TIMEOUT_MS)
        assert first_column.first.inner_text().startswith("Đak Đoa")

        with page.expect_download(timeout=TIMEOUT_MS) as download:
            page.locator("#bhyt-ov-csv").click()
        text = open(download.value.path(), encoding="utf-8-sig").read()
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][1] == "Địa phương" and len(rows) == 1 + 6
        assert {r[1] for r in rows[1:]} == {"Đak Đoa"}
    finally:
        page.close()


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_tapping_a_year_header_sorts_by_that_years_coverage(browser, app_url, width):  # noqa: F811
    page = open_overview(browser, app_url, width)
    try:
        page.locator("#bhyt-overview button[data-bhyt-sort='coverage:2030']").click()
        page.wait_for_function("() => document.querySelector('#bhyt-overview tbody th').innerText.startsWith('Huế')"
                               " && document.querySelector('#bhyt-overview th[aria-sort]')?.innerText.startsWith('2030')",
                               timeout=TIMEOUT_MS)
        rows = page.locator("#bhyt-overview table.bhyt-targets").first.locator("tbody th")
        places = [rows.nth(i).inner_text().split("\n")[0] for i in range(rows.count())]
        # Figures highest first, then the goals stated only in words, A→Z.
        assert places == ["Huế", "Đak Đoa", "An Giang", "Đồng Nai", "Ninh Bình"]
        assert "Bao phủ BHYT 2030" in page.locator("#bhyt-ov-sort input").input_value()
        if width == "phone":
            save_screenshot(page, "webchat-overview-sorted-phone")
        page.locator("#bhyt-overview button[data-bhyt-sort='locality']").click()
        page.wait_for_function("() => document.querySelector('#bhyt-overview tbody th').innerText.startsWith('An Giang')"
                               " && document.querySelector('#bhyt-overview th[aria-sort]')?.innerText.startsWith('Địa')",
                               timeout=TIMEOUT_MS)
    finally:
        page.close()


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_a_comparison_answer_is_a_compact_table_without_broken_words(browser, app_url, width):  # noqa: F811
    w, h = VIEWPORTS[width]
    page = browser.new_page(viewport={"width": w, "height": h})
    try:
        page.goto(app_url)
        page.wait_for_selector("#bhyt-question textarea", timeout=TIMEOUT_MS)
        page.fill("#bhyt-question textarea", "So sánh độ phủ BHYT mà mỗi địa phương nhắm tới năm 2030")
        page.click("#bhyt-send")
        table = page.locator("#bhyt-chat table").last
        table.wait_for(timeout=TIMEOUT_MS)
        headers = table.locator("thead th").all_inner_texts()
        assert headers == ["Địa phương", "Chỉ tiêu", "Năm", "Nguồn"]
        cells = [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]
        assert {c[0] for c in cells} == {"An Giang", "Đak Đoa", "Đồng Nai", "Huế", "Ninh Bình"}
        assert ["Huế", "100%", "2030"] == [c for c in cells if c[0] == "Huế"][0][:3]
        broken = page.evaluate(BROKEN_WORDS_JS, "#bhyt-chat table td, #bhyt-chat table th")
        assert broken == [], f"words broken inside the comparison table at {width}: {broken}"
        box = table.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= w, "the table runs off the screen"
        table.scroll_into_view_if_needed()
        save_screenshot(page, f"webchat-compare-{width}")
    finally:
        page.close()
