"""The targets overview ("Chỉ tiêu các địa phương"): every plan's targets, filtered, sorted, paged, as HTML and CSV.

The targets were read at ingest and stored with the index (:mod:`ingest.targets`);
nothing here reads plan text. One :class:`TargetOverview` is built per process;
each page of the tab is a :class:`OverviewQuery` answered by :meth:`TargetOverview.page`
(filters, sort, page) and drawn by :func:`render_overview`: a bar chart of coverage
targets, a table with one row per plan and one column per target year (a goal a plan
states only in words shows "toàn dân", marked "không nêu con số"), a table of the
other quantified targets, and for every cell its source sentence highlighted in the
plan text (a tap on the cell shows it; plain links and CSS, no script). The coverage
table's headers are sort buttons (``data-bhyt-sort`` holds the order's key; the tab
turns a tap into a redraw), the current order marked with an arrow and ``aria-sort``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest.model import Clause, DocumentMeta
from ingest.targets import COVERAGE, IN_WORDS, NO_FIGURE, Target
from ingest.vntext import folded_form
from webchat.render import escape, render_context

PAGE_SIZE = 50
SORT_LOCALITY = "locality"
SORT_LEVEL = "level"
# Levels as users say them, from ingest's DocumentMeta.level, in administrative order.
LEVEL_ORDER = ("tỉnh", "thành phố", "xã", "phường")
CSV_COLUMNS = ("Tỉnh/thành phố", "Địa phương", "Cấp", "Văn bản", "Loại", "Chỉ tiêu", "Mức", "Giá trị", "Đơn vị",
               "Năm", "Vị trí", "Câu trích")
KIND_LABELS = {COVERAGE: "Bao phủ BHYT", "other": "Chỉ tiêu khác"}


@dataclass(frozen=True)
class PlanTargets:
    """One plan's row of the overview: its metadata, coverage targets by year, other targets."""

    meta: DocumentMeta
    coverage: tuple[Target, ...] = ()
    others: tuple[Target, ...] = ()

    def coverage_for(self, year: int | None) -> Target | None:
        """The plan's coverage target for ``year`` (the first stated), None when it sets none."""
        return next((t for t in self.coverage if t.year == year), None)


@dataclass(frozen=True)
class OverviewQuery:
    """What the reader chose: filters ("" = all), sort key and page (from 1)."""

    province: str = ""
    level: str = ""
    sort: str = SORT_LOCALITY
    page: int = 1
    page_size: int = PAGE_SIZE

    def __post_init__(self) -> None:
        if self.page_size <= 0:
            raise ValueError(f"page_size must be > 0, got {self.page_size}")


@dataclass(frozen=True)
class OverviewPage:
    """One page of the overview.

    Attributes:
        plans: The plans on this page, in the chosen order.
        years: The years that have a coverage target on this page, ascending (None last: no year).
        matching: How many plans pass the filters.
        page: This page's number (from 1), clamped to the pages there are.
        pages: How many pages there are (at least 1).
    """

    plans: tuple[PlanTargets, ...]
    years: tuple[int | None, ...]
    matching: int
    page: int
    pages: int
    query: OverviewQuery = field(default_factory=OverviewQuery)


class TargetOverview:
    """Every plan's targets, grouped by plan once; pages are cut from them on demand.

    Args:
        documents: Every ingested plan (plans that set no target are listed too).
        targets: ``(plan, target)`` pairs, as ``ClauseIndex.targets()`` gives them.
    """

    def __init__(self, documents: Sequence[DocumentMeta], targets: Sequence[tuple[DocumentMeta, Target]]) -> None:
        by_doc: dict[str, list[Target]] = {}
        for meta, target in targets:
            by_doc.setdefault(meta.doc_id, []).append(target)
        self.plans: tuple[PlanTargets, ...] = tuple(
            PlanTargets(meta, tuple(t for t in by_doc.get(meta.doc_id, ()) if t.kind == COVERAGE),
                        tuple(t for t in by_doc.get(meta.doc_id, ()) if t.kind != COVERAGE))
            for meta in sorted(documents, key=lambda m: (folded_form(m.locality), m.doc_id)))
        self.years: tuple[int | None, ...] = _years(self.plans)

    def provinces(self) -> list[str]:
        """Provinces and cities of the plans, for the filter (A→Z)."""
        return sorted({p.meta.province or p.meta.locality for p in self.plans} - {""}, key=folded_form)

    def levels(self) -> list[str]:
        """Levels of the plans, in administrative order."""
        present = {p.meta.level for p in self.plans if p.meta.level}
        return [lv for lv in LEVEL_ORDER if lv in present] + sorted(present - set(LEVEL_ORDER))

    def sort_choices(self) -> list[tuple[str, str]]:
        """(label, key) of the orders on offer: by locality, by level, by each year's coverage target."""
        choices = [("Địa phương (A → Z)", SORT_LOCALITY), ("Cấp (tỉnh → xã)", SORT_LEVEL)]
        choices += [(f"Bao phủ BHYT {year} (cao → thấp)", f"coverage:{year}") for year in self.years if year]
        return choices

    def matching(self, query: OverviewQuery) -> list[PlanTargets]:
        """Plans passing the filters, in the chosen order."""
        plans = [p for p in self.plans
                 if (not query.province or query.province in (p.meta.province, p.meta.locality))
                 and (not query.level or p.meta.level == query.level)]
        if query.sort == SORT_LEVEL:
            plans.sort(key=lambda p: _level_rank(p.meta.level))
        elif query.sort.startswith("coverage:"):
            year = int(query.sort.split(":", 1)[1])
            # Highest figure first, then goals stated in words; plans that set none for that year go last, still A→Z.
            plans.sort(key=lambda p: _coverage_rank(p.coverage_for(year)))
        return plans

    def page(self, query: OverviewQuery) -> OverviewPage:
        """The page ``query.page`` of the plans passing the filters (clamped to the pages there are)."""
        plans = self.matching(query)
        pages = max(1, math.ceil(len(plans) / query.page_size))
        page = min(max(1, query.page), pages)
        shown = tuple(plans[(page - 1) * query.page_size: page * query.page_size])
        return OverviewPage(shown, _years(shown), len(plans), page, pages, query)

    def csv(self, query: OverviewQuery, clause_label: Callable[[Target], str] = lambda t: "") -> str:
        """Every target of the plans passing the filters (all pages) as CSV, one row per target."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for plan in self.matching(query):
            m = plan.meta
            for t in plan.coverage + plan.others:
                level, value = (t.stated, "") if t.in_words else (t.qualifier, f"{t.value:g}")
                writer.writerow([m.province or m.locality, m.locality, m.level, _document_name(m), KIND_LABELS[t.kind],
                                 t.indicator, level, value, t.unit, t.year or "", clause_label(t), t.quote])
        return out.getvalue()


def _coverage_rank(target: Target | None) -> tuple[int, float]:
    if target is None:
        return (2, 0.0)
    return (1, 0.0) if target.in_words else (0, -target.value)


def _years(plans: Sequence[PlanTargets]) -> tuple[int | None, ...]:
    years = {t.year for p in plans for t in p.coverage}
    return tuple(sorted(y for y in years if y is not None)) + ((None,) if None in years else ())


def _level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def _document_name(meta: DocumentMeta) -> str:
    number = f" số {meta.number}" if meta.number else ""
    return f"Kế hoạch{number} — {meta.issuer or meta.locality}"


def _anchor(n: int) -> str:
    return f"bhyt-t-{n}"


def render_overview(page: OverviewPage, *, clause: Callable[[str], Clause | None],
                    source: Callable[[str], str | None], clause_label: Callable[[Clause], str]) -> str:
    """The overview page as escaped HTML: summary, chart, coverage table, other targets, sources.

    Args:
        page: What to draw.
        clause: ``clause_id -> Clause`` (None when unknown), to name where a target is stated.
        source: ``doc_id -> source text`` (None when unknown), to show the sentence in its context.
        clause_label: How a citation names a clause's place ("Mục II › ý 1").
    """
    if not page.matching:
        return '<div class="bhyt-overview"><p class="bhyt-muted">Không có kế hoạch nào khớp bộ lọc.</p></div>'
    numbered: list[tuple[int, PlanTargets, Target]] = []

    def ref(plan: PlanTargets, target: Target) -> str:
        numbered.append((len(numbered) + 1, plan, target))
        n = len(numbered)
        shown = target.figure if target.in_words else target.stated
        words = " bhyt-cell-words" if target.in_words else ""
        link = (f'<a class="bhyt-cell-link{words}" href="#{_anchor(n)}" title="Xem câu trích trong kế hoạch">'
                f'{escape(shown)}<sup class="bhyt-ref">[{n}]</sup></a>')
        # A goal in words keeps the cell narrow: "toàn dân" may wrap between its words, "không nêu con số" below.
        return link + f'<div class="bhyt-muted">{NO_FIGURE}</div>' if target.in_words else link

    first = (page.page - 1) * page.query.page_size + 1
    # The sources' "↑ Về bảng" links come back here (the summary line above the chart and tables).
    parts = ['<div class="bhyt-overview" id="bhyt-overview-top">',
             f'<p class="bhyt-muted">{page.matching} kế hoạch; trang {page.page}/{page.pages} '
             f'(kế hoạch {first}–{first + len(page.plans) - 1}). Bấm vào một ô để xem câu trích trong kế hoạch.</p>',
             _chart(page)]
    years = page.years
    head = "".join(_sort_header(str(year), f"coverage:{year}", page.query.sort) if year else "<th>Không ghi năm</th>"
                   for year in years)
    rows = []
    for plan in page.plans:
        cells = "".join(f"<td>{ref(plan, t)}</td>" if (t := plan.coverage_for(year)) else "<td>—</td>"
                        for year in years)
        rows.append(f"<tr><th scope=\"row\">{escape(plan.meta.locality)}"
                    f"<div class=\"bhyt-muted\">{escape(_place_line(plan.meta))}</div></th>{cells}</tr>")
    parts.append('<h3>Chỉ tiêu bao phủ BHYT theo năm</h3>')
    if years:
        locality = _sort_header("Địa phương", SORT_LOCALITY, page.query.sort)
        parts.append(f'<div class="bhyt-table-wrap"><table class="bhyt-targets"><thead><tr>{locality}{head}'
                     f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
    else:
        parts.append('<p class="bhyt-muted">Các kế hoạch trên trang này không nêu con số bao phủ.</p>')
    others = [(plan, t) for plan in page.plans for t in plan.others]
    if others:
        other_rows = "".join(
            f"<tr><td>{escape(plan.meta.locality)}</td><td>{escape(t.indicator)}</td><td>{ref(plan, t)}"
            f'<div class="bhyt-muted">{f"năm {t.year}" if t.year else "không ghi năm"}</div></td></tr>'
            for plan, t in others)
        parts.append('<h3>Các chỉ tiêu định lượng khác</h3>'
                     '<div class="bhyt-table-wrap"><table class="bhyt-targets bhyt-others"><thead><tr>'
                     '<th>Địa phương</th><th>Chỉ tiêu</th><th>Mức, năm</th></tr></thead>'
                     f'<tbody>{other_rows}</tbody></table></div>')
    parts.append('<div class="bhyt-target-sources">')
    for n, plan, target in numbered:
        parts.append(_source_panel(n, plan.meta, target, clause(target.clause_id), source(target.doc_id),
                                   clause_label))
    parts.append("</div></div>")
    return "".join(parts)


def _sort_header(label: str, key: str, current: str) -> str:
    """A column header that sorts by ``key`` when tapped; the current order is marked (A→Z for places,
    highest first for a year's coverage)."""
    descending = key.startswith("coverage:")
    if key != current:
        hint = "Sắp xếp theo cột này"
        return (f'<th><button type="button" class="bhyt-sort" data-bhyt-sort="{escape(key)}" title="{hint}">'
                f'{escape(label)} <span class="bhyt-sort-mark" aria-hidden="true">↕</span></button></th>')
    order, arrow = ("descending", "↓") if descending else ("ascending", "↑")
    return (f'<th aria-sort="{order}"><button type="button" class="bhyt-sort bhyt-sorted" data-bhyt-sort="{escape(key)}">'
            f'{escape(label)} <span class="bhyt-sort-mark" aria-hidden="true">{arrow}</span></button></th>')


def _place_line(meta: DocumentMeta) -> str:
    province = f", {meta.province}" if meta.province and meta.province != meta.locality else ""
    return f"{meta.level}{province}" if meta.level else province.lstrip(", ")


def _source_panel(n: int, meta: DocumentMeta, target: Target, clause: Clause | None, source: str | None,
                  clause_label: Callable[[Clause], str]) -> str:
    where = f' <span class="bhyt-muted">— {escape(clause_label(clause))}</span>' if clause is not None else ""
    if source is not None and 0 <= target.start <= target.end <= len(source):
        text = render_context(source, target.start, target.end, window=160)
    else:
        text = f"<mark>{escape(target.quote)}</mark>"
    context = f'<div class="bhyt-context-text">{text}</div>'
    if clause is not None and clause.reading:
        # A scan: the repaired reading leads; the scanned text, which a citizen cannot read, is one tap away.
        context = (f'<div class="bhyt-reading"><b>Bản đọc đã sửa lỗi nhận dạng:</b> {escape(target.quote)}</div>'
                   f'<details class="bhyt-context"><summary>Xem nguyên văn bản quét</summary>{context}</details>')
    return (f'<div class="bhyt-target-source" id="{_anchor(n)}"><div><span class="bhyt-ref">[{n}]</span> '
            f'<b>{escape(meta.locality)}</b>: {escape(target.indicator)} — {escape(target.stated)}'
            f'{f" ({target.year})" if target.year else ""}</div>'
            f'<div class="bhyt-doc">{escape(_document_name(meta))}{where}</div>{context}'
            '<a class="bhyt-back" href="#bhyt-overview-top">↑ Về bảng</a></div>')


def _chart(page: OverviewPage) -> str:
    """Horizontal bars of each plan's coverage targets, one colour per year, on an axis that starts
    below the lowest target (stated under the chart), so 95% and 99,3% can be told apart; a goal
    stated in words has no length and is drawn as an outline holding its words."""
    values = [t.value for p in page.plans for t in p.coverage if t.unit == "%"]
    if not values:
        return ""
    low = max(0, 10 * math.floor((min(values) - 5) / 10))
    years = [y for y in page.years if y]
    rows = []
    for plan in page.plans:
        bars = []
        for i, year in enumerate(years):
            t = plan.coverage_for(year)
            if t is None:
                continue
            if t.in_words:  # no figure, no length: an outline in the year's colour, its words inside
                bars.append(f'<div class="bhyt-bar bhyt-bar-words bhyt-outline-{i % 4}">'
                            f'<span>{year}: {IN_WORDS} ({NO_FIGURE})</span></div>')
                continue
            width = 100 * (t.value - low) / (100 - low)
            bars.append(f'<div class="bhyt-bar bhyt-bar-{i % 4}" style="width:{width:.1f}%">'
                        f'<span>{year}: {escape(t.stated)}</span></div>')
        if bars:
            rows.append(f'<div class="bhyt-chart-row"><div class="bhyt-chart-label">{escape(plan.meta.locality)}</div>'
                        f'<div class="bhyt-chart-bars">{"".join(bars)}</div></div>')
    legend = "".join(f'<span class="bhyt-legend"><i class="bhyt-bar-{i % 4}"></i>{year}</span>'
                     for i, year in enumerate(years))
    return (f'<figure class="bhyt-chart" aria-label="Biểu đồ chỉ tiêu bao phủ BHYT"><figcaption>Chỉ tiêu bao phủ '
            f'BHYT theo địa phương {legend}</figcaption>{"".join(rows)}'
            f'<div class="bhyt-muted">Trục bắt đầu từ {low}% đến 100%.</div></figure>')
