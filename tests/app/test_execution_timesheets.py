"""Timesheets through the services: every rule as a field error with nothing written, the
week's life (draft → submitted → approved / rejected), pricing at the rate of the day, and
the labour actuals for costs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keystage.core.errors import Conflict, Forbidden, InvalidInput
from keystage.core.models import AuditEntry
from keystage.execution.models import TimeEntry, Timesheet
from keystage.execution.selectors import timesheets as selectors
from keystage.execution.services import timesheets as services
from keystage.planning.models import Assignment
from keystage.portfolio.models import Project
from keystage.resources import services as resources
from keystage.resources.models import CostRate
from keystage.resources.rates import rate_book
from tests.app.timesheet_world import MONDAY, TODAY, plan

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def tasks(world, monkeypatch):
    return plan(world, monkeypatch)


def _log(world, task, day=MONDAY, hours="8", who=None, project=None):
    return services.time_entry_create(
        who=who or world.a["team_member"],
        project=project or world.project_a,
        data={"task": str(task.public_id), "day": day, "hours": hours, "note": "work"},
    )


def _refused(field, call, *args, **kwargs):
    before = (TimeEntry.objects.count(), Timesheet.objects.count(), AuditEntry.objects.count())
    with pytest.raises(InvalidInput) as caught:
        call(*args, **kwargs)
    assert field in caught.value.errors, caught.value.errors
    after = (TimeEntry.objects.count(), Timesheet.objects.count(), AuditEntry.objects.count())
    assert after == before
    return " ".join(caught.value.errors[field])


def test_logging_time_creates_a_draft_week_and_journals_it(world, tasks):
    entry = _log(world, tasks.build, hours="7.5")
    assert (entry.hours, entry.day, entry.person) == (D("7.5"), MONDAY, world.a["team_member"])
    sheet = entry.timesheet
    assert (sheet.week_start, sheet.status, sheet.project) == (MONDAY, "draft", world.project_a)
    journal = AuditEntry.objects.filter(object_type="timeentry").get()
    assert "Logged 7.5 h on 'Build'" in journal.summary
    assert Timesheet.objects.get(pk=sheet.pk).version == 2  # the week moved with its entry


@pytest.mark.parametrize(
    ("hours", "message"),
    [("-1", "negative"), ("0", "more than 0"), ("24.5", "24 hours"), ("1.234", "hundredth")],
)
def test_bad_hours_are_refused(world, tasks, hours, message):
    assert message in _refused("hours", _log, world, tasks.build, hours=hours)


def test_more_than_24_hours_a_day_across_projects_is_refused(world, tasks):
    dev = world.a["team_member"]
    from keystage.portfolio import services as portfolio

    portfolio.member_add(who=world.admin, project=world.project_b, user=dev, role="team_member")
    Assignment.objects.create(
        project=world.project_b, task=tasks.b_task, person=dev, units_percent=50
    )
    _log(world, tasks.build, hours="10")
    _log(world, tasks.test, hours="6")
    text = _refused("hours", _log, world, tasks.b_task, hours="9", project=world.project_b)
    assert "25 h in all" in text
    _log(world, tasks.b_task, hours="8", project=world.project_b)  # exactly 24 is fine


def test_only_assigned_leaf_tasks_unless_the_project_allows(world, tasks):
    assert "not assigned" in _refused("task", _log, world, tasks.docs)
    assert "summary task" in _refused("task", _log, world, tasks.phase)
    services.settings_save(
        who=world.a["project_manager"], project=world.project_a, version=None, allow_unassigned=True
    )
    assert _log(world, tasks.docs).task == tasks.docs
    assert "summary task" in _refused("task", _log, world, tasks.phase)


def test_days_before_the_start_or_in_the_future_are_refused(world, tasks):
    assert "before PRJ-A starts" in _refused(
        "day", _log, world, tasks.build, day=dt.date(2027, 1, 1)
    )
    assert "future" in _refused("day", _log, world, tasks.build, day=TODAY + dt.timedelta(1))
    assert _log(world, tasks.build, day=TODAY).day == TODAY


@pytest.mark.parametrize("status", ["cancelled", "completed"])
def test_no_time_on_a_closed_project(world, tasks, status):
    Project.objects.filter(pk=world.project_a.pk).update(status=status)
    world.project_a.refresh_from_db()
    # one definition (``portfolio.access.is_closed``): the chokepoint makes it read-only (403)
    with pytest.raises(Forbidden, match=status):
        _log(world, tasks.build)
    # and the time rules, which the CSV import runs as the system, refuse it with a field error
    from keystage.execution.services.timesheet_rules import Candidate, check_entries

    found = check_entries(
        [Candidate(world.a["team_member"].pk, world.project_a, tasks.build, MONDAY, D(2))],
        today=TODAY,
    )
    assert (0, "project", f"PRJ-A is {status}; its records can be read but not changed.") in found


def test_one_entry_per_task_and_day(world, tasks):
    _log(world, tasks.build)
    assert "already time" in _refused("day", _log, world, tasks.build, hours="1")


def test_another_projects_task_is_refused(world, tasks):
    assert "PRJ-A" in _refused("task", _log, world, tasks.b_task)
    with pytest.raises(Forbidden):  # a stakeholder records no work
        _log(world, tasks.build, who=world.a["stakeholder"])


def _submitted(world, tasks):
    _log(world, tasks.build, hours="8")
    entry = _log(world, tasks.test, day=MONDAY + dt.timedelta(2), hours="4")
    sheet = Timesheet.objects.get(pk=entry.timesheet_id)
    return services.timesheet_submit(
        who=world.a["team_member"], timesheet=sheet, version=sheet.version
    )


def test_submitted_and_approved_weeks_are_locked(world, tasks):
    sheet = _submitted(world, tasks)
    assert sheet.status == "submitted" and sheet.submitted_at is not None
    assert "locked" in _refused("day", _log, world, tasks.build, day=MONDAY + dt.timedelta(1))
    entry = TimeEntry.objects.filter(timesheet=sheet).first()
    assert "locked" in _refused(
        "day",
        services.time_entry_update,
        who=world.a["team_member"],
        entry=entry,
        version=entry.version,
        changes={"hours": "1"},
    )
    sheet = services.timesheet_approve(
        who=world.a["project_manager"], timesheet=sheet, version=sheet.version
    )
    assert "approved" in _refused("day", _log, world, tasks.build, day=MONDAY + dt.timedelta(1))
    with pytest.raises(InvalidInput):
        services.week_save(
            who=world.a["team_member"],
            project=world.project_a,
            week=MONDAY,
            version=sheet.version,
            rows=[],
        )
    _log(world, tasks.build, day=MONDAY + dt.timedelta(7))  # the next week is open


def test_approval_prices_each_day_at_its_rate(world, tasks):
    dev = world.a["team_member"]
    profile = dev.resource_profile
    resources.profile_update(
        who=world.admin,
        person=dev,
        version=profile.version,
        changes={"cost_rate": 100, "rate_from": MONDAY + dt.timedelta(2)},
    )
    assert [
        r for _, r in CostRate.objects.filter(user=dev).values_list("effective_from", "rate")
    ] == [D(80), D(100)]
    book = rate_book([dev.pk])
    assert (book.rate(dev.pk, MONDAY), book.rate(dev.pk, MONDAY + dt.timedelta(2))) == (
        D(80),
        D(100),
    )
    sheet = _submitted(world, tasks)
    assert selectors.approved_labour(world.project_a.pk) == []  # submitted is not approved
    services.timesheet_approve(
        who=world.a["project_manager"], timesheet=sheet, version=sheet.version
    )
    labour = selectors.approved_labour(world.project_a.pk)
    assert [(c.day, c.task_id, c.hours, c.amount) for c in labour] == [
        (MONDAY, tasks.build.pk, D("8.00"), D("640.00")),
        (MONDAY + dt.timedelta(2), tasks.test.pk, D("4.00"), D("400.00")),
    ]
    assert labour[0].person_id == dev.pk
    assert selectors.labour_by_month(world.project_a.pk) == {dt.date(2027, 1, 1): D("1040.00")}
    # A later correction of the rate history does not change what was approved.
    CostRate.objects.filter(user=dev).update(rate=1)
    assert sum(c.amount for c in selectors.approved_labour(world.project_a.pk)) == D("1040.00")
    journal = AuditEntry.objects.filter(object_type="timesheet").order_by("pk").last()
    assert "Approved the week of" in journal.summary and "12 h" in journal.summary
    # The budget's actual cost counts the approved labour in its month, as labour.
    from keystage.costs.actuals import actual_costs

    actual = actual_costs(Project.objects.get(pk=world.project_a.pk))
    assert actual.by_month[dt.date(2027, 1, 1)]["labour"] == D("1040.00")
    assert actual.by_category["labour"] == D("1040.00") and actual.total == D("1040.00")


def test_only_the_projects_manager_approves_and_never_their_own(world, tasks):
    sheet = _submitted(world, tasks)
    for who in (world.a["team_member"], world.a["sponsor"], world.b["project_manager"]):
        with pytest.raises(Exception) as caught:
            services.timesheet_approve(who=who, timesheet=sheet, version=sheet.version)
        assert type(caught.value).__name__ in ("Forbidden", "NotFound")
    pm = world.a["project_manager"]
    own = _log(world, tasks.build, who=pm).timesheet
    own = services.timesheet_submit(
        who=pm, timesheet=Timesheet.objects.get(pk=own.pk), version=own.version + 1
    )
    with pytest.raises(Forbidden):
        services.timesheet_approve(who=pm, timesheet=own, version=own.version)
    assert (
        services.timesheet_approve(who=world.admin, timesheet=own, version=own.version).status
        == "approved"
    )


def test_rejection_needs_a_reason_and_reopens_the_week(world, tasks):
    sheet = _submitted(world, tasks)
    pm = world.a["project_manager"]
    assert "why" in _refused(
        "reason",
        services.timesheet_reject,
        who=pm,
        timesheet=sheet,
        version=sheet.version,
        reason=" ",
    )
    sheet = services.timesheet_reject(
        who=pm, timesheet=sheet, version=sheet.version, reason="Test was Tuesday"
    )
    assert (sheet.status, sheet.reason, sheet.decided_by) == ("rejected", "Test was Tuesday", pm)
    entry = TimeEntry.objects.get(timesheet=sheet, task=tasks.test)
    services.time_entry_update(
        who=world.a["team_member"],
        entry=entry,
        version=entry.version,
        changes={"day": MONDAY + dt.timedelta(1)},
    )
    sheet = Timesheet.objects.get(pk=sheet.pk)
    sheet = services.timesheet_submit(
        who=world.a["team_member"], timesheet=sheet, version=sheet.version
    )
    assert (sheet.status, sheet.reason, sheet.decided_by) == ("submitted", "", None)
    assert "already submitted" in _refused(
        "status",
        services.timesheet_submit,
        who=world.a["team_member"],
        timesheet=sheet,
        version=sheet.version,
    )


def test_empty_week_cannot_be_submitted_nor_someone_elses(world, tasks):
    entry = _log(world, tasks.build)
    sheet = Timesheet.objects.get(pk=entry.timesheet_id)
    with pytest.raises(Forbidden):
        services.timesheet_submit(
            who=world.a["project_manager"], timesheet=sheet, version=sheet.version
        )
    services.time_entry_delete(who=world.a["team_member"], entry=entry, version=entry.version)
    sheet = Timesheet.objects.get(pk=sheet.pk)
    assert "no time" in _refused(
        "status",
        services.timesheet_submit,
        who=world.a["team_member"],
        timesheet=sheet,
        version=sheet.version,
    )


def test_week_grid_replaces_the_week_in_one_go(world, tasks):
    dev = world.a["team_member"]
    grid = [
        services.GridRow(str(tasks.build.public_id), ["8", "8", "", None, "0", "", ""], "coding"),
        services.GridRow(str(tasks.test.public_id), ["", "", "4", "", "", "", ""], ""),
    ]
    sheet = services.week_save(
        who=dev, project=world.project_a, week=MONDAY + dt.timedelta(3), version=None, rows=grid
    )
    assert sheet.week_start == MONDAY
    assert sorted(TimeEntry.objects.values_list("day", "hours", "note")) == [
        (MONDAY, D("8.00"), "coding"),
        (MONDAY + dt.timedelta(1), D("8.00"), "coding"),
        (MONDAY + dt.timedelta(2), D("4.00"), ""),
    ]
    week = selectors.week_view(who=dev, project=world.project_a, day=MONDAY)
    assert (week.total, week.day_totals[:3], [r.total for r in week.rows]) == (
        D(20),
        [D(8), D(8), D(4)],
        [D(16), D(4), D(0)],
    )
    with pytest.raises(Conflict):
        services.week_save(
            who=dev, project=world.project_a, week=MONDAY, version=sheet.version - 1, rows=[]
        )
    bad = [services.GridRow(str(tasks.build.public_id), ["-2", "x", "", "", "", "", "30"], "")]
    text = _refused(
        "hours",
        services.week_save,
        who=dev,
        project=world.project_a,
        week=MONDAY,
        version=sheet.version,
        rows=bad,
    )
    assert "Build" in text and "Tue 12 Jan 2027" in text
    sheet = services.week_save(
        who=dev, project=world.project_a, week=MONDAY, version=sheet.version, rows=grid[:1]
    )
    assert TimeEntry.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="timesheet").count() == 2


def test_totals_by_task_person_and_week(world, tasks):
    _submitted(world, tasks)
    _log(world, tasks.build, who=world.a["project_manager"], hours="2")
    totals = selectors.totals(who=world.a["project_manager"], project=world.project_a)
    assert [(r.label, r.hours) for r in totals.by_task] == [("1 Build", D(10)), ("2 Test", D(4))]
    assert sorted(r.hours for r in totals.by_person) == [D(2), D(12)]
    assert [(r.key, r.hours) for r in totals.by_week] == [(MONDAY.isoformat(), D(14))]
    mine = selectors.totals(who=world.a["team_member"], project=world.project_a)
    assert mine.hours == D(12)  # a team member sees only their own time


def test_rate_changes_are_recorded_as_history(world):
    dev = world.a["team_member"]
    profile = resources.profile_update(
        who=world.admin, person=dev, version=None, changes={"cost_rate": 50}
    )
    profile = resources.profile_update(
        who=world.admin, person=dev, version=profile.version, changes={"job_title": "Dev"}
    )
    assert CostRate.objects.filter(user=dev).count() == 1
    resources.profile_update(
        who=world.admin, person=dev, version=profile.version, changes={"cost_rate": 60}
    )
    rows = list(CostRate.objects.filter(user=dev).values_list("rate", flat=True))
    assert rows == [D(50), D(60)]
    with pytest.raises(InvalidInput) as caught:
        resources.profile_update(
            who=world.admin,
            person=dev,
            version=profile.version + 1,
            changes={"cost_rate": 70, "rate_from": "soon"},
        )
    assert "rate_from" in caught.value.errors
