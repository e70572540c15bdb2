"""Browser tests of the web chat: headless Debian chromium driven by Playwright.

Runs against the real app (``python app.py`` on a free port of 127.0.0.1, index
built from data/plans; see tests/webchat/served.py). Screenshots at desktop
(1366 × 768) and phone (390 × 844) sizes go to tests/artifacts/ and are copied to
docs/screenshots/. Skipped only when Debian's chromium is missing (``.ci/run``
installs it with apt-get).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.webchat.served import served_app

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}
ACCENTLESS_QUESTION = "muc tieu bao phu bhyt nam 2026 cua ninh binh"
TARGET_CLAUSE = "Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%"
ANSWER_TIMEOUT_MS = 60_000

# .ci/run sets this: on CI a missing browser is a failure, not a skip.
REQUIRE_BROWSER = os.environ.get("BHYT_REQUIRE_BROWSER", "") not in ("", "0")

# Every browser test module uses these marks: slow, browser, skipped only where chromium is missing off CI.
BROWSER_MARKS = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not REQUIRE_BROWSER,
                       reason="chromium is not installed (apt-get install -y chromium)"),
]
pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), "BHYT_REQUIRE_BROWSER is set but chromium is not installed (apt-get install -y chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def app_url() -> str:
    return served_app().url


def open_page(browser, app_url: str, width: str, requests: list[str] | None = None):
    """A page of the app at ``width``; dialogs (an alert() that ran) are recorded and
    dismissed, and so is every request URL when ``requests`` is given."""
    viewport_width, viewport_height = WIDTHS[width]
    page = browser.new_page(viewport={"width": viewport_width, "height": viewport_height})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    if requests is not None:
        page.on("request", lambda request: requests.append(request.url))
    page.goto(app_url)
    page.wait_for_selector("#bhyt-question textarea", timeout=ANSWER_TIMEOUT_MS)
    return page, dialogs


def sideways_overflow(page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits the screen)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def answered(page) -> None:
    """Wait until no question is waiting for its answer (the page sends one question at a time)."""
    page.wait_for_function("!document.querySelector('#bhyt-chat .bhyt-waiting')", timeout=ANSWER_TIMEOUT_MS)


def ask(page, question: str) -> None:
    """Send ``question`` once the previous answer is in, and wait until the page shows it."""
    answered(page)
    shown = page.locator("#bhyt-chat .user-row").count()
    page.fill("#bhyt-question textarea", question)
    page.click("#bhyt-send")
    page.locator("#bhyt-chat .user-row").nth(shown).wait_for(timeout=ANSWER_TIMEOUT_MS)


def save_screenshot(page, name: str, full_page: bool = True) -> None:
    """Save the page (or only the screen, ``full_page=False``) to tests/artifacts/ and docs/screenshots/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
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
        save_screenshot(page, f"webchat-citation-{width}")

        context = source.locator("details.bhyt-context")
        context.locator("summary").click()
        highlight = context.locator("mark")
        highlight.wait_for(state="visible")
        assert TARGET_CLAUSE in highlight.inner_text()
        highlight.scroll_into_view_if_needed()
        save_screenshot(page, f"webchat-context-{width}")

        overflow = sideways_overflow(page)
        assert overflow <= 0, f"page scrolls sideways by {overflow}px at {width} width"
        # The answer bubble uses the screen: on a phone the clause text must not be
        # squeezed into a narrow column by page padding and bubble margins.
        bubble = page.locator("#bhyt-chat .bot-row .message").first.bounding_box()
        assert bubble["width"] >= 0.85 * WIDTHS[width][0] or width == "desktop", bubble
        assert dialogs == []
    finally:
        page.close()


def test_page_is_vietnamese_and_fetches_nothing_from_elsewhere(browser, app_url):
    requests: list[str] = []
    page, _ = open_page(browser, app_url, "desktop", requests)
    try:
        assert page.evaluate("document.documentElement.lang") == "vi"
        assert page.locator("footer").inner_text().strip().startswith("Dùng qua API")
        body = page.locator("body").inner_text()
        for english in ("Use via API", "Examples", "Submit", "Clear", "Loading"):
            assert english not in body
        # The example questions are shown whole and fill the input box when tapped.
        examples = page.locator("#bhyt-examples button")
        assert examples.count() == 6
        assert "..." not in examples.all_inner_texts()[0]
        examples.nth(3).click()
        assert page.input_value("#bhyt-question textarea") == examples.nth(3).inner_text().strip()
        ask(page, ACCENTLESS_QUESTION)
        page.locator("#bhyt-chat details.bhyt-source").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
        # Gradio's own tooltips are translated too.
        assert page.locator('#bhyt-chat button[title="Sao chép câu trả lời"]').count() >= 2
        assert page.locator('#bhyt-chat button[title="Copy message"]').count() == 0
        # No analytics, fonts or scripts from the internet: every request stays on this machine.
        outside = [url for url in requests if not url.startswith((app_url, "data:", "blob:"))]
        assert outside == []
    finally:
        page.close()


def test_markup_and_overlong_messages_get_polite_replies_and_never_run(browser, app_url):
    page, dialogs = open_page(browser, app_url, "phone")
    try:
        for payload in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>"):
            ask(page, payload)
            page.locator("#bhyt-chat .bhyt-user", has_text=payload).wait_for(timeout=ANSWER_TIMEOUT_MS)
        page.locator("#bhyt-chat .bhyt-notice").nth(1).wait_for(timeout=ANSWER_TIMEOUT_MS)
        ask(page, ("bảo hiểm y tế " * 715)[:9_999] + "?")  # 10,000 characters
        page.locator("#bhyt-chat .bhyt-notice").nth(2).wait_for(timeout=ANSWER_TIMEOUT_MS)
        chat = page.locator("#bhyt-chat")
        assert chat.locator("img[src='x'], script").count() == 0
        text = chat.inner_text()
        assert text.count("Câu hỏi chỉ gồm mã HTML/script") == 2
        assert "Câu hỏi quá dài (10.000 ký tự; tối đa 2.000 ký tự)" in text
        overflow = sideways_overflow(page)
        assert overflow <= 0, f"the long message pushes the page sideways by {overflow}px"
        assert dialogs == []
        save_screenshot(page, "webchat-refusals-phone")
    finally:
        page.close()


@pytest.mark.parametrize("blank", ["", "   ", "\x07\x1b\u200b"])
def test_empty_message_adds_nothing_and_says_why_under_the_box(browser, app_url, blank):
    page, _ = open_page(browser, app_url, "desktop")
    try:
        page.fill("#bhyt-question textarea", blank)
        page.click("#bhyt-send")
        page.get_by_text("Bạn chưa nhập câu hỏi").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert page.locator("#bhyt-chat .message-row").count() == 0  # no empty bubble, no reply
        hint = page.get_by_text("Bạn chưa nhập câu hỏi").first.bounding_box()
        assert hint["y"] < page.locator("#bhyt-question textarea").bounding_box()["y"] + 80  # at the box
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
        overflow = sideways_overflow(page)
        assert overflow <= 0, f"the plans table pushes the page sideways by {overflow}px"
        save_screenshot(page, "webchat-plans-phone")
    finally:
        page.close()
