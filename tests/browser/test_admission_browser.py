"""In the browser, a refused question (rate limit here; a full queue goes the same way) is
explained in Vietnamese under the question box, and the question stays in the box; asked again
before the wait is over, it is held at the door (webchat/rate_limit.py), then refused the same way.

The page runs in this process with the fake service (see tests/webchat/test_admission.py).
"""

from __future__ import annotations

from tests.browser.test_browser import ANSWER_TIMEOUT_MS, BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS
from tests.webchat.fakes import FakeAssistant
from tests.webchat.test_admission import serve

pytestmark = BROWSER_MARKS

QUESTION = "Mục tiêu bao phủ BHYT năm 2026 là bao nhiêu?"


def test_rate_limited_question_is_kept_with_a_vietnamese_message():
    from playwright.sync_api import sync_playwright

    service = FakeAssistant()
    demo, url = serve(service, rate_limit_per_minute=1, rate_limit_hold_seconds=2.0)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.wait_for_selector("#bhyt-question textarea", timeout=ANSWER_TIMEOUT_MS)
            page.fill("#bhyt-question textarea", QUESTION)
            page.click("#bhyt-send")
            page.wait_for_selector("#bhyt-chat .bot-row", timeout=ANSWER_TIMEOUT_MS)
            page.fill("#bhyt-question textarea", QUESTION + " (lần 2)")
            page.click("#bhyt-send")
            page.get_by_text("Bạn gửi câu hỏi quá nhanh, vui lòng thử lại sau").first.wait_for(
                timeout=ANSWER_TIMEOUT_MS)
            page.screenshot(path="/tmp/bhyt-rate-limit.png", full_page=True)
            assert page.input_value("#bhyt-question textarea") == QUESTION + " (lần 2)"
            body = page.inner_text("body")
            assert "busy" not in body and "Error" not in body and "Textbox" not in body
            # Asked again before the wait is over: held at the door (2 s here), then refused the same way.
            message = page.locator("text=Bạn gửi câu hỏi quá nhanh").first
            page.evaluate("(el) => el.remove()", message.element_handle())  # to see the new one arrive
            page.fill("#bhyt-question textarea", QUESTION + " (lần 3)")
            page.click("#bhyt-send")
            page.get_by_text("Bạn gửi câu hỏi quá nhanh, vui lòng thử lại sau").first.wait_for(
                timeout=ANSWER_TIMEOUT_MS)
            assert page.input_value("#bhyt-question textarea") == QUESTION + " (lần 3)"
            body = page.inner_text("body")
            assert "busy" not in body and "Error" not in body and "Connection" not in body
            assert page.locator("#bhyt-chat .user-row").count() == 1  # neither refused question was added
            assert len(service.calls) == 1
            browser.close()
    finally:
        demo.close()
