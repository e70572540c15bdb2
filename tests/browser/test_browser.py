"""Browser tests of the web chat: headless Debian chromium driven by Playwright.

Runs against the real app (``python app.py`` on a free port of 127.0.0.1, index
built from data/plans; see tests/webchat/served.py). Screenshots at desktop
(1280 px) and phone (390 px) widths go to tests/artifacts/ and are copied to
docs/screenshots/. Skipped only when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.webchat.served import served_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
ACCENTLESS_QUESTION = "muc tieu bao phu bhyt nam 2026 cua ninh binh"
TARGET_CLAUSE = "Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%"
ANSWER_TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="cần Debian chromium tại /usr/bin/chromium (apt-get install -y chromium)"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def app_url() -> str:
    return served_app().url


def open_page(browser, app_url: str, width: str):
    viewport_width, viewport_height = WIDTHS[width]
    page = browser.new_page(viewport={"width": viewport_width, "height": viewport_height})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(app_url)
    page.wait_for_selector("#bhyt-question textarea", timeout=ANSWER_TIMEOUT_MS)
    return page, dialogs


def ask(page, question: str) -> None:
    page.fill("#bhyt-question textarea", question)
    page.click("#bhyt-send")


def save_screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    shutil.copyfile(path, SCREENSHOTS / path.name)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_accentless_question_answered_with_expandable_citation(browser, app_url, width):
    page, dialogs = open_page(browser, app_url, width)
    try:
        ask(page, ACCENTLESS_QUESTION)
        source = page.locator("#bhyt-chat details.bhyt-source").first
        source.wait_for(timeout=ANSWER_TIMEOUT_MS)
        answer = page.locator("#bhyt-chat").inner_text()
        assert "95%" in answer and "[1]" in answer
        assert "Nguồn trích dẫn" in answer

        quote = source.locator(".bhyt-quote")
        assert not quote.is_visible()
        source.locator("summary").first.click()
        quote.wait_for(state="visible")
        assert TARGET_CLAUSE in quote.inner_text()
        assert "Mục II" in source.inner_text()
        quote.scroll_into_view_if_needed()
        save_screenshot(page, f"webchat-{width}")

        context = source.locator("details.bhyt-context")
        context.locator("summary").click()
        highlight = context.locator("mark")
        highlight.wait_for(state="visible")
        assert TARGET_CLAUSE in highlight.inner_text()
        highlight.scroll_into_view_if_needed()
        save_screenshot(page, f"webchat-context-{width}")

        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"page scrolls sideways by {overflow}px at {width} width"
        assert dialogs == []
    finally:
        page.close()


def test_markup_is_shown_as_text_and_never_runs(browser, app_url):
    page, dialogs = open_page(browser, app_url, "phone")
    try:
        for payload in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>"):
            ask(page, payload)
            page.locator("#bhyt-chat .bhyt-user", has_text=payload).wait_for(timeout=ANSWER_TIMEOUT_MS)
        page.locator("#bhyt-chat .bhyt-notice").nth(1).wait_for(timeout=ANSWER_TIMEOUT_MS)
        chat = page.locator("#bhyt-chat")
        assert chat.locator("img[src='x'], script").count() == 0
        assert "Câu hỏi chỉ gồm mã HTML/script" in chat.inner_text()
        assert dialogs == []
    finally:
        page.close()


def test_empty_message_gets_a_polite_reply(browser, app_url):
    page, _ = open_page(browser, app_url, "desktop")
    try:
        page.click("#bhyt-send")
        notice = page.locator("#bhyt-chat .bhyt-notice").first
        notice.wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert "Bạn chưa nhập câu hỏi" in notice.inner_text()
    finally:
        page.close()


def test_abstention_looks_different(browser, app_url):
    page, _ = open_page(browser, app_url, "desktop")
    try:
        ask(page, "Mức phạt khi không tham gia bảo hiểm y tế ở Hà Nội là bao nhiêu tiền?")
        page.locator("#bhyt-chat .bhyt-abstain").wait_for(timeout=ANSWER_TIMEOUT_MS)
        text = page.locator("#bhyt-chat").inner_text()
        assert "Chưa tìm thấy câu trả lời" in text
        assert "Nguồn trích dẫn" not in text
        save_screenshot(page, "webchat-abstention-desktop")
    finally:
        page.close()


def test_plans_panel_lists_the_ingested_plans(browser, app_url):
    page, _ = open_page(browser, app_url, "phone")
    try:
        page.get_by_text("Các kế hoạch đã nạp (5)").click()
        table = page.locator(".bhyt-plans table")
        table.wait_for(state="visible")
        assert table.locator("tbody tr").count() == 5
        text = table.inner_text()
        for locality in ("An Giang", "Đak Đoa", "Đồng Nai", "Huế", "Ninh Bình"):
            assert locality in text
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the plans table pushes the page sideways by {overflow}px"
        save_screenshot(page, "webchat-plans-phone")
    finally:
        page.close()
