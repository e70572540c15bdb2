"""What the browser gets besides the components: the page's CSS, its script, Gradio's strings in Vietnamese.

Kept apart from :mod:`webchat.layout` (which wires components and events) so each stays
small; everything here is static text, checked by the browser tests in ``tests/browser/``.
"""

from __future__ import annotations

CSS = """
.bhyt-header h1 { font-size: 1.45rem; margin: 0 0 .25rem 0; }
.bhyt-header p { margin: 0; color: var(--body-text-color-subdued); }
.bhyt-user { overflow-wrap: anywhere; }
.bhyt-ref { font-weight: 600; color: var(--color-accent); white-space: nowrap; }
.bhyt-notice { border-left: 4px solid #d97706; background: #fffbeb; color: #78350f;
  padding: .5rem .75rem; border-radius: 4px; margin: .25rem 0; }
.bhyt-notice.bhyt-error { border-left-color: #dc2626; background: #fef2f2; color: #7f1d1d; }
.bhyt-abstain { border-left: 4px solid #6b7280; background: #f3f4f6; color: #1f2937;
  padding: .5rem .75rem; border-radius: 4px; margin: .25rem 0; }
.bhyt-sources { margin-top: .5rem; border-top: 1px solid var(--border-color-primary); padding-top: .5rem; }
.bhyt-sources-title { font-weight: 600; margin-bottom: .25rem; }
.bhyt-related .bhyt-sources-title { color: #4b5563; font-style: italic; }
.bhyt-related details.bhyt-source { border-style: dashed; }
details.bhyt-source { border: 1px solid var(--border-color-primary); border-radius: 6px;
  padding: .3rem .6rem; margin: .3rem 0; overflow-wrap: anywhere; }
details.bhyt-source > summary { cursor: pointer; }
details.bhyt-context > summary { cursor: pointer; color: var(--color-accent); margin-top: .25rem; }
#bhyt-chat .bhyt-quote { margin: .35rem 0; padding: .1rem 0 .1rem .6rem; border-left: 3px solid var(--color-accent); }
.bhyt-context-text { font-size: .92em; line-height: 1.55; margin-top: .25rem; }
.bhyt-context-text mark { background: #fde68a; color: inherit; padding: 0 .1em; }
.bhyt-muted { color: var(--body-text-color-subdued); font-size: .92em; }
.bhyt-plans { overflow-x: auto; }
.bhyt-plans table { width: 100%; font-size: .92em; border-collapse: collapse; }
.bhyt-plans th, .bhyt-plans td { text-align: left; padding: .3rem .4rem;
  border-bottom: 1px solid var(--border-color-primary); vertical-align: top; }
/* The chat's own trash button floats over the messages (on a phone, over the
   question's last words); "Xóa hội thoại" below the chat does the same. */
#bhyt-chat .icon-button-wrapper.top-panel { display: none; }
#bhyt-examples { flex-wrap: wrap; gap: .4rem; }
#bhyt-examples button { flex: 0 1 auto; width: auto; min-width: 0; white-space: normal;
  text-align: left; justify-content: flex-start; font-weight: normal; }
/* The chat fills the screen above the composer, which sticks to the bottom of the screen and
   keeps its place in the page (so nothing stays behind it once scrolled to). With the new-answer
   chip showing, the chat gives up the chip's height and gap (2.9rem): the chip never covers text. */
#bhyt-chat { height: calc(100vh - 11rem) !important; }
#bhyt-chat[data-bhyt-new] { height: calc(100vh - 11rem - 2.9rem) !important; }
/* The chat's placeholder starts at its top, where the first screen shows it. */
#bhyt-chat .placeholder-content, #bhyt-chat .placeholder { justify-content: flex-start; align-items: flex-start; }
#bhyt-chat .placeholder { padding: .75rem 1rem; color: var(--body-text-color-subdued); }
/* The waiting reply is not copied. */
#bhyt-chat .message-row:has(.bhyt-waiting) + .message-buttons { display: none; }
/* Gradio's own "scroll down" arrow covers text: the page script offers the chip instead. */
#bhyt-chat .scroll-down-button-container { display: none !important; }
#bhyt-composer { position: sticky; bottom: 0; z-index: 20; gap: .4rem; padding: .5rem 0 calc(.5rem + env(safe-area-inset-bottom, 0px));
  background: var(--body-background-fill); border-top: 1px solid var(--border-color-primary); }
#bhyt-new-answer-slot { display: none !important; }
#bhyt-composer[data-bhyt-new] #bhyt-new-answer-slot { display: flex !important; justify-content: center; }
#bhyt-new-answer-slot .html-container { padding: 0 !important; }
#bhyt-new-answer { height: 2.5rem; padding: 0 1.1rem; border: 0; border-radius: 1.25rem; cursor: pointer;
  background: var(--button-primary-background-fill); color: var(--button-primary-text-color); font-weight: 600;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .2); }
.bhyt-waiting { color: var(--body-text-color-subdued); }
.bhyt-dots { display: inline-block; width: .85em; height: .85em; vertical-align: -.1em; border-radius: 50%;
  border: 2px solid currentColor; border-right-color: transparent; animation: bhyt-spin 1s linear infinite; }
@keyframes bhyt-spin { to { transform: rotate(360deg); } }
.bhyt-reading-label { font-weight: 600; font-size: .9em; color: #92400e; margin-top: .35rem; }
details.bhyt-scan > summary { cursor: pointer; color: var(--color-accent); margin-top: .25rem; }
.bhyt-scan-text { color: var(--body-text-color-subdued); }
/* The targets overview: tables keep words whole (a cell wraps between words, never inside one). */
.bhyt-table-wrap { overflow-x: auto; }
table.bhyt-targets { border-collapse: collapse; width: 100%; font-size: .95em; }
table.bhyt-targets th, table.bhyt-targets td { text-align: left; vertical-align: top; padding: .35rem .45rem;
  border-bottom: 1px solid var(--border-color-primary); word-break: normal; overflow-wrap: normal; hyphens: none; }
table.bhyt-targets td a.bhyt-cell-link { white-space: nowrap; text-decoration: none; color: inherit; font-weight: 600; }
table.bhyt-targets td a.bhyt-cell-link.bhyt-cell-words { white-space: normal; }
table.bhyt-targets th[scope=row] { min-width: 7.5rem; font-weight: 600; }
button.bhyt-sort { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0;
  cursor: pointer; text-align: left; white-space: nowrap; }
button.bhyt-sort .bhyt-sort-mark { color: var(--body-text-color-subdued); font-weight: normal; }
button.bhyt-sort.bhyt-sorted .bhyt-sort-mark { color: var(--color-accent); font-weight: 600; }
table.bhyt-others td:nth-child(2) { min-width: 8.5rem; }
.bhyt-overview h3 { font-size: 1.05rem; margin: 1rem 0 .35rem 0; }
.bhyt-target-source { display: none; border: 1px solid var(--border-color-primary); border-left: 4px solid #d97706;
  border-radius: 6px; padding: .5rem .7rem; margin: .6rem 0; overflow-wrap: anywhere; }
.bhyt-target-source:target { display: block; }
.bhyt-target-source mark { background: #fde68a; color: inherit; }
.bhyt-back { display: inline-block; margin-top: .35rem; }
figure.bhyt-chart { margin: .5rem 0 1rem 0; }
figure.bhyt-chart figcaption { font-weight: 600; margin-bottom: .4rem; }
.bhyt-chart-row { display: flex; gap: .5rem; align-items: flex-start; margin: .3rem 0; }
.bhyt-chart-label { flex: 0 0 6.5rem; font-size: .9em; overflow-wrap: normal; }
.bhyt-chart-bars { flex: 1 1 auto; min-width: 0; }
.bhyt-bar { height: 1.35rem; margin: 1px 0; border-radius: 3px; min-width: 4.5rem; display: flex; align-items: center; }
.bhyt-bar span { font-size: .8em; padding: 0 .35rem; white-space: nowrap; color: #111827; }
.bhyt-bar-0, .bhyt-legend i.bhyt-bar-0 { background: #93c5fd; }
.bhyt-bar-1, .bhyt-legend i.bhyt-bar-1 { background: #86efac; }
.bhyt-bar-2, .bhyt-legend i.bhyt-bar-2 { background: #fcd34d; }
.bhyt-bar-3, .bhyt-legend i.bhyt-bar-3 { background: #f9a8d4; }
.bhyt-bar-words { background: none; border: 1.5px dashed; height: auto; min-height: 1.35rem; width: fit-content; max-width: 100%; }
.bhyt-bar-words span { white-space: normal; }
.bhyt-outline-0 { border-color: #3b82f6; } .bhyt-outline-1 { border-color: #22c55e; }
.bhyt-outline-2 { border-color: #f59e0b; } .bhyt-outline-3 { border-color: #ec4899; }
.bhyt-legend { font-weight: normal; font-size: .85em; margin-left: .6rem; white-space: nowrap; }
.bhyt-legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .25rem; vertical-align: middle; }
/* A comparison answer's table in the chat: words stay whole, the locality column is never squeezed. */
#bhyt-chat .message table { border-collapse: collapse; width: auto; max-width: 100%; }
#bhyt-chat .message table th, #bhyt-chat .message table td { word-break: normal; overflow-wrap: normal;
  hyphens: none; padding: .3rem .45rem; vertical-align: top; }
#bhyt-chat .message table td:first-child, #bhyt-chat .message table th:first-child { white-space: nowrap; }
@media (max-width: 480px) {
  .bhyt-header h1 { font-size: 1.2rem; }
  .bhyt-plans table { font-size: .85em; }
  /* A phone has no width to spare: Gradio's bubble margins (20 px a side) and page
     padding (32 px a side, see PAGE_CSS) would leave the clause text a 220 px column. */
  #bhyt-chat .message-row.bubble { margin-left: .25rem; margin-right: .25rem; }
  #bhyt-chat .message-row.bubble.bot-row { max-width: calc(100% - .5rem); }
  #bhyt-chat .message-row.bubble.user-row { max-width: 90%; }
  details.bhyt-source { padding: .3rem .45rem; }
}
@media (max-width: 480px) {
  /* On a phone the header is the smallest part: the filters, the chat and the composer come first. */
  .bhyt-header p { font-size: .85rem; line-height: 1.35; }
  #bhyt-chat { height: calc(100dvh - 6.75rem) !important; }
  #bhyt-chat[data-bhyt-new] { height: calc(100dvh - 6.75rem - 2.9rem) !important; }
}
@media (prefers-reduced-motion: reduce) { .bhyt-dots { animation: none; border-right-color: currentColor; } }
"""

# The chip offered when an answer arrives while the reader is reading (CHAT_SCRIPT shows it).
NEW_ANSWER_CHIP = '<button type="button" id="bhyt-new-answer" hidden>Câu trả lời mới ↓</button>'

# The chat's behaviour on the page (plain JavaScript, run once; it finds the chat as soon as Gradio
# draws it, and again if Gradio draws it anew):
# - a question's waiting reply (webchat.render.render_waiting) scrolls into view at once, and
#   shows the queue position while the question is queued (read from Gradio's hidden progress);
# - the answer then scrolls into view, unless the reader scrolled up or opened a source while
#   waiting: then the chip "Câu trả lời mới ↓" shows above the composer, and a tap on it
#   scrolls to the answer.
CHAT_SCRIPT = r"""
(() => {
  const NEAR_END = 48;
  const state = { chat: null, scroller: null, waiting: false, reading: false, atEnd: true, pageY: 0, answers: 0 };
  const composer = () => document.getElementById("bhyt-composer");
  const answerRows = () => state.scroller ? state.scroller.querySelectorAll(".message-row.bot-row") : [];
  const lastAnswer = () => {
    const rows = answerRows();
    return rows.length ? rows[rows.length - 1] : null;
  };
  const setChip = (on) => {
    for (const element of [state.chat, composer()]) if (element) element.toggleAttribute("data-bhyt-new", on);
    const chip = document.getElementById("bhyt-new-answer");
    if (chip) chip.hidden = !on;
  };
  // Scroll the page (not the chat) so the whole chat lies between the top of the screen and the composer.
  const revealChat = () => {
    const box = state.chat.getBoundingClientRect();
    const bar = composer();
    const room = window.innerHeight - (bar ? bar.getBoundingClientRect().height : 0);
    let delta = 0;
    if (box.top < 0 || box.height > room) delta = box.top;
    else if (box.bottom > room) delta = box.bottom - room;
    if (delta) window.scrollBy({ top: delta, behavior: "instant" });
    state.pageY = window.scrollY;
  };
  const scrollToEnd = () => {
    state.scroller.scrollTop = state.scroller.scrollHeight;
    state.atEnd = true;
  };
  // Show the new answer from its start, with the question above it when that is short.
  const showAnswer = () => {
    setChip(false);
    const answer = lastAnswer();
    if (!answer) return;
    const scroller = state.scroller;
    const asked = answer.previousElementSibling;
    const target = asked && asked.classList.contains("user-row")
      && asked.offsetHeight < scroller.clientHeight * 0.3 ? asked : answer;
    scroller.scrollTop += target.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 8;
    revealChat();
  };
  // While queued, the waiting reply says where the question stands ("queue: 2/3" in Gradio's hidden
  // progress of the answer, #bhyt-answer-progress).
  const showQueue = (waiting) => {
    const text = waiting.querySelector(".bhyt-waiting-text");
    if (!text) return;
    if (!text.dataset.searching) text.dataset.searching = text.textContent;
    const progress = document.querySelector('#bhyt-answer-progress [data-testid="status-tracker"]');
    const queued = progress && /queue:\s*(\d+)\s*\/\s*(\d+)/.exec(progress.textContent);
    const wanted = queued ? `Đang chờ đến lượt: thứ ${queued[1]} trên ${queued[2]}…` : text.dataset.searching;
    if (text.textContent !== wanted) text.textContent = wanted;
  };
  // An answer counts as new when the waiting reply went away, or when more answers are drawn than
  // before (a fast answer can replace its waiting reply within one batch of changes, unseen).
  const update = () => {
    const waiting = state.scroller.querySelector(".bhyt-waiting");
    const answers = answerRows().length;
    const more = answers > state.answers;
    state.answers = answers;
    if (waiting) {
      if (!state.waiting) {
        state.waiting = true;
        state.reading = false;
        setChip(false);
        requestAnimationFrame(() => { scrollToEnd(); revealChat(); });
      }
      showQueue(waiting);
    } else if (state.waiting || more) {
      state.waiting = false;
      if (!lastAnswer()) return;
      if (state.reading || !state.atEnd) {
        setChip(true);
      } else {
        requestAnimationFrame(showAnswer);
      }
    } else if (!lastAnswer()) {
      setChip(false);
    }
  };
  const onScroll = () => {
    const scroller = state.scroller;
    state.atEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_END;
    const answer = state.chat.hasAttribute("data-bhyt-new") && lastAnswer();
    if (answer && answer.getBoundingClientRect().top < scroller.getBoundingClientRect().bottom - 40) setChip(false);
  };
  const onToggle = (event) => {
    if (state.waiting && event.target.open) state.reading = true;
  };
  // Scrolling the page up while waiting is reading too (the filters, the plans, an earlier answer).
  const onPageScroll = () => {
    if (window.scrollY > state.pageY) state.pageY = window.scrollY;
    else if (state.waiting && window.scrollY < state.pageY - NEAR_END) state.reading = true;
  };
  const observer = new MutationObserver(() => state.scroller && update());
  const observed = new Set();
  const attach = () => {
    const chat = document.getElementById("bhyt-chat");
    const scroller = chat && chat.querySelector(".bubble-wrap");
    for (const element of [chat, document.getElementById("bhyt-answer-progress")]) {
      if (element && !observed.has(element)) {
        observed.add(element);
        observer.observe(element, { subtree: true, childList: true, characterData: true });
      }
    }
    if (!scroller || scroller === state.scroller) return;
    if (chat !== state.chat) chat.addEventListener("toggle", onToggle, true);
    state.chat = chat;
    state.scroller = scroller;
    state.answers = answerRows().length;
    scroller.addEventListener("scroll", onScroll, { passive: true });
    update();  // a question may already be waiting
  };
  window.addEventListener("scroll", onPageScroll, { passive: true });
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest("#bhyt-new-answer")) showAnswer();
  });
  // Attach as soon as Gradio draws the chat (a question asked at once must not go unseen), and again
  // whenever it draws it anew; the page's other changes cost one lookup each.
  new MutationObserver(attach).observe(document.documentElement, { subtree: true, childList: true });
  attach();
})();
"""

# Gradio's own strings (tooltips, footer, queue status) have no Vietnamese
# translation. Browsers whose language Gradio does not know (vi among them) get
# its English dictionary, so Vietnamese is given under "en" as well as "vi".
# Keys are flat ("chatbot.clear"): the i18n library looks a flat key up before
# the nested built-in dictionary that is merged in after these.
GRADIO_STRINGS_VI = {
    "chatbot.clear": "Xóa hội thoại",
    "chatbot.copy_message": "Sao chép câu trả lời",
    "chatbot.copied_message": "Đã sao chép",
    "chatbot.retry": "Hỏi lại",
    "chatbot.undo": "Hoàn tác",
    "common.clear": "Xóa",
    "common.complete": "Đã xong",
    "common.error": "Lỗi",
    "common.loading": "Đang tải",
    "common.progress": "Tiến độ",
    "common.submit": "Gửi",
    "errors.use_via_api": "Dùng qua API",
    "errors.use_via_api_or_mcp": "Dùng qua API hoặc MCP",
    "status.queue_position": "Đang chờ: thứ {position} trên {size}",
    "blocks.connection_can_break": "Trên điện thoại, kết nối có thể bị ngắt nếu bạn chuyển thẻ hoặc màn hình tắt.",
    "blocks.lost_connection": "Mất kết nối vì đã rời trang. Đang kết nối lại…",
}

# Rules outside the app's content box, to which Gradio scopes ``css``: the
# footer's "·" divider (there is one link, which Gradio hides below 640 px), the
# page padding on a phone, and the app's box clipping without becoming a scroll
# container (Gradio's "overflow: hidden" would keep the composer from sticking).
PAGE_CSS = (".gradio-container footer .divider { display: none; } "
            ".gradio-container { overflow: clip !important; } "
            "@media (max-width: 480px) { .gradio-container .main.app { padding-left: .5rem; padding-right: .5rem; } }")

# Gradio's page says lang="en"; screen readers and hyphenation need "vi".
HEAD = (f'<style>{PAGE_CSS}</style><script>document.documentElement.setAttribute("lang", "vi");</script>'
        f"<script>{CHAT_SCRIPT}</script>")
