"""Random project networks for property tests, the MPXJ cross-check and benchmarks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np

from keystage.engine.calendars import Calendar, CalendarClock, CalendarException, Shift
from keystage.engine.compiler import origin_of
from keystage.engine.network import (
    Activity,
    ConstraintType,
    Kind,
    LagUnit,
    Link,
    LinkType,
    Project,
)
from keystage.engine.result import Schedule

START = datetime(2024, 1, 1, 8, 0)
TYPES = list(LinkType)
CONSTRAINTS = [c for c in ConstraintType if c is not ConstraintType.ASAP]


def random_calendar(rng: np.random.Generator) -> Calendar:
    """One of a few shift patterns, with random holidays and an extra working Saturday."""
    pattern = int(rng.integers(3))
    if pattern == 0:
        day = (Shift(480, 720), Shift(780, 1020))
        week = (day,) * 5 + ((), ())
    elif pattern == 1:
        day = (Shift(450, 690), Shift(735, 1005))
        week = (day,) * 4 + ((Shift(450, 690),), (), ())
    else:
        day = (Shift(360, 600), Shift(630, 840))
        week = (day,) * 5 + ((Shift(540, 780),), ())
    holidays = {
        date(2024, 1, 1) + timedelta(days=int(d)) for d in rng.choice(90, size=6, replace=False)
    }
    exceptions = [CalendarException(d) for d in sorted(holidays)]
    saturday = date(2024, 1, 6) + timedelta(weeks=int(rng.integers(1, 8)))
    if saturday not in holidays:
        exceptions.append(CalendarException(saturday, (Shift(540, 780),)))
    return Calendar("cal", week, tuple(exceptions), name="Random calendar")


CREW = Calendar(
    "crew",
    ((Shift(360, 840),),) * 4 + ((), (Shift(420, 1140),), (Shift(420, 1140),)),
    name="Crew: Mon-Thu early, weekends long",
)


def random_project(
    rng: np.random.Generator,
    n: int,
    *,
    constraints: bool = True,
    max_preds: int = 3,
    mixed: bool = False,
    features: str = "calendar,elapsed,percent",
    commuting: bool = False,
) -> Project:
    """A random network on one random calendar with all link types, lags and constraints.

    With ``mixed``, a fifth of the activities work on a crew calendar and some lags are
    elapsed time or a percentage of the predecessor's duration. With ``commuting``,
    elapsed lags stay off FF/SF links and SF links between calendars get no lag: there,
    MS Project applies the lag and the successor's duration in the other order.
    """
    calendar = random_calendar(rng)
    acts = []
    for i in range(n):
        milestone = rng.random() < 0.1
        duration = 0 if milestone else int(rng.integers(1, 160)) * 15
        kind, cdate = ConstraintType.ASAP, None
        if constraints and rng.random() < 0.15:
            kind = CONSTRAINTS[int(rng.integers(len(CONSTRAINTS)))]
            if kind is not ConstraintType.ALAP:
                offset = int(rng.integers(3, 40))
                if kind in (ConstraintType.FNET, ConstraintType.FNLT, ConstraintType.MFO):
                    offset += duration // 360 + 2
                day = START.date() + timedelta(days=offset)
                cdate = datetime.combine(day, time(int(rng.integers(8, 17))))
        acts.append(
            Activity(
                f"T{i}",
                duration=duration,
                kind=Kind.MILESTONE if milestone else Kind.TASK,
                constraint=kind,
                constraint_date=cdate,
                calendar="crew"
                if mixed and rng.random() < 0.2 and "calendar" in features
                else None,
            )
        )
    links = []
    for j in range(1, n):
        count = int(rng.integers(0, max_preds + 1))
        for p in sorted(set(rng.integers(0, j, size=count).tolist())):
            lag = 0 if rng.random() < 0.5 else int(rng.integers(-16, 40)) * 30
            unit, draw = LagUnit.WORKING, rng.random()
            if mixed and lag and draw < 0.2 and "elapsed" in features:
                unit = LagUnit.ELAPSED
            elif mixed and lag and draw < 0.35 and "percent" in features:
                unit, lag = LagUnit.PERCENT, int(rng.integers(-2, 6)) * 20  # whole minutes
            kind = TYPES[int(rng.integers(4))]
            if commuting and kind in (LinkType.FF, LinkType.SF):
                # keep out the lag/duration orders where MS Project differs (docs/scheduling.md)
                if unit is LagUnit.ELAPSED:
                    unit = LagUnit.WORKING
                if kind is LinkType.SF and acts[p].calendar != acts[j].calendar:
                    lag = 0
            links.append(Link(f"T{p}", f"T{j}", kind, lag, unit))
    calendars = (calendar, CREW) if mixed else (calendar,)
    return Project(START, tuple(acts), tuple(links), calendars, "cal")


def positions(project: Project, result: Schedule) -> dict[str, tuple[int, int, int, int]]:
    """Early/late start/finish of each activity as project-calendar positions."""
    clock = CalendarClock(project.calendars_by_id[project.calendar], origin_of(project))
    return {
        a.id: tuple(  # type: ignore[misc]
            position(clock, d) for d in (a.early_start, a.early_finish, a.late_start, a.late_finish)
        )
        for a in result.activities
    }


def position(clock: CalendarClock, when: datetime) -> int:
    """Project-calendar position of a datetime."""
    origin = datetime.combine(clock.origin, time())
    return clock.position(int((when - origin).total_seconds() // 60))
