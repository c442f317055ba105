"""The Gantt of a project: rows in WBS order, links, critical flags and a baseline's shadow.

``gantt_data`` reads everything in a constant number of queries whatever the plan's
size (tasks, links, the project's baselines, the chosen baseline's tasks);
``gantt_chart`` draws it with the pure SVG renderer and returns what a page needs to
turn a pointer position back into a date; ``working_time`` reads the calendar and its
holidays for the editors' drag script only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Final, NamedTuple, cast

from django.db import models
from django.db.models import FloatField, Func
from django.utils import timezone

from keystage.core.errors import InvalidInput
from keystage.engine.network import LinkType
from keystage.engine.progress import ProgressRow, rollup_percent
from keystage.planning.models import Baseline, BaselineTask, Holiday, ProjectCalendar
from keystage.planning.selectors.wbs import dependencies_visible_to, link_words, tasks_visible_to
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project
from keystage.reporting.svg.gantt import (
    HEADER_H,
    ROW_H,
    TABLE_W,
    GanttLink,
    GanttRow,
    render_gantt,
    with_windows,
)
from keystage.reporting.svg.timescale import PX_PER_DAY, Zoom, align_window

ZOOMS: Final = ("day", "week", "month")
LATEST: Final = "latest"
NO_BASELINE: Final = "none"


class GanttKind(models.TextChoices):
    """What a Gantt row draws: a bar, a diamond or a bracket over its sub-tasks."""

    TASK = "task", "Task"
    MILESTONE = "milestone", "Milestone"
    SUMMARY = "summary", "Summary"


class GanttTask(NamedTuple):
    """One row of the Gantt, as the page, the API and the renderer read it.

    Ids are the tasks' public ids as text: converted once here, used four times. A
    named tuple rather than a frozen dataclass: as immutable and hashable (the drawn
    chart is remembered by its rows), and built five times faster, which is 10 ms of
    every 2,000-row read.
    """

    id: str
    row: int
    wbs: str
    name: str
    level: int
    kind: str
    start: dt.datetime
    finish: dt.datetime
    duration_minutes: int
    constraint_type: str
    constraint_date: dt.date | None
    critical: bool
    version: int
    baseline_start: dt.datetime | None = None
    baseline_finish: dt.datetime | None = None
    percent_complete: float = 0.0  # duration %; summaries roll up their sub-tasks'
    slipped: bool = False  # finishes (or finished) later than in the baseline shown


@dataclass(frozen=True, slots=True)
class GanttDependency:
    """A link between two rows, by the tasks' public ids.

    A link with a maximum lag also carries when its successor may start (FS, SS) or
    finish (FF, SF), ``earliest`` to ``latest`` in working time, and ``title``, the link
    in words ("Design → Build: FS +1 d, at most 3 d").
    """

    predecessor: str
    successor: str
    type: str
    lag_minutes: int
    max_lag_minutes: int | None = None
    earliest: dt.datetime | None = None
    latest: dt.datetime | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class BaselineChoice:
    """A baseline one can lay under the bars."""

    id: uuid.UUID
    number: int
    name: str


@dataclass(frozen=True, slots=True)
class WorkingTime:
    """What a page needs to turn a dragged width into working days."""

    weekdays: str  # ISO weekdays, Monday = 1
    minutes_per_day: int
    holidays: tuple[dt.date, ...]


@dataclass(frozen=True, slots=True)
class GanttData:
    """A project's Gantt: rows, links, its baselines and the one shown (if any)."""

    project: Project
    tasks: tuple[GanttTask, ...]
    links: tuple[GanttDependency, ...]
    baselines: tuple[BaselineChoice, ...]
    baseline: BaselineChoice | None

    @property
    def has_max_lags(self) -> bool:
        """Whether a link bounds its successor with a maximum lag (the legend shows it)."""
        return any(link.max_lag_minutes is not None for link in self.links)


@dataclass(frozen=True, slots=True)
class GanttChart:
    """The drawn chart and the geometry a page needs to map pixels back to dates."""

    svg: str
    zoom: str
    origin: dt.date
    px_per_day: float
    table_width: float
    header_height: float = HEADER_H
    row_height: float = ROW_H

    def x_of(self, day: dt.date) -> float:
        """The x of the start of ``day`` in the chart (where its today line would be drawn)."""
        return self.table_width + (day - self.origin).days * self.px_per_day


class Epoch(Func):
    """Seconds since 1970 of a stored instant, as a float.

    Loading 8,000 floats costs a tenth of loading 8,000 time-zone-aware datetimes,
    which is most of the read of a 2,000-row Gantt.
    """

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"  # PostgreSQL

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        """SQLite keeps UTC text: its Julian day, in whole seconds from 1970."""
        template = "ROUND((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _local(value: float | None, fallback: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """An :class:`Epoch` in the project's time zone (unscheduled rows sit at the start)."""
    if value is None:
        return dt.datetime.combine(fallback, dt.time(), tzinfo=zone)
    return dt.datetime.fromtimestamp(value, zone)


def _zone() -> dt.tzinfo:
    """The current time zone (``datetime.UTC`` for UTC: the fastest to convert into)."""
    zone = timezone.get_current_timezone()
    return dt.UTC if timezone.get_current_timezone_name() == "UTC" else zone


def _choose(choices: tuple[BaselineChoice, ...], baseline_id: Any) -> BaselineChoice | None:
    if baseline_id in (None, "", LATEST):
        return choices[0] if choices else None
    if baseline_id == NO_BASELINE:
        return None
    try:
        wanted = uuid.UUID(str(baseline_id))
    except ValueError:
        wanted = None
    found = next((c for c in choices if c.id == wanted), None)
    if found is None:
        raise InvalidInput({"baseline": "No such baseline in this project."})
    return found


def working_time(project: Project) -> WorkingTime:
    """The project calendar as the drag script needs it (two queries; editors' pages only)."""
    from keystage.planning.engine import minutes_per_day  # the engine adapter, kept lazy

    calendar = ProjectCalendar.objects.filter(project=project).first()
    days: list[dt.date] = []
    for start, end in Holiday.objects.filter(project=project).values_list("start_date", "end_date"):
        days += [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return WorkingTime(
        weekdays=calendar.working_weekdays if calendar else "12345",
        minutes_per_day=minutes_per_day(calendar),
        holidays=tuple(sorted(set(days))),
    )


def gantt_data(*, who: Any, project: Project, baseline_id: Any = LATEST) -> GanttData:
    """The project's Gantt rows in WBS order with links and a baseline, in four queries
    (six when a link has a maximum lag: the calendar and its holidays date its window).

    ``baseline_id`` is a baseline's public id, ``"latest"`` (the default: the most
    recent one, when there is one) or ``"none"``; an unknown id is a field error.
    """
    baselines = tuple(
        BaselineChoice(public_id, number, name)
        for public_id, number, name in Baseline.objects.filter(
            project=project, project__in=projects_visible_to(who)
        )
        .order_by("-number")
        .values_list("public_id", "number", "name")
    )
    chosen = _choose(baselines, baseline_id)
    shadow: dict[int, tuple[float | None, float | None]] = {}
    if chosen is not None:
        shadow = {
            task_pk: (start, finish)
            for task_pk, start, finish in BaselineTask.objects.filter(
                baseline__public_id=chosen.id, baseline__project=project, task__isnull=False
            ).values_list("task_id", Epoch("start_at"), Epoch("finish_at"))
        }
    fields: tuple[Any, ...] = (
        "pk",
        "public_id",
        "row",
        "wbs_code",
        "name",
        "outline_level",
        "kind",
        "is_summary",
        Epoch("start_at"),
        Epoch("finish_at"),
        "duration_minutes",
        "constraint_type",
        "constraint_date",
        "is_critical",
        "version",
        "parent_id",
        "percent_complete",
        "actual_finish",
    )
    ids: dict[int, str] = {}
    tasks = []
    zone = _zone()  # once: looking it up per value costs more
    progress: list[ProgressRow] = []
    done_on: list[dt.date | None] = []
    for values in (
        tasks_visible_to(who).filter(project=project).order_by("row", "id").values_list(*fields)
    ):
        (pk, public_id, row, wbs, name, level, kind, summary, start, finish, minutes) = values[:11]
        constraint_type, constraint_date, critical, version = values[11:15]
        parent_id, percent, actual_finish = values[15:]
        ids[pk] = task_id = str(public_id)
        base_start, base_finish = shadow.get(pk, (None, None))
        has_base = base_start is not None and base_finish is not None
        progress.append(
            ProgressRow(str(pk), str(parent_id) if parent_id else None, minutes, percent, summary)
        )
        done_on.append(actual_finish)
        tasks.append(
            GanttTask(
                id=task_id,
                row=row,
                wbs=wbs,
                name=name,
                level=level,
                kind=GanttKind.SUMMARY if summary else kind,
                start=_local(start, project.start_date, zone),
                finish=_local(finish or start, project.start_date, zone),
                duration_minutes=minutes,
                constraint_type=constraint_type,
                constraint_date=constraint_date,
                critical=critical,
                version=version,
                baseline_start=_local(base_start, project.start_date, zone) if has_base else None,
                baseline_finish=_local(base_finish, project.start_date, zone) if has_base else None,
            )
        )
    tasks = _with_progress(tasks, progress, done_on)
    links = tuple(
        GanttDependency(ids[pred], ids[succ], kind, lag, most)
        for pred, succ, kind, lag, most in dependencies_visible_to(who)
        .filter(project=project)
        .order_by("id")
        .values_list("predecessor_id", "successor_id", "type", "lag_minutes", "max_lag_minutes")
        if pred in ids and succ in ids
    )
    if any(link.max_lag_minutes is not None for link in links):
        links = _with_windows(project, tasks, links)
    return GanttData(
        project=project,
        tasks=tuple(tasks),
        links=links,
        baselines=baselines,
        baseline=chosen,
    )


def _with_windows(
    project: Project, tasks: list[GanttTask], links: tuple[GanttDependency, ...]
) -> tuple[GanttDependency, ...]:
    """Links with a maximum lag get their successor's allowed window and their words.

    Two queries (the calendar and its holidays), read only when a link has a maximum,
    whatever the number of links; the windows are counted on the calendar the
    scheduler uses.
    """
    from keystage.planning import engine  # the engine adapter, kept lazy

    calendar = ProjectCalendar.objects.filter(project=project).first()
    per_day = engine.minutes_per_day(calendar)
    holidays = Holiday.objects.filter(project=project)
    clock = engine.engine_calendar(calendar, holidays)
    by_id = {task.id: task for task in tasks}
    bounded = [link for link in links if link.max_lag_minutes is not None]
    gaps = []
    for link in bounded:
        pred = by_id[link.predecessor]
        anchor = pred.start if link.type in ("SS", "SF") else max(pred.finish, pred.start)
        # A finish, or a milestone (it sits where the work before it ends), lands at the
        # end of a working period; a start where the next one begins.
        at_finish = link.type in ("FF", "SF") or by_id[link.successor].kind == "milestone"
        gaps.append((anchor, link.lag_minutes, cast(int, link.max_lag_minutes), at_finish))
    windows = iter(engine.allowed_windows(clock, gaps))
    out = []
    for link in links:
        if link.max_lag_minutes is None:
            out.append(link)
            continue
        window = next(windows)
        words = link_words(link.type, link.lag_minutes, link.max_lag_minutes, per_day)
        pred_name, succ_name = by_id[link.predecessor].name, by_id[link.successor].name
        title = f"{pred_name} → {succ_name}: {words}"
        first, last = window if window is not None else (None, None)
        out.append(replace(link, earliest=first, latest=last, title=title))
    return tuple(out)


def _with_progress(
    tasks: list[GanttTask], progress: list[ProgressRow], done_on: list[dt.date | None]
) -> list[GanttTask]:
    """Rows with their percent complete (summaries rolled up) and whether they slipped:
    a finish (actual, else scheduled) later than the baseline's, by day."""
    percents = rollup_percent(progress)
    out = []
    for task, row, actual in zip(tasks, progress, done_on, strict=True):
        late = False
        if task.baseline_finish is not None and task.kind != GanttKind.SUMMARY:
            finish = actual or task.finish.date()
            late = finish > task.baseline_finish.date()
        out.append(task._replace(percent_complete=percents[row.id], slipped=late))
    return out


def _renderer_row(task: GanttTask) -> GanttRow:
    start, finish = task.start, max(task.finish, task.start)
    base_start, base_finish = task.baseline_start, task.baseline_finish
    if base_start is not None and base_finish is not None and base_finish < base_start:
        base_start = base_finish = None  # a damaged snapshot: draw no shadow rather than fail
    return GanttRow(
        id=task.id,
        wbs=task.wbs,
        name=task.name,
        start=start,
        finish=finish,
        is_milestone=task.kind == GanttKind.MILESTONE,
        is_summary=task.kind == GanttKind.SUMMARY,
        is_critical=task.critical,
        baseline_start=base_start,
        baseline_finish=base_finish,
        level=max(task.level - 1, 0),
        percent_complete=task.percent_complete,
        slipped=task.slipped,
    )


def gantt_chart(
    data: GanttData, *, zoom: str = "week", today: dt.date, data_date: dt.date | None = None
) -> GanttChart:
    """Draw the Gantt (``zoom`` is day, week or month) with the today and data-date lines."""
    if zoom not in ZOOMS:
        raise InvalidInput({"zoom": f"Choose one of: {', '.join(ZOOMS)}."})
    title = f"Gantt chart of {data.project.code} {data.project.name}"
    # Equal aware datetimes in two time zones draw on different days: the zone is in the key.
    zone = timezone.get_current_timezone_name()
    svg, origin = _drawn(
        data.tasks, data.links, zoom, today, data_date, data.project.start_date, title, zone
    )
    return GanttChart(
        svg=svg,
        zoom=zoom,
        origin=origin,
        px_per_day=PX_PER_DAY[zoom],
        table_width=TABLE_W,
    )


@lru_cache(maxsize=4)
def _drawn(
    tasks: tuple[GanttTask, ...],
    links: tuple[GanttDependency, ...],
    zoom: str,
    today: dt.date,
    data_date: dt.date | None,
    project_start: dt.date,
    title: str,
    zone: str,
) -> tuple[str, dt.date]:
    """The chart's SVG and its origin: a pure function of what it draws, so remembered.

    The key is the rows and links themselves (every field, versions included), so a
    chart is never served stale: any change to the plan is a different key. Each
    server process keeps its last few charts, and a plan read again unchanged (the
    team opening the Gantt, a zoom back) is not drawn again.
    """
    scale = cast(Zoom, zoom)
    days = [today, project_start]
    if data_date is not None:
        days.append(data_date)
    for task in tasks:
        days += [task.start.date(), task.finish.date()]
        if task.baseline_start is not None and task.baseline_finish is not None:
            days += [task.baseline_start.date(), task.baseline_finish.date()]
    rows = [_renderer_row(task) for task in tasks]
    drawn_links = [
        GanttLink(
            link.predecessor,
            link.successor,
            LinkType(link.type),
            None if link.earliest is None or link.latest is None else (link.earliest, link.latest),
            link.title,
        )
        for link in links
    ]
    first, last = with_windows(min(days), max(days), drawn_links)
    svg = render_gantt(
        rows,
        drawn_links,
        zoom=scale,
        today=today,
        data_date=data_date,
        window=(first, last),
        title=title,
    )
    return svg, align_window(first, last, scale)[0]


def data_date_of(project: Project, today: dt.date) -> dt.date:
    """The project's data date (status date) when the project manager set one, else today."""
    status_date = (
        ProjectCalendar.objects.filter(project=project).values_list("data_date", flat=True).first()
    )
    return status_date if isinstance(status_date, dt.date) else today
