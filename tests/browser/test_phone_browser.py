"""The chat as a citizen uses it on a phone (390 × 844), and on a desktop (1366 × 768): geometry, not presence.

- The composer (question box and "Gửi") lies on the first screen and stays there after answers,
  without the chat being behind it.
- A question shows at once, with a Vietnamese waiting reply (the queue position while queued).
- A new answer scrolls into view, unless the reader scrolled up or opened a source: then a chip
  "Câu trả lời mới ↓" shows, covering no text, and tapping it brings the answer into view.
- An OCR citation leads with the repaired reading; the scanned text is one tap away.

Most tests run against the real app (tests/webchat/served.py); the queue test serves the page in
this process with a fake service that answers only when told. A pending answer is held by
holding the page's request for it (the second step of a question, ``answer_waiting``).
"""

from __future__ import annotations

import contextlib
import unicodedata

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from settings import load_settings
from tests.browser import test_browser
from tests.browser.test_browser import (
    ANSWER_TIMEOUT_MS,
    BROWSER_MARKS,
    WIDTHS,
    answered,
    ask,
    open_page,
    save_screenshot,
)
from tests.webchat.fakes import FakeCatalog, GatedAssistant
from tests.webchat.served import free_port
from webchat.backend import ChatBackend
from webchat.layout import build_demo, launch_options

pytestmark = BROWSER_MARKS

# The browser and the served app of tests/browser/test_browser.py (pytest finds fixtures by module attribute).
browser = test_browser.browser
app_url = test_browser.app_url

# English a citizen must never see (Gradio's progress says "processing", "queue: 1/2").
ENGLISH = ("processing", "Error", "queue", "busy", "Loading")
QUESTIONS = ("muc tieu bao phu bhyt nam 2026 cua ninh binh",
             "Ai chủ trì tổ chức thực hiện kế hoạch?",
             "Người cận nghèo mua thẻ BHYT được hỗ trợ thế nào?")
OCR_QUESTION = "Đồng Nai đặt mục tiêu bao phủ BHYT năm 2026 là bao nhiêu?"
NEW_ANSWER = "Câu trả lời mới ↓"

BOX = "(el) => { const r = el.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; }"
# The part of each message's text that can be seen: inside the chat's scroll box and the screen.
VISIBLE_TEXT = """() => {
  const frame = document.querySelector('#bhyt-chat .bubble-wrap').getBoundingClientRect();
  return Array.from(document.querySelectorAll('#bhyt-chat .message-row .message-content')).map((el) => {
    const r = el.getBoundingClientRect();
    const x = Math.max(r.left, frame.left, 0), y = Math.max(r.top, frame.top, 0);
    const right = Math.min(r.right, frame.right, window.innerWidth), bottom = Math.min(r.bottom, frame.bottom, window.innerHeight);
    return {x, y, width: right - x, height: bottom - y};
  }).filter((r) => r.width > 0 && r.height > 0);
}"""
# Whether the whole chat lies above the composer (where the page script puts it after an answer).
CHAT_ABOVE_COMPOSER = """() => {
  const chat = document.getElementById("bhyt-chat").getBoundingClientRect();
  return chat.bottom <= document.getElementById("bhyt-composer").getBoundingClientRect().top + 0.5;
}"""
PLACEHOLDER_FITS = """(box) => {
  const style = getComputedStyle(box);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return context.measureText(box.placeholder).width <= room;
}"""


def box(page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(BOX)


def on_screen(page, rect: dict) -> bool:
    width, height = page.evaluate("[window.innerWidth, window.innerHeight]")
    return (rect["x"] >= 0 and rect["y"] >= 0 and rect["x"] + rect["width"] <= width + 0.5
            and rect["y"] + rect["height"] <= height + 0.5)


def overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] - 0.5 and b["x"] < a["x"] + a["width"] - 0.5
            and a["y"] < b["y"] + b["height"] - 0.5 and b["y"] < a["y"] + a["height"] - 0.5)


def assert_composer_on_screen(page, when: str) -> None:
    for selector in ("#bhyt-question textarea", "#bhyt-send"):
        rect = box(page, selector)
        assert on_screen(page, rect), f"{selector} is off the screen {when}: {rect}"


def assert_no_english(page) -> None:
    text = page.inner_text("body")
    assert [word for word in ENGLISH if word in text] == [], text[-600:]


def answer_in_view(page) -> bool:
    """Whether the start of the last answer is visible, in the chat's scroll box and on the screen."""
    answer = box(page, "#bhyt-chat .bot-row >> nth=-1")
    frame = box(page, "#bhyt-chat .bubble-wrap")
    top = answer["y"] + 4
    return frame["y"] <= top <= frame["y"] + frame["height"] and on_screen(page, {**answer, "height": 8})


class HeldAnswers:
    """Holds the page's answer requests (a question's second step) until :meth:`release`."""

    def __init__(self, page) -> None:
        self.routes = []
        self.fn_index = page.evaluate(
            "window.gradio_config.dependencies.find((d) => d.api_name === 'answer_waiting').id")
        page.route("**/gradio_api/queue/join*", self._route)

    def _route(self, route) -> None:
        if (route.request.post_data_json or {}).get("fn_index") == self.fn_index:
            self.routes.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        while self.routes:
            self.routes.pop().continue_()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_composer_is_on_the_first_screen_and_after_three_answers(browser, app_url, width):
    page, dialogs = open_page(browser, app_url, width)
    try:
        assert_composer_on_screen(page, "on load")
        assert page.locator("#bhyt-question textarea").evaluate(PLACEHOLDER_FITS), "the placeholder is cut"
        # The chat's first words are on the first screen too, not behind the composer.
        placeholder = box(page, "#bhyt-chat .placeholder p")
        assert on_screen(page, {**placeholder, "height": 24}) and placeholder["y"] + 24 <= box(page, "#bhyt-composer")["y"]
        for n, question in enumerate(QUESTIONS, start=1):
            ask(page, question)
            page.locator("#bhyt-chat .bot-row").nth(n - 1).wait_for(timeout=ANSWER_TIMEOUT_MS)
            answered(page)
            # The page script scrolls after the answer is drawn (a slow machine may take a moment).
            with contextlib.suppress(PlaywrightTimeout):  # the assertions below say what is wrong
                page.wait_for_function(CHAT_ABOVE_COMPOSER, timeout=5_000, polling=100)
            assert_composer_on_screen(page, f"after answer {n}")
            assert answer_in_view(page), f"answer {n} is not in view"
            # Where answers are read, nothing is behind the composer.
            chat, composer = box(page, "#bhyt-chat"), box(page, "#bhyt-composer")
            assert chat["y"] + chat["height"] <= composer["y"] + 0.5, (chat, composer)
        assert page.locator("#bhyt-chat .bhyt-user").count() == 3
        assert_no_english(page)
        save_screenshot(page, f"webchat-{width}", full_page=False)
        # At the end of the page the composer is back in its place: the examples below it are not behind it.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        examples = box(page, "#bhyt-examples")
        assert not overlap(examples, box(page, "#bhyt-composer"))
        assert dialogs == []
    finally:
        page.close()


def _read_while_answering(page, how: str) -> None:
    """Act as a reader while the answer is pending: scroll the chat up, or open a source."""
    if how == "scroll":
        frame = box(page, "#bhyt-chat .bubble-wrap")
        page.mouse.move(frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2)
        page.mouse.wheel(0, -5000)
        page.wait_for_function("document.querySelector('#bhyt-chat .bubble-wrap').scrollTop < 10")
    else:
        summary = page.locator("#bhyt-chat details.bhyt-source > summary").last
        summary.scroll_into_view_if_needed()
        summary.click()


@pytest.mark.parametrize(("width", "how"), [("phone", "scroll"), ("phone", "source"), ("desktop", "scroll")])
def test_a_new_answer_for_a_reader_comes_as_a_chip_that_covers_no_text(browser, app_url, width, how):
    page, _ = open_page(browser, app_url, width)
    try:
        for question in QUESTIONS[:2]:
            ask(page, question)
        answered(page)
        held = HeldAnswers(page)
        ask(page, QUESTIONS[2])
        page.locator("#bhyt-chat .bhyt-waiting").wait_for(timeout=ANSWER_TIMEOUT_MS)
        page.wait_for_timeout(300)
        _read_while_answering(page, how)
        reading_at = page.evaluate("document.querySelector('#bhyt-chat .bubble-wrap').scrollTop")
        held.release()
        answered(page)
        chip = page.locator("#bhyt-new-answer")
        chip.wait_for(state="visible", timeout=ANSWER_TIMEOUT_MS)
        page.wait_for_timeout(300)
        assert chip.inner_text().strip() == NEW_ANSWER
        chip_box = box(page, "#bhyt-new-answer")
        assert on_screen(page, chip_box), chip_box
        covered = [r for r in page.evaluate(VISIBLE_TEXT) if overlap(chip_box, r)]
        assert covered == [], f"the chip {chip_box} covers message text {covered}"
        # The reader is left where they were, and the composer is still on the screen.
        assert abs(page.evaluate("document.querySelector('#bhyt-chat .bubble-wrap').scrollTop") - reading_at) < 2
        if how == "scroll":
            assert not answer_in_view(page)
        assert_composer_on_screen(page, "with the chip")
        if width == "phone" and how == "scroll":
            save_screenshot(page, "webchat-phone-new-answer", full_page=False)
        chip.click()
        page.wait_for_timeout(300)
        assert answer_in_view(page), "tapping the chip did not bring the answer into view"
        assert not chip.is_visible()
        assert_composer_on_screen(page, "after tapping the chip")
        assert_no_english(page)
    finally:
        page.close()


def test_question_shows_at_once_with_a_vietnamese_waiting_reply(browser, app_url):
    page, dialogs = open_page(browser, app_url, "phone")
    try:
        held = HeldAnswers(page)
        typed = "Mục tiêu\x07 bao phủ BHYT\u200b năm 2026 \u202ecủa Ninh Bình?"
        ask(page, typed)
        waiting = page.locator("#bhyt-chat .bhyt-waiting")
        waiting.wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert held.routes, "the answer was not pending"
        bubble = page.locator("#bhyt-chat .bhyt-user").last.inner_text()
        assert bubble == "Mục tiêu bao phủ BHYT năm 2026 của Ninh Bình?"
        assert not any(unicodedata.category(char) in ("Cc", "Cf") for char in bubble)
        assert waiting.inner_text().strip() == "Đang tìm trong 5 kế hoạch…"
        assert page.input_value("#bhyt-question textarea") == ""
        page.wait_for_timeout(300)
        assert on_screen(page, box(page, "#bhyt-chat .bhyt-waiting"))
        assert_composer_on_screen(page, "while waiting")
        assert_no_english(page)
        save_screenshot(page, "webchat-phone-waiting", full_page=False)
        # A second question while the first is answered stays in the box, with the reason under it.
        page.fill("#bhyt-question textarea", "Còn năm 2030 thì sao?")
        page.click("#bhyt-send")
        page.get_by_text("Trợ lý đang trả lời câu hỏi trước").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert page.input_value("#bhyt-question textarea") == "Còn năm 2030 thì sao?"
        held.release()
        answered(page)
        assert "95%" in page.locator("#bhyt-chat .bot-row").last.inner_text()
        assert page.locator("#bhyt-chat .user-row").count() == 1
        assert dialogs == []
    finally:
        page.close()


def test_ocr_citation_leads_with_the_repaired_reading(browser, app_url):
    page, _ = open_page(browser, app_url, "phone")
    try:
        ask(page, OCR_QUESTION)
        answered(page)
        source = page.locator("#bhyt-chat details.bhyt-source", has=page.locator(".bhyt-reading")).first
        source.locator("summary").first.click()
        reading = source.locator(".bhyt-reading")
        reading.wait_for(state="visible")
        assert reading.inner_text().startswith("Bản đọc đã sửa lỗi nhận dạng")
        assert "Bảo đảm duy trì bền vững" in reading.inner_text()
        scan = source.locator("details.bhyt-scan")
        scanned_text = scan.locator(".bhyt-scan-text")
        assert scan.locator("summary").inner_text().strip() == "Xem nguyên văn bản quét"
        assert not scanned_text.is_visible()
        # The reading comes first: above the tap that shows the scan, which sits above the plan's context.
        assert reading.evaluate(BOX)["y"] < scan.evaluate(BOX)["y"]
        body = source.evaluate("(el) => el.innerText")
        assert body.index("Bản đọc đã sửa lỗi nhận dạng") < body.index("Xem nguyên văn bản quét")
        reading.scroll_into_view_if_needed()
        save_screenshot(page, "webchat-ocr-citation-phone", full_page=False)
        scan.locator("summary").click()
        scanned_text.wait_for(state="visible")
        assert "Bao dam duy tri" in scanned_text.inner_text()
    finally:
        page.close()


def test_a_queued_question_shows_its_place_in_vietnamese(browser):
    service = GatedAssistant()
    settings = load_settings(environ={}, port=free_port(), concurrency_limit=1, rate_limit_per_minute=0)
    demo = build_demo(ChatBackend(service, FakeCatalog(), settings), settings)
    _, url, _ = demo.launch(prevent_thread_lock=True, quiet=True, **launch_options(settings))
    first = second = None
    try:
        first, _ = open_page(browser, url, "phone")
        second, _ = open_page(browser, url, "phone")
        ask(first, "muc tieu bao phu bhyt nam 2026")
        first.get_by_text("Đang tìm trong 2 kế hoạch…").wait_for(timeout=ANSWER_TIMEOUT_MS)
        ask(second, "Mục tiêu bao phủ năm 2026?")
        second.get_by_text("Đang chờ đến lượt: thứ 1 trên 1…").wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert_no_english(second)
        assert_composer_on_screen(second, "while queued")
        save_screenshot(second, "webchat-phone-queued", full_page=False)
        service.gate.set()
        for page in (first, second):
            answered(page)
            assert "95%" in page.locator("#bhyt-chat .bot-row").last.inner_text()
            assert_no_english(page)
    finally:
        service.gate.set()
        for page in (first, second):
            if page is not None:
                page.close()
        demo.close()
