"""The Gantt chart as an SVG string.

Hand-written SVG rather than matplotlib: a Gantt is thousands of simple shapes,
and string building draws 2 000 tasks in a few tens of milliseconds; every bar
carries ``data-task-id`` (and ``data-wbs``) so the page can make it draggable;
the output is byte-for-byte deterministic; and text stays real, selectable,
escaped text.

Layout, left to right: a table (WBS code, indented name) and the chart (a
two-tier time scale, striped rows, weekend shading in day zoom, baseline shadow
bars, task bars with their percent complete, summary brackets, milestone
diamonds, dependency arrows routed by link type, and dashed *today* and
*data date* lines). Critical tasks and the links between them are red. A link with
a maximum lag is dashed in its own colour and puts a bracket under its successor's
row from the earliest to the latest allowed start (or finish, for FF and SF links).
The table (``g.ks-table``), the time scale (``g.ks-header``) and their corner
(``g.ks-corner``) are drawn last, each on an opaque background, so that a page
can slide them over the chart with a ``transform`` and keep them in view while
the chart scrolls. Row stripes are one pattern, not a rectangle per row.

Dates: a plain ``date`` start means the start of that day and a plain ``date``
finish the end of that day (inclusive, as users read plans); ``datetime``
values are drawn at their exact time. A milestone sits at its finish.
Links whose tasks are not among the rows (a filtered view) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from keystage.engine.errors import FieldError
from keystage.engine.network import LinkType
from keystage.reporting.svg.base import (
    PALETTE,
    document,
    esc,
    fmt,
    line,
    rect,
    text,
    truncate,
)
from keystage.reporting.svg.timescale import (
    PX_PER_DAY,
    Zoom,
    align_window,
    day_offset,
    header_cells,
    weekend_days,
)

__all__ = [
    "HEADER_H",
    "ROW_H",
    "TABLE_W",
    "GanttError",
    "GanttLink",
    "GanttRow",
    "render_gantt",
    "with_windows",
]

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

ROW_H = 24.0
BAR_H = 12.0
HEADER_H = 48.0
FOOTER_H = 20.0
WBS_W = 64.0
NAME_W = 280.0
TABLE_W = WBS_W + NAME_W
INDENT = 14.0
GAP = 8.0  # horizontal run of a link before it turns
WINDOW_REACH_DAYS = 31  # how far a maximum-lag window may widen the chart past its rows


class GanttError(FieldError):
    """A Gantt row or link is invalid; ``field`` names the culprit (see :class:`FieldError`)."""


def _plain(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _ends_before_start(start: date, finish: date) -> bool:
    """Whether ``finish`` precedes ``start``; a plain-date finish is the end of its day."""
    if isinstance(start, datetime) and isinstance(finish, datetime):
        if (start.tzinfo is None) == (finish.tzinfo is None):
            return finish < start
    elif not isinstance(start, datetime) and not isinstance(finish, datetime):
        return finish < start
    origin = _plain(start)
    return day_offset(finish, origin, is_finish=True) < day_offset(start, origin)


@dataclass(slots=True)
class GanttRow:
    """One line of the Gantt: a task, a summary or a milestone; checked when made.

    Not frozen: a frozen dataclass is built five times slower, and a 2,000-task chart
    makes 2,000 of these per draw. The renderer never changes a row.
    """

    id: str
    wbs: str
    name: str
    start: date
    finish: date
    is_milestone: bool = False
    is_summary: bool = False
    is_critical: bool = False
    percent_complete: float = 0.0
    baseline_start: date | None = None
    baseline_finish: date | None = None
    level: int = 0
    slipped: bool = False  # finishes later than planned: hatched and labelled "late"

    def __post_init__(self) -> None:
        if _ends_before_start(self.start, self.finish):
            raise GanttError("finish", f"task {self.id!r} finishes before it starts")
        if not 0.0 <= self.percent_complete <= 100.0:
            raise GanttError("percent_complete", f"task {self.id!r}: must be within 0–100")
        if self.level < 0:
            raise GanttError("level", f"task {self.id!r}: must be ≥ 0")
        if (self.baseline_start is None) != (self.baseline_finish is None):
            raise GanttError("baseline_finish", f"task {self.id!r}: give both baseline dates")
        if (
            self.baseline_start is not None
            and self.baseline_finish is not None
            and _ends_before_start(self.baseline_start, self.baseline_finish)
        ):
            raise GanttError("baseline_finish", f"task {self.id!r}: baseline ends before it starts")


@dataclass(frozen=True, slots=True)
class GanttLink:
    """A dependency drawn from the predecessor to the successor.

    ``window`` (a link with a maximum lag) is when the successor may start (FS, SS) or
    finish (FF, SF): from the predecessor's anchor plus the lag to the anchor plus the
    maximum, worked out in working time by the caller; ``title`` says the link in words
    (its tooltip, e.g. "Design → Build: FS +1 d, at most 3 d").
    """

    pred: str
    succ: str
    type: LinkType = LinkType.FS
    window: tuple[date, date] | None = None
    title: str = ""

    def __post_init__(self) -> None:
        if self.type not in ("FS", "SS", "FF", "SF"):
            raise GanttError("type", f"link {self.pred}→{self.succ}: unknown type {self.type!r}")
        if self.window is not None and _ends_before_start(self.window[0], self.window[1]):
            raise GanttError("window", f"link {self.pred}→{self.succ}: latest before earliest")


class _Placed(NamedTuple):
    row: GanttRow
    y: float  # row top
    x0: float
    x1: float


def _header(origin: date, end: date, zoom: Zoom, scale: float, width: float) -> list[str]:
    top, bottom = header_cells(origin, end, zoom)
    strong, muted, half = PALETTE["grid_strong"], PALETTE["muted"], HEADER_H / 2
    out = [rect(0, 0, width, HEADER_H, PALETTE["header"])]
    for cell in top:
        x = TABLE_W + cell.start * scale
        fits = (cell.end - cell.start) * scale >= 7.5 * len(cell.label) + 8
        # A page keeps the label of a period cut by the table's edge in view (``data-end``).
        label = (
            text(
                x + 6,
                16,
                cell.label,
                font_weight=600,
                class_="ks-period",
                data_end=TABLE_W + cell.end * scale,
            )
            if fits
            else ""
        )
        out.append(line(x, 0, x, HEADER_H, strong) + label)
    for cell in bottom:
        x = TABLE_W + cell.start * scale
        mid = TABLE_W + (cell.start + cell.end) / 2 * scale
        out.append(
            line(x, half, x, HEADER_H, strong)
            + text(mid, 40, cell.label, font_size=11, text_anchor="middle", fill=muted)
        )
    out.append(
        line(TABLE_W, half, width, half, strong) + line(0, HEADER_H, width, HEADER_H, strong)
    )
    return out


def _corner() -> str:
    """The table's column titles, above the table and left of the time scale."""
    strong, muted = PALETTE["grid_strong"], PALETTE["muted"]
    return (
        rect(0, 0, TABLE_W, HEADER_H, PALETTE["header"])
        + text(8, 30, "WBS", font_weight=600, fill=muted)
        + text(WBS_W + 8, 30, "Task", font_weight=600, fill=muted)
        + line(0, HEADER_H, TABLE_W, HEADER_H, strong)
        + line(TABLE_W, 0, TABLE_W, HEADER_H, strong)
    )


def _grid(origin: date, end: date, zoom: Zoom, scale: float, height: float) -> list[str]:
    out = []
    if zoom == "day":
        for offset in weekend_days(origin, end):
            x = TABLE_W + offset * scale
            out.append(rect(x, HEADER_H, scale, height - HEADER_H, PALETTE["weekend"]))
    _, bottom = header_cells(origin, end, zoom)
    for cell in bottom:
        x = TABLE_W + cell.start * scale
        out.append(line(x, HEADER_H, x, height, PALETTE["grid"]))
    return out


def _table_row(row: GanttRow, y: float, name_html: str) -> str:
    """The WBS code and the indented name; ``name_html`` is the full name, escaped."""
    base = y + ROW_H / 2 + 4
    indent = row.level * INDENT
    weight = ' font-weight="600"' if row.is_summary else ""
    name = truncate(row.name, NAME_W - 12 - indent)
    at, wbs = fmt(base), esc(truncate(row.wbs, WBS_W - 10))
    return (
        f'<text x="8" y="{at}" fill="{PALETTE["muted"]}">{wbs}</text>'
        f'<text x="{fmt(WBS_W + 8 + indent)}" y="{at}"{weight}>'
        f"<title>{name_html}</title>{name_html if name == row.name else esc(name)}</text>"
    )


def _bar(p: _Placed, name: str) -> str:
    """The row's bar, diamond or bracket; ``name`` is the task's name, escaped."""
    row = p.row
    ids = f' data-task-id="{esc(row.id)}" data-wbs="{esc(row.wbs)}"'
    flag = " · critical" if row.is_critical else ""  # said in words, not by colour alone
    tip = f"<title>{name}{flag}</title>"
    mid = p.y + ROW_H / 2
    if row.is_milestone:
        r = BAR_H / 2 + 1
        colour = PALETTE["critical"] if row.is_critical else PALETTE["summary"]
        x = p.x1
        points = f"{fmt(x)},{fmt(mid - r)} {fmt(x + r)},{fmt(mid)} {fmt(x)},{fmt(mid + r)} "
        points += f"{fmt(x - r)},{fmt(mid)}"
        kind = "ks-milestone ks-critical" if row.is_critical else "ks-milestone"
        return f'<polygon class="{kind}" points="{points}" fill="{colour}"{ids}>{tip}</polygon>'
    width = max(p.x1 - p.x0, 1.0)
    if row.is_summary:
        colour = PALETTE["summary"]  # summaries stay neutral; their critical children are red
        d = f"M{fmt(p.x0)} {fmt(mid - 5)}h{fmt(width)}v10l-5 -4H{fmt(p.x0 + 5)}l-5 4z"
        return f'<path class="ks-summary" d="{d}" fill="{colour}"{ids}>{tip}</path>'
    critical = row.is_critical
    fill = PALETTE["critical"] if critical else PALETTE["bar"]
    done = PALETTE["critical_done"] if critical else PALETTE["bar_done"]
    kind = "ks-bar ks-critical" if critical else "ks-bar"
    out = (
        f'<rect class="{kind}" x="{fmt(p.x0)}" y="{fmt(mid - BAR_H / 2)}" width="{fmt(width)}" '
        f'height="{BAR_H:g}" rx="2" fill="{fill}"{ids}>'
        f"<title>{name} — {row.percent_complete:g} % complete{flag}</title></rect>"
    )
    if row.percent_complete > 0:
        share = width * row.percent_complete / 100
        out += rect(p.x0, mid - 2.5, share, 5, done, pointer_events="none")
    return out


def _slip(p: _Placed, prefix: str) -> str:
    """The late cue on a slipped row: hatching over its bar and the word "late" after it."""
    mid = p.y + ROW_H / 2
    end = p.x1 + (BAR_H / 2 + 1 if p.row.is_milestone else 0)
    hatch = ""
    if not p.row.is_milestone:
        hatch = rect(
            p.x0, mid - BAR_H / 2, max(p.x1 - p.x0, 1.0), BAR_H,
            f"url(#{prefix}-slip)", pointer_events="none", opacity="0.45",
        )  # fmt: skip
    label = text(end + 4, mid + 4, "late", font_size=10, font_weight=600, fill=PALETTE["critical"])
    return f'<g class="ks-slipped">{hatch}{label}</g>'


def _anchor(p: _Placed, at_start: bool) -> float:
    if p.row.is_milestone:
        return p.x1 - (BAR_H / 2 + 1) if at_start else p.x1 + (BAR_H / 2 + 1)
    return p.x0 if at_start else p.x1


def _link(pred: _Placed, succ: _Placed, link: GanttLink, prefix: str) -> str:
    """An orthogonal connector: out of the predecessor's anchor, into the successor's.

    A link with a maximum lag is dashed, in its own colour unless both ends are critical.
    """
    kind = link.type
    from_start = kind in ("SS", "SF")
    to_start = kind in ("FS", "SS")
    x1, y1 = _anchor(pred, from_start), pred.y + ROW_H / 2
    x2, y2 = _anchor(succ, to_start), succ.y + ROW_H / 2
    out_x = x1 - GAP if from_start else x1 + GAP
    if to_start:  # the arrow arrives from the left
        turn = min(out_x, x2 - GAP) if from_start else out_x
        direct = from_start or out_x <= x2 - 2
        in_x = x2 - GAP
    else:  # the arrow arrives from the right
        turn = out_x if from_start else max(out_x, x2 + GAP)
        direct = not from_start or out_x >= x2 + 2
        in_x = x2 + GAP
    if direct:
        d = f"M{fmt(x1)} {fmt(y1)}H{fmt(turn)}V{fmt(y2)}H{fmt(x2)}"
    else:
        lane = succ.y if succ.y > pred.y else succ.y + ROW_H
        d = f"M{fmt(x1)} {fmt(y1)}H{fmt(out_x)}V{fmt(lane)}H{fmt(in_x)}V{fmt(y2)}H{fmt(x2)}"
    critical = pred.row.is_critical and succ.row.is_critical
    bounded = link.window is not None or bool(link.title)  # a maximum, dated or not
    colour = PALETTE["critical"] if critical else PALETTE["max_lag" if bounded else "link"]
    marker = "arrow-critical" if critical else "arrow-max" if bounded else "arrow"
    data = f' data-pred="{esc(pred.row.id)}" data-succ="{esc(succ.row.id)}" data-type="{kind}"'
    if not bounded:
        return (
            f'<path class="ks-link" d="{d}" fill="none" stroke="{colour}" stroke-width="1.2" '
            f'marker-end="url(#{prefix}-{marker})"{data}/>'
        )
    return (
        f'<path class="ks-link ks-link-max" d="{d}" fill="none" stroke="{colour}" '
        f'stroke-width="1.4" stroke-dasharray="4 2" marker-end="url(#{prefix}-{marker})"{data}>'
        f"<title>{esc(link.title)}</title></path>"
    )


def _short(value: date) -> str:
    """``3 Mar`` or, with a time of day other than midnight, ``3 Mar 14:00``."""
    day = f"{value.day} {value:%b}"
    if isinstance(value, datetime) and value.time() != datetime.min.time():
        return f"{day} {value:%H:%M}"
    return day


def _window_mark(succ: _Placed, link: GanttLink, origin: date, scale: float) -> str:
    """The bracket under the successor's bar: from the earliest to the latest allowed
    start (FS, SS) or finish (FF, SF) that the link's lag and maximum lag leave."""
    assert link.window is not None
    first, last = link.window
    x0 = TABLE_W + day_offset(first, origin) * scale
    x1 = TABLE_W + day_offset(last, origin) * scale
    y = succ.y + ROW_H - 3.5
    end = "finish" if link.type in ("FF", "SF") else "start"
    label = f"{link.title} — may {end} from {_short(first)} to {_short(last)}"
    colour = PALETTE["max_lag"]
    data = f' data-pred="{esc(link.pred)}" data-succ="{esc(link.succ)}" data-type="{link.type}"'
    return (
        f'<g class="ks-maxlag"{data}><title>{esc(label)}</title>'
        + line(x0, y, x1, y, colour, stroke_width=2, class_="ks-maxlag-span")
        + line(x0, y - 2.5, x0, y + 2, colour, stroke_width=1.5)
        + line(x1, y - 2.5, x1, y + 2, colour, stroke_width=1.5)
        + "</g>"
    )


def _vline(x: float, height: float, colour: str, label: str, anchor: str) -> str:
    """A dashed date line with its label in the footer (left or right of the line)."""
    label_x = x - 4 if anchor == "end" else x + 4
    return line(
        x, HEADER_H, x, height - FOOTER_H + 4, colour, stroke_width=1.5, stroke_dasharray="5 3"
    ) + text(label_x, height - 6, label, font_size=10, fill=colour, text_anchor=anchor)


def _defs(prefix: str, width: float, height: float) -> str:
    markers = "".join(
        f'<marker id="{prefix}-{name}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0 0L8 4L0 8z" fill="{colour}"/></marker>'
        for name, colour in (
            ("arrow", PALETTE["link"]),
            ("arrow-critical", PALETTE["critical"]),
            ("arrow-max", PALETTE["max_lag"]),
        )
    )
    area = rect(TABLE_W, 0, width - TABLE_W, height, "#fff")
    clip = f'<clipPath id="{prefix}-chart">{area}</clipPath>'
    # Every other row is striped: one pattern instead of a rectangle per row.
    # Slipped bars carry diagonal hatching (a cue that does not rely on colour alone).
    hatch = (
        f'<pattern id="{prefix}-slip" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" '
        f'stroke="{PALETTE["critical"]}" stroke-width="2"/></pattern>'
    )
    stripes = (
        f'<pattern id="{prefix}-rows" x="0" y="{fmt(HEADER_H)}" width="{fmt(width)}" '
        f'height="{fmt(2 * ROW_H)}" patternUnits="userSpaceOnUse">'
        f"{rect(0, ROW_H, width, ROW_H, PALETTE['stripe'])}</pattern>"
    )
    return f"<defs>{markers}{clip}{stripes}{hatch}</defs>"


def with_windows(first: date, last: date, links: Sequence[GanttLink]) -> tuple[date, date]:
    """``[first, last]`` widened to the links' maximum-lag windows, by at most
    :data:`WINDOW_REACH_DAYS` either way (a ten-year maximum does not draw ten years)."""
    low, high = first - timedelta(days=WINDOW_REACH_DAYS), last + timedelta(days=WINDOW_REACH_DAYS)
    for link in links:
        if link.window is not None:
            first = min(first, max(_plain(link.window[0]), low))
            last = max(last, min(_plain(link.window[1]), high))
    return first, last


def _window(
    rows: Sequence[GanttRow], links: Sequence[GanttLink], extra: Sequence[date | None]
) -> tuple[date, date]:
    days: list[date] = []
    for row in rows:
        days += [row.start, row.finish]
        if row.baseline_start is not None and row.baseline_finish is not None:
            days += [row.baseline_start, row.baseline_finish]
    days += [d for d in extra if d is not None]
    plain = [_plain(d) for d in days]
    return with_windows(min(plain), max(plain), links)


def render_gantt(
    rows: Sequence[GanttRow],
    links: Sequence[GanttLink] = (),
    *,
    zoom: Zoom = "week",
    today: date | None = None,
    data_date: date | None = None,
    window: tuple[date, date] | None = None,
    title: str = "Gantt chart",
    id_prefix: str = "ks-gantt",
) -> str:
    """Draw ``rows`` (in display order) and ``links`` as a standalone SVG document.

    ``zoom`` picks the time scale (day, week or month); ``window`` forces the
    visible date range (otherwise it fits the rows, ``today`` and ``data_date``);
    shapes outside it are clipped. ``id_prefix`` names the internal ids (arrow
    markers, clip path): give each Gantt on one page its own.
    """
    if not _ID.fullmatch(id_prefix):
        raise GanttError("id_prefix", "use letters, digits, '-' or '_', starting with a letter")
    if zoom not in PX_PER_DAY:
        raise GanttError("zoom", f"must be 'day', 'week' or 'month', got {zoom!r}")
    seen: set[str] = set()
    for row in rows:
        if row.id in seen:
            raise GanttError("id", f"task id {row.id!r} appears twice")
        seen.add(row.id)
    if window is not None:
        first, last = _plain(window[0]), _plain(window[1])
        if last < first:
            raise GanttError("window", f"ends before it starts ({first} … {last})")
    elif rows or today or data_date:
        first, last = _window(rows, links, (today, data_date))
    else:
        raise GanttError("window", "nothing to draw: give rows, a window, today or a data date")
    origin, end = align_window(first, last, zoom)
    scale = PX_PER_DAY[zoom]
    width = TABLE_W + (end - origin).days * scale
    height = HEADER_H + max(len(rows), 1) * ROW_H + FOOTER_H

    placed: dict[str, _Placed] = {}
    table, baselines, bars = [], [], []
    for i, row in enumerate(rows):
        y = HEADER_H + i * ROW_H
        x0 = TABLE_W + day_offset(row.start, origin) * scale
        x1 = TABLE_W + day_offset(row.finish, origin, is_finish=True) * scale
        p = _Placed(row, y, x0, x1)
        placed[row.id] = p
        name = esc(row.name)  # once: the table, the bar and its tooltip all show it
        table.append(_table_row(row, y, name))
        if (
            row.baseline_start is not None
            and row.baseline_finish is not None
            and not row.is_milestone
        ):
            b0 = TABLE_W + day_offset(row.baseline_start, origin) * scale
            b1 = TABLE_W + day_offset(row.baseline_finish, origin, is_finish=True) * scale
            baselines.append(
                f'<rect class="ks-baseline" x="{fmt(b0)}" y="{fmt(y + ROW_H / 2 + BAR_H / 2 - 1)}" '
                f'width="{fmt(max(b1 - b0, 1.0))}" height="4" fill="{PALETTE["baseline"]}"/>'
            )
        bars.append(_bar(p, name))
        if row.slipped and not row.is_summary:
            bars.append(_slip(p, id_prefix))

    shown = [link for link in links if link.pred in placed and link.succ in placed]
    arrows = [_link(placed[link.pred], placed[link.succ], link, id_prefix) for link in shown]
    windows = [
        _window_mark(placed[link.succ], link, origin, scale)
        for link in shown
        if link.window is not None
    ]
    lines = []
    marks = (
        (data_date, PALETTE["data_date"], f"Data date {data_date}", "end"),
        (today, PALETTE["today"], f"Today {today}", "start"),
    )
    for when, colour, label, anchor in marks:
        if when is not None:
            x = TABLE_W + day_offset(when, origin) * scale
            lines.append(_vline(x, height, colour, label, anchor))

    rows_h = height - HEADER_H
    striped = f'fill="url(#{id_prefix}-rows)"'
    table_stripes = (
        f'<rect x="0" y="{fmt(HEADER_H)}" width="{fmt(TABLE_W)}" height="{fmt(rows_h)}" {striped}/>'
    )
    # The table, the time scale and the corner come last, each in its own opaque group:
    # a page may slide them over the chart to keep them in view while it scrolls.
    body = [
        _defs(id_prefix, width, height),
        rect(0, 0, width, height, "#ffffff"),
        f'<rect x="0" y="{fmt(HEADER_H)}" width="{fmt(width)}" height="{fmt(rows_h)}" {striped}/>',
        *_grid(origin, end, zoom, scale, height),
        f'<g class="ks-chart" clip-path="url(#{id_prefix}-chart)"><g class="ks-baselines">',
        *baselines,
        '</g><g class="ks-links">',
        *arrows,
        '</g><g class="ks-bars">',
        *bars,
        "</g>",
        *(['<g class="ks-maxlags">', *windows, "</g>"] if windows else []),
        *lines,
        '</g><g class="ks-table">',
        rect(0, HEADER_H, TABLE_W, rows_h, "#ffffff"),
        table_stripes,
        line(WBS_W, HEADER_H, WBS_W, height, PALETTE["grid"]),
        line(TABLE_W, HEADER_H, TABLE_W, height, PALETTE["grid_strong"]),
        *table,
        '</g><g class="ks-header">',
        *_header(origin, end, zoom, scale, width),
        '</g><g class="ks-corner">',
        _corner(),
        "</g>",
    ]
    desc = f"{len(rows)} tasks, {zoom} scale"
    if windows:
        desc += f", {len(windows)} link{'s' if len(windows) > 1 else ''} with a maximum lag"
    return document(width, height, body, title=title, desc=desc)
