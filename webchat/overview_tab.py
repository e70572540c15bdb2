"""The "Chỉ tiêu các địa phương" tab: filters, sort, pages and CSV download over :mod:`webchat.overview`.

Every control (and a tap on a sortable column header of the coverage table) redraws the page on the server (filtering and sorting thousands of
plans is a list pass, well under the time of one answer); the CSV holds every
target passing the filters, all pages. Events run outside the answer queue
(``queue=False``) so a busy chat never holds the overview up.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from pathlib import Path

import gradio as gr

from webchat.backend import ChatBackend
from webchat.overview import OverviewQuery

ALL = ""
CSV_NAME = "chi-tieu-bhyt.csv"
# A tap on a header button of the table (webchat.overview._sort_header) becomes a click event carrying its order.
HEADER_SORT_JS = ("element.addEventListener('click', (event) => { const button = event.target.closest('[data-bhyt-sort]');"
                  " if (button) { trigger('click', {sort: button.dataset.bhytSort}); } });")


def build_overview_tab(backend: ChatBackend) -> None:
    """The tab's components and events (call inside ``gr.Tab``)."""
    overview = backend.overview
    with gr.Row(equal_height=True, elem_id="bhyt-overview-filters"):
        province = gr.Dropdown(choices=[("Tất cả tỉnh, thành phố", ALL)] + [(p, p) for p in overview.provinces()],
                               value=ALL, label="Tỉnh, thành phố", min_width=180, elem_id="bhyt-ov-province")
        level = gr.Dropdown(choices=[("Tất cả các cấp", ALL)] + [(lv.capitalize(), lv) for lv in overview.levels()],
                            value=ALL, label="Cấp", min_width=140, elem_id="bhyt-ov-level")
        sort = gr.Dropdown(choices=overview.sort_choices(), value=overview.sort_choices()[0][1], label="Sắp xếp",
                           min_width=200, elem_id="bhyt-ov-sort")
    with gr.Row(equal_height=True, elem_id="bhyt-overview-pager"):
        previous = gr.Button("‹ Trang trước", size="sm", min_width=0, elem_id="bhyt-ov-prev")
        page = gr.Number(value=1, precision=0, minimum=1, label="Trang", min_width=80, elem_id="bhyt-ov-page")
        following = gr.Button("Trang sau ›", size="sm", min_width=0, elem_id="bhyt-ov-next")
        download = gr.DownloadButton("Tải CSV (mọi trang)", value=_csv_file(backend, OverviewQuery()), size="sm",
                                     min_width=0, elem_id="bhyt-ov-csv")
    table = gr.HTML(backend.overview_html(overview.page(OverviewQuery())), elem_id="bhyt-overview",
                    js_on_load=HEADER_SORT_JS)

    def query(province_value: str, level_value: str, sort_value: str, page_value: float | None) -> OverviewQuery:
        return OverviewQuery(province=province_value or ALL, level=level_value or ALL, sort=sort_value or "locality",
                             page=int(page_value or 1))

    def draw(province_value, level_value, sort_value, page_value):
        chosen = query(province_value, level_value, sort_value, page_value)
        shown = overview.page(chosen)
        return backend.overview_html(shown), shown.page, _csv_file(backend, chosen)

    def step(delta: int):
        def move(province_value, level_value, sort_value, page_value):
            return draw(province_value, level_value, sort_value, int(page_value or 1) + delta)
        return move

    def first_page(province_value, level_value, sort_value):
        return draw(province_value, level_value, sort_value, 1)

    known_orders = {key for _, key in overview.sort_choices()}

    def sort_by_header(province_value, level_value, sort_value, event: gr.EventData):
        chosen = getattr(event, "sort", None)
        chosen = chosen if chosen in known_orders else sort_value  # a header names only an offered order
        return (chosen, *draw(province_value, level_value, chosen, 1))

    filters = [province, level, sort]
    options = {"queue": False, "api_visibility": "private"}
    for control in filters:  # .input: a user's choice; the header sets the sort dropdown without redrawing twice
        control.input(first_page, filters, [table, page, download], **options)
    table.click(sort_by_header, filters, [sort, table, page, download], **options)
    page.submit(draw, filters + [page], [table, page, download], **options)
    previous.click(step(-1), filters + [page], [table, page, download], **options)
    following.click(step(1), filters + [page], [table, page, download], **options)


_CSV_FILES: dict[tuple[int, str, str, str], str] = {}
_CSV_LOCK = threading.Lock()
_CSV_ROOT: list[Path] = []  # one directory per process, removed when the process exits


def _csv_root() -> Path:
    if not _CSV_ROOT or not _CSV_ROOT[0].is_dir():
        root = Path(tempfile.mkdtemp(prefix="bhyt-csv-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _CSV_ROOT[:] = [root]
    return _CSV_ROOT[0]


def _csv_file(backend: ChatBackend, query: OverviewQuery) -> str:
    """The CSV of ``query``'s filters and order (every page), written once per choice to a temporary file
    that Gradio serves; the choices are bounded (provinces × levels × orders), so are the files, and
    they all live in one directory removed when the process exits."""
    key = (id(backend), query.province, query.level, query.sort)
    with _CSV_LOCK:
        if key not in _CSV_FILES or not Path(_CSV_FILES[key]).is_file():
            path = Path(tempfile.mkdtemp(dir=_csv_root())) / CSV_NAME  # Gradio serves it under its own name
            # UTF-8 with a byte-order mark, so spreadsheet programs read Vietnamese letters right.
            path.write_text(backend.overview_csv(query), encoding="utf-8-sig")
            _CSV_FILES[key] = str(path)
        return _CSV_FILES[key]
