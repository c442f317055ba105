"""`keystage schedule PLAN` without Typer: load, schedule and write a plan (fast start-up).

The console script runs :func:`run` directly for a plain ``keystage schedule PLAN [-f F]
[-o FILE] [-b NAME]`` (see :mod:`keystage.cli.launch`), so that the common case does not
pay for importing Typer and its Pydantic coercion (about 0.35 s); the Typer command in
:mod:`keystage.cli.schedule` calls the same function. Both decide between a plan file
and a project with :func:`is_plan_path`. This module imports neither Typer nor Django.
"""

from __future__ import annotations

import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keystage.engine.network import Project
    from keystage.engine.result import ActivitySchedule, Schedule

COLUMNS = (
    "id", "name", "kind", "start", "finish", "duration_days", "total_float_days",
    "free_float_days", "critical", "longest_path", "driver", "late_driver", "start_variance_days",
    "finish_variance_days", "early_start", "early_finish", "late_start", "late_finish",
    "duration_minutes", "total_float_minutes", "free_float_minutes", "start_variance_minutes",
    "finish_variance_minutes", "duration_variance_minutes",
)  # fmt: skip

# A project's code (ERP-CLOUD) or id (a UUID), as `keystage schedule PROJECT` takes them.
PROJECT = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9-]{1,19}|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
)


def is_plan_path(word: str) -> bool:
    """Whether ``schedule WORD`` means a plan file: an existing path, or not a project's code."""
    return os.path.exists(word) or PROJECT.fullmatch(word) is None


class OutputFormat(StrEnum):
    """How `keystage schedule` prints the result."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _days(minutes: int | None, per_day: int) -> float | None:
    return None if minutes is None else round(minutes / per_day, 2)


def _row(a: ActivitySchedule, per_day: int) -> dict[str, object]:
    return {
        "id": a.id,
        "name": a.name,
        "kind": a.kind.value,
        "start": a.start.isoformat(timespec="minutes"),
        "finish": a.finish.isoformat(timespec="minutes"),
        "duration_days": _days(a.duration, per_day),
        "total_float_days": _days(a.total_float, per_day),
        "free_float_days": _days(a.free_float, per_day),
        "critical": a.critical,
        "longest_path": a.longest_path,
        "driver": a.driver,
        "late_driver": a.late_driver,
        "start_variance_days": _days(a.start_variance, per_day),
        "finish_variance_days": _days(a.finish_variance, per_day),
        "early_start": a.early_start.isoformat(timespec="minutes"),
        "early_finish": a.early_finish.isoformat(timespec="minutes"),
        "late_start": a.late_start.isoformat(timespec="minutes"),
        "late_finish": a.late_finish.isoformat(timespec="minutes"),
        "duration_minutes": a.duration,
        "total_float_minutes": a.total_float,
        "free_float_minutes": a.free_float,
        "start_variance_minutes": a.start_variance,
        "finish_variance_minutes": a.finish_variance,
        "duration_variance_minutes": a.duration_variance,
    }


def max_lag_rows(project: Project, result: Schedule) -> list[dict[str, object]]:
    """Each link with a maximum lag: its gap in the schedule, in working minutes of the
    project calendar (percent limits converted), and whether the gap is at the limit."""
    from datetime import datetime, time

    from keystage.engine.calendars import CalendarClock
    from keystage.engine.compiler import origin_of
    from keystage.engine.network import LagUnit, LinkType

    rows: list[dict[str, object]] = []
    if not project.has_max_lags:
        return rows
    origin = origin_of(project)
    clock = CalendarClock(project.calendars_by_id[project.calendar], origin)
    midnight = datetime.combine(origin, time())

    def pos(when: datetime) -> int:
        return clock.position(int((when - midnight).total_seconds() // 60))

    for link in project.links:
        if link.max_lag is None:
            continue
        p, s = result[link.pred], result[link.succ]
        before = p.finish if link.type in (LinkType.FS, LinkType.FF) else p.start
        after = s.finish if link.type in (LinkType.FF, LinkType.SF) else s.start
        most = link.max_lag
        if link.lag_unit is LagUnit.PERCENT:
            most = project.activities[project.index[link.pred]].duration * most / 100
        gap = pos(after) - pos(before)
        rows.append(
            {
                "link": link.label,
                "gap_minutes": gap,
                "max_lag_minutes": round(most),
                "at_limit": gap >= round(most),
            }
        )
    return rows


def _as_json(result: Schedule, per_day: int, project: Project) -> str:
    import json

    body: dict[str, object] = {
        "start": result.start.isoformat(timespec="minutes"),
        "finish": result.finish.isoformat(timespec="minutes"),
        "minutes_per_day": per_day,
        "critical_path": list(result.critical_path),
        "longest_path": list(result.longest_path),
        "baseline": result.baseline,
        "activities": [_row(a, per_day) for a in result.activities],
    }
    if project.has_max_lags:
        body["max_lags"] = max_lag_rows(project, result)
    return json.dumps(body, separators=(",", ":"))


def _as_csv(result: Schedule, per_day: int) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for a in result.activities:
        row = _row(a, per_day)
        for key in ("id", "name", "driver", "late_driver"):  # neutralise spreadsheet formulas
            text = str(row[key])
            if text[:1] in ("=", "+", "-", "@"):
                row[key] = "'" + text
        writer.writerow(row)
    return buffer.getvalue()


def _print_table(
    result: Schedule, per_day: int, title: str, output: Path | None, project: Project
) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, caption="● critical   ◆ on the longest path   floats in days")
    wrapping = {"Name", "Driver"}
    for name in ("", "ID", "Name", "Start", "Finish", "Dur", "TF", "FF", "Driver"):
        justify = "right" if name in ("Dur", "TF", "FF") else "left"
        table.add_column(name, justify=justify, no_wrap=name not in wrapping)  # type: ignore[arg-type]
    for a in result.activities:
        mark = ("●" if a.critical else " ") + ("◆" if a.longest_path else " ")
        style = "bold red" if a.critical else None
        table.add_row(
            mark, a.id, a.name,
            f"{a.start:%Y-%m-%d %H:%M}", f"{a.finish:%Y-%m-%d %H:%M}",
            f"{a.duration / per_day:.4g}", f"{a.total_float / per_day:.4g}",
            f"{a.free_float / per_day:.4g}", a.driver, style=style,
        )  # fmt: skip
    summary = (
        f"Start {result.start:%Y-%m-%d %H:%M}  Finish {result.finish:%Y-%m-%d %H:%M}  "
        f"Critical path: {' → '.join(result.critical_path) or '(none)'}"
    )
    for row in max_lag_rows(project, result):
        gap, most = int(row["gap_minutes"]), int(row["max_lag_minutes"])  # type: ignore[call-overload]
        limit = "  (at the limit)" if row["at_limit"] else ""
        summary += (
            f"\nMaximum lag {row['link']}: gap {gap / per_day:.4g} d "
            f"of at most {most / per_day:.4g} d{limit}"
        )
    if output is None:
        console = Console()
        console.print(table)
        console.print(summary)
        return
    with output.open("w", encoding="utf-8") as handle:
        console = Console(file=handle, width=160, color_system=None)
        console.print(table)
        console.print(summary)


def run(
    plan: Path, output_format: OutputFormat, output: Path | None, baseline: str | None
) -> str | None:
    """Schedule a plan file and write the result; returns an error line, or None."""
    from keystage.engine.cpm import schedule
    from keystage.engine.errors import ScheduleError
    from keystage.engine.planfile import PlanError, load_plan

    try:
        project, plan_baseline = load_plan(str(plan))
        result = schedule(project, baseline or plan_baseline)
    except PlanError as exc:
        return f"error: {exc}"
    except (ScheduleError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) else str(exc)
        return f"error: {_locate(plan, exc)}{message}"
    except OSError as exc:
        return f"error: cannot read {plan}: {exc.strerror}"
    calendar = project.calendars_by_id[project.calendar]
    per_day = max(sum(s.minutes for s in day) for day in calendar.week) or 480
    try:
        if output_format is OutputFormat.TABLE:
            title = f"{plan.name}: {len(result.activities)} activities"
            _print_table(result, per_day, title, output, project)
            return None
        if output_format is OutputFormat.JSON:
            text = _as_json(result, per_day, project)
        else:
            text = _as_csv(result, per_day)
        if output is None:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            return None
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        return f"error: cannot write {output}: {exc.strerror}"
    return None


def _locate(plan: Path, exc: Exception) -> str:
    """``plan:line: `` for an engine error that names an activity (first of a cycle)."""
    from keystage.engine.planfile import error_line

    try:
        line = error_line(plan.read_text(encoding="utf-8"), exc)
    except (OSError, UnicodeDecodeError):
        line = None
    return f"{plan}: " if line is None else f"{plan}:{line}: "
