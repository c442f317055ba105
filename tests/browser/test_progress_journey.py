"""Journey: a team member starts their task and records 40 % from the Progress tab; the PM
sets the data date and reschedules from it; the Gantt shows the progress bar, the
data-date line and the slipped tasks. Screenshots: test-artifacts/browser/progress-*.png."""

from __future__ import annotations

import datetime as dt

import pytest

from keystage.execution.services import progress
from keystage.planning.models import Assignment, Task
from keystage.planning.services import baselines, wbs
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2027, 2, 15)


def test_team_member_records_progress_pm_reschedules_gantt_shows_it(page, world, monkeypatch):
    monkeypatch.setattr(progress, "today", lambda: TODAY)
    rows = [
        {"name": "Build", "outline_level": 1},
        {"name": "Design", "outline_level": 2, "duration_minutes": 2400},
        {"name": "Develop", "outline_level": 2, "duration_minutes": 2400},
        {"name": "Release", "outline_level": 2, "kind": "milestone"},
    ]
    links = [(1, 2, "FS", 0), (2, 3, "FS", 0)]
    pm = world.a["project_manager"]
    wbs.plan_append(who=pm, project=world.project_a, rows=rows, links=links)
    tasks = {t.name: t for t in Task.objects.filter(project=world.project_a)}
    Assignment.objects.create(
        project=world.project_a, task=tasks["Design"], person=world.a["team_member"]
    )
    baselines.baseline_capture(who=pm, project=world.project_a)
    base = f"/projects/{world.project_a.public_id}/progress/"

    sign_in(page, "dev_a", PASSWORD)
    page.goto(base)
    assert page.locator("#progress-table button[value=start]").count() == 1  # own task only
    page.click(f"#progress-{tasks['Design'].public_id} button[value=start]")
    page.wait_for_selector(".flash")
    assert "In progress" in page.inner_text(f"#progress-{tasks['Design'].public_id}")
    # The row's form as its own page (what the Update… link opens without htmx).
    page.goto(f"{base}tasks/{tasks['Design'].public_id}/")
    form = f"#progress-form-{tasks['Design'].public_id}"
    page.fill(f"{form} [name=percent_complete]", "140")
    page.click(f"{form} button[value=save]")
    page.wait_for_selector(f"{form} .field-error")
    assert "100" in page.inner_text(f"{form} .field-error")
    page.fill(f"{form} [name=percent_complete]", "40")
    page.fill(f"{form} [name=actual_start]", "2027-02-08")
    page.click(f"{form} button[value=save]")
    page.wait_for_selector(f"#progress-{tasks['Design'].public_id} >> text=40 %")
    assert Task.objects.get(pk=tasks["Design"].pk).percent_complete == 40
    shot(page, "progress-01-team-member")

    page.context.clear_cookies()
    sign_in(page, "pm_a", PASSWORD)
    page.goto(base)
    page.fill("#data-date-form [name=data_date]", "2027-02-12")
    page.click("#data-date-form >> text=Set data date")
    page.wait_for_selector(".flash")
    assert "12 Feb 2027" in page.inner_text("#data-date-value")
    page.click("#reschedule-btn")
    page.wait_for_selector(".flash >> text=Rescheduled")
    assert page.inner_text("#slipped-count") == "3"
    shot(page, "progress-02-pm-data-date")

    page.click("nav.tabs >> text=Gantt")
    page.wait_for_selector("#gantt svg")
    svg = page.inner_html("#gantt")
    assert "Data date 2027-02-12" in svg
    assert "Design — 40 % complete" in svg
    assert page.locator("#gantt .ks-slipped").count() == 3
    shot(page, "progress-03-gantt")
