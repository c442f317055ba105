"""The approved-labour summaries (execution.models.labour) agree with the approved entries after
every approval, reopening and edit made over HTTP, and earned value's cut at the data date
takes the approved time after it away from each task exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from keystage.control.selectors.evm_records import _approved_labour
from keystage.execution.models import ApprovedLabourDay, ApprovedLabourTask, TimeEntry
from keystage.execution.services import labour
from tests.app.timesheet_world import MONDAY, plan

pytestmark = pytest.mark.django_db
EARLIER = MONDAY - dt.timedelta(days=7)


def _summed(project, key):
    """What the summary should say: the approved entries summed by ``key``, in hundredths."""
    rows = (
        TimeEntry.objects.filter(project=project, timesheet__status="approved")
        .values(key)
        .annotate(a=Sum("amount"), h=Sum("hours"))
        .order_by(key)
    )
    return {r[key]: (int(r["a"] * 100), int(r["h"] * 100)) for r in rows}


def _kept(model, project, key):
    rows = model.objects.filter(project=project, centihours__gt=0).order_by(key)
    return {getattr(r, key): (r.cents, r.centihours) for r in rows}


def _agrees(project):
    by_day, by_task = _summed(project, "day"), _summed(project, "task_id")
    assert _kept(ApprovedLabourDay, project, "day") == by_day
    assert _kept(ApprovedLabourTask, project, "task_id") == by_task
    return by_day, by_task


def _week(dev, base, monday, rows, version=None):
    body = {"rows": rows} | ({"version": version} if version else {})
    saved = dev.put(f"{base}timesheets/week/{monday}/", body, format="json")
    assert saved.status_code == 200, saved.json()
    return saved.json()


def _decide(client, base, sheet, action, **extra):
    version = client.get(f"{base}timesheets/{sheet}/").json()["version"]
    done = client.post(
        f"{base}timesheets/{sheet}/{action}/", {"version": version, **extra}, format="json"
    )
    assert done.status_code == 200, done.json()


def test_the_summary_follows_approve_reopen_edit_and_the_data_date_cut(world, monkeypatch, api):
    tasks = plan(world, monkeypatch)
    project = world.project_a
    base = f"/api/v1/projects/{project.public_id}/"
    dev, pm = api(world.a["team_member"]), api(world.a["project_manager"])
    build, test = str(tasks.build.public_id), str(tasks.test.public_id)
    first = _week(
        dev,
        base,
        EARLIER,
        [
            {"task": build, "hours": ["8", "7.5", None, None, "1.25", None, None]},
            {"task": test, "hours": [None, "0.5", "4", None, None, None, None]},
        ],
    )
    second = _week(
        dev, base, MONDAY, [{"task": build, "hours": ["2", "3", None, None, None, None, None]}]
    )
    for sheet in (first["id"], second["id"]):
        _decide(dev, base, sheet, "submit")
        _decide(pm, base, sheet, "approve")
    by_day, by_task = _agrees(project)
    # dev_a costs 80 an hour: 8 + 7.5 + 1.25 + 2 + 3 = 21.75 h on Build
    assert by_task[tasks.build.pk] == (174000, 2175)
    assert by_day[EARLIER + dt.timedelta(days=1)] == (64000, 800)  # 7.5 + 0.5 h

    _decide(pm, base, first["id"], "reopen", reason="Tuesday is wrong")
    _, by_task = _agrees(project)
    assert by_task == {tasks.build.pk: (40000, 500)}
    reopened = dev.get(f"{base}timesheets/week/{EARLIER}/").json()
    _week(
        dev,
        base,
        EARLIER,
        [{"task": test, "hours": ["6", None, "4", None, None, None, None]}],
        version=reopened["version"],
    )
    _decide(dev, base, first["id"], "submit")
    _decide(pm, base, first["id"], "approve")
    by_day, by_task = _agrees(project)
    assert by_task == {tasks.build.pk: (40000, 500), tasks.test.pk: (80000, 1000)}
    assert EARLIER + dt.timedelta(days=1) not in by_day

    # Earned value's cut: Tuesday of the second week keeps Monday's 2 h on Build and the
    # whole first week; the 3 h after it leave Build's total. A cut before any time: nothing.
    cut = MONDAY
    days, per_task = _approved_labour([project.pk], {project.pk: cut})
    assert days[project.pk] == [(d, c / 100) for d, (c, _) in by_day.items() if d <= cut]
    assert sorted(per_task[project.pk]) == sorted([(tasks.build.pk, 160.0), (tasks.test.pk, 800.0)])
    assert _approved_labour([project.pk], {project.pk: EARLIER - dt.timedelta(days=1)}) == (
        {project.pk: []},
        {project.pk: []},
    )

    # A rebuild from the entries (bulk loads, repair) lands on the same rows.
    ApprovedLabourDay.objects.filter(project=project).update(cents=1)
    labour.rebuild([project.pk])
    assert _agrees(project) == (by_day, by_task)
    assert TimeEntry.objects.filter(project=project, amount=Decimal("480.00")).count() == 1
