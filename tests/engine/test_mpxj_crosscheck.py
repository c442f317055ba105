"""Cross-check against MPXJ's MicrosoftScheduler (opt-in: ``pytest -m mpxj``)."""

from __future__ import annotations

import collections
from datetime import datetime
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
import numpy as np
import pytest

from keystage.engine.calendars import CalendarClock
from keystage.engine.compiler import origin_of
from keystage.engine.cpm import schedule
from keystage.engine.mspdi import NS, to_mspdi
from keystage.engine.network import Project
from tests.engine import mpxj_oracle
from tests.engine.netgen import position, positions, random_project

pytestmark = [
    pytest.mark.mpxj,
    pytest.mark.skipif(not mpxj_oracle.available(), reason="needs Java, jpype1 and mpxj"),
]

NETWORKS = 240

# MSPDI schema order of the elements we write (subset of mspdi_pj12.xsd).
TASK_ORDER = [
    "UID", "ID", "Name", "Type", "IsNull", "WBS", "OutlineNumber", "OutlineLevel", "Start",
    "Finish", "Duration", "DurationFormat", "Milestone", "Summary", "PercentComplete",
    "ActualStart", "ActualFinish", "ActualDuration", "RemainingDuration", "ConstraintType",
    "CalendarUID", "ConstraintDate", "Deadline", "PredecessorLink", "Baseline",
]  # fmt: skip
PROJECT_ORDER = [
    "SaveVersion", "Name", "Title", "ScheduleFromStart", "StartDate", "CalendarUID",
    "DefaultStartTime", "DefaultFinishTime", "MinutesPerDay", "MinutesPerWeek", "DaysPerMonth",
    "DurationFormat", "HonorConstraints", "MultipleCriticalPaths", "StatusDate", "Calendars",
    "Tasks",
]  # fmt: skip


def _in_order(element: ET.Element, order: list[str]) -> bool:
    ranks = [order.index(child.tag.removeprefix(f"{{{NS}}}")) for child in element]
    return ranks == sorted(ranks)


def test_mspdi_elements_follow_schema_order() -> None:
    project = random_project(np.random.default_rng(7), 20)
    root = SafeET.fromstring(to_mspdi(project))
    assert _in_order(root, PROJECT_ORDER)
    tasks = root.findall(f"{{{NS}}}Tasks/{{{NS}}}Task")
    assert len(tasks) == 21  # project summary + 20
    assert all(_in_order(task, TASK_ORDER) for task in tasks)


def _agreement(projects: list[Project]) -> tuple[int, int, collections.Counter[str]]:
    """Activities whose early/late dates (as positions) and total float match MPXJ."""
    total = same = 0
    differences: collections.Counter[str] = collections.Counter()
    for project in projects:
        ours = schedule(project)
        theirs = mpxj_oracle.schedule_with_mpxj(to_mspdi(project), project.start)
        our_pos = positions(project, ours)
        clock = CalendarClock(project.calendars_by_id[project.calendar], origin_of(project))
        for act in project.activities:
            oracle = theirs[act.id]
            dates = (oracle.early_start, oracle.early_finish, oracle.late_start, oracle.late_finish)
            their_pos = tuple(position(clock, d) for d in dates)
            total += 1
            slack_ok = abs(ours[act.id].total_float - oracle.total_slack_minutes) < 0.5
            if our_pos[act.id] == their_pos and slack_ok:
                same += 1
            else:
                differences[act.constraint.value] += 1
    return same, total, differences


def _networks(count: int, **options: object) -> list[Project]:
    projects = []
    for seed in range(count):
        rng = np.random.default_rng(seed)
        projects.append(random_project(rng, int(rng.integers(8, 40)), **options))  # type: ignore[arg-type]
    return projects


def test_dates_and_float_agree_with_microsoft_scheduler() -> None:
    same, total, differences = _agreement(_networks(NETWORKS))
    print(f"MPXJ agreement: {same}/{total} activities = {same / total:.4%}; {differences}")
    assert total > 5000
    assert same / total >= 0.99
    # The only known difference class: an ALAP activity whose predecessor is also ALAP.
    assert set(differences) <= {"ALAP"}


def test_elapsed_and_percent_lags_agree_with_microsoft_scheduler() -> None:
    projects = _networks(120, mixed=True, features="elapsed,percent", commuting=True)
    same, total, differences = _agreement(projects)
    print(f"MPXJ agreement (elapsed, % lags): {same}/{total} = {same / total:.4%}; {differences}")
    assert total > 2500
    assert same / total >= 0.99


def test_project_finish_matches_on_a_simple_chain() -> None:
    project = random_project(np.random.default_rng(3), 12, constraints=False)
    ours = schedule(project)
    theirs = mpxj_oracle.schedule_with_mpxj(to_mspdi(project), project.start)
    latest = max(t.early_finish for t in theirs.values())
    clock = CalendarClock(project.calendars_by_id[project.calendar], origin_of(project))
    assert position(clock, latest) == position(clock, ours.finish)
    assert isinstance(ours.finish, datetime)
