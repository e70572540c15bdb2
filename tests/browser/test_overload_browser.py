"""Issue 13 in the browser: a full queue and a locality without a plan, in Vietnamese end to end.

A full queue is served in this process with a gated fake service (one answer at a time,
one waiting place): the first visitor is answered, the second waits with the Vietnamese
queue position, the third is refused in Vietnamese with the wait in seconds and keeps the
question in the box; nothing English is visible on any of the three pages. A question about
a place without a plan is asked of the real app.
"""

from __future__ import annotations

import re

from tests.browser.test_browser import (  # noqa: F401
    ANSWER_TIMEOUT_MS,
    BROWSER_MARKS,
    app_url,
    browser,
    save_screenshot,
)
from tests.webchat.fakes import GatedAssistant
from tests.webchat.test_admission import serve

pytestmark = BROWSER_MARKS

QUESTION = "Mục tiêu bao phủ BHYT năm 2026 là bao nhiêu?"
# Words of Gradio's own English states and errors that must never reach a reader.
ENGLISH = re.compile(r"\b(?:processing|queue|busy|error|try again|connection|timeout|loading)\b", re.IGNORECASE)


def _visible_english(page) -> list[str]:
    return ENGLISH.findall(page.inner_text("body"))


def _open(browser, url: str):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url)
    page.wait_for_selector("#bhyt-question textarea", timeout=ANSWER_TIMEOUT_MS)
    return page


def test_a_full_queue_refuses_in_vietnamese_and_keeps_the_question(browser):  # noqa: F811
    service = GatedAssistant()
    demo, url = serve(service, concurrency_limit=1, queue_size=1, rate_limit_per_minute=0)
    pages = []
    try:
        pages = [_open(browser, url) for _ in range(3)]
        pages[0].fill("#bhyt-question textarea", QUESTION)
        pages[0].click("#bhyt-send")
        pages[0].wait_for_function("() => document.querySelector('#bhyt-chat').innerText.includes('2026')",
                                   timeout=ANSWER_TIMEOUT_MS)  # echoed; the answer is held at the gate
        pages[1].fill("#bhyt-question textarea", QUESTION + " (2)")
        pages[1].click("#bhyt-send")
        pages[1].wait_for_timeout(1500)  # joins the queue behind the first
        third = QUESTION + " (3)"
        pages[2].fill("#bhyt-question textarea", third)
        pages[2].click("#bhyt-send")
        refusal = pages[2].get_by_text(re.compile(r"Hệ thống đang quá tải, vui lòng thử lại sau \d+ giây"))
        refusal.first.wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert pages[2].input_value("#bhyt-question textarea") == third
        save_screenshot(pages[2], "webchat-overload-phone")
        for page in pages:
            assert _visible_english(page) == [], page.inner_text("body")[:500]
        service.gate.set()
        pages[1].wait_for_function("() => document.querySelectorAll('#bhyt-chat .bot-row').length >= 1",
                                   timeout=ANSWER_TIMEOUT_MS)
        assert "(3)" not in " ".join(c["question"] for c in service.calls)
    finally:
        service.gate.set()
        for page in pages:
            page.close()
        demo.close()


def test_a_place_without_a_plan_is_answered_in_vietnamese(browser, app_url):  # noqa: F811
    page = _open(browser, app_url)
    try:
        page.fill("#bhyt-question textarea", "Thành phố Hà Nội đặt chỉ tiêu bao phủ BHYT năm 2026 là bao nhiêu?")
        page.click("#bhyt-send")
        page.get_by_text("không có kế hoạch của").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
        text = page.locator("#bhyt-chat").inner_text()
        assert "Hà Nội" in text
        assert _visible_english(page) == []
    finally:
        page.close()
