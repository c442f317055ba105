"""Journey (issue 19): everyday editing behaves. A double click saves one goal and the page
says so; one submit shows every error of the equipment form, with the focus on the first;
messages speak the user's units; the WBS grid shows assigned work; the history filters by
person; the Gantt moves the selected task from the keyboard and short bars can be grabbed.
Screenshots: test-artifacts/browser/editing-*.png."""

from __future__ import annotations

import datetime as dt

import pytest

from keystage.planning.models import Goal, Task
from keystage.planning.services import goals, wbs
from keystage.resources.models import Equipment
from tests.app.test_everyday_editing import assigned_task
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _url(world, rest: str) -> str:
    return f"/projects/{world.project_a.public_id}/{rest}"


def test_double_click_on_a_standalone_editor_saves_one_goal(page, world):
    sign_in(page, "pm_a", PASSWORD)
    page.goto(_url(world, "goals/new/"))
    page.fill("input[name=title]", "Faster closing")
    page.fill("input[name=metric]", "Closing time")
    page.fill("input[name=baseline_value]", "4")
    page.fill("input[name=target_value]", "1.5")
    page.dblclick("main button:text('Save')")
    page.wait_for_url("**/goals/#goals-section")
    page.wait_for_selector(".messages >> text=Goal saved.")
    assert Goal.objects.filter(project=world.project_a).count() == 1
    assert page.locator("#goals tr[data-goal='Faster closing']").count() == 1
    shot(page, "editing-01-one-goal")


def test_one_submit_shows_every_error_and_focuses_the_first(page, world):
    sign_in(page, "pm_a", PASSWORD)
    page.goto(_url(world, "team/equipment/new/"))
    page.fill("input[name=name]", "Projector")
    page.fill("input[name=quantity]", "0")
    page.fill("input[name=unit_cost]", "-5")
    page.select_option("select[name=cost_basis]", "per_day")
    page.click("main button:text('Save')")
    page.wait_for_selector(".field-error")
    errors = page.locator(".field-error").all_inner_texts()
    text = " ".join(errors)
    assert "At least one." in text  # the model
    assert "never negative" in text  # the model (amount)
    assert "A per-day cost needs the first and last day it is needed." in text  # the service
    assert len(errors) >= 3
    focused = page.evaluate("document.activeElement && document.activeElement.name")
    first = page.locator(".has-error input, .has-error select").first.get_attribute("name")
    assert focused == first
    described = page.locator("input[name=quantity]").get_attribute("aria-describedby") or ""
    assert "id_quantity_error" in described
    assert page.locator("#id_quantity_error").inner_text().endswith("At least one.")
    assert Equipment.objects.count() == 0
    shot(page, "editing-02-all-errors")


def test_messages_speak_the_users_units(page, world):
    sign_in(page, "pm_a", PASSWORD)
    page.goto(_url(world, "initiation/stakeholders/new/"))
    page.fill("input[name=name]", "CFO")
    page.fill("input[name=role]", "Finance")
    page.fill("input[name=influence]", "0")
    page.fill("input[name=interest]", "-1")
    page.click("main button:text('Save')")
    page.wait_for_selector(".field-error")
    errors = page.locator(".field-error").all_inner_texts()
    # Each message says "Error:" to a screen reader first (visually hidden).
    shown = [" ".join(e.split()).removeprefix("Error: ") for e in errors]
    assert shown == ["Enter a number from 1 to 10."] * 2

    # The description is refused when too long, never cut by the browser.
    page.goto(_url(world, "edit/"))
    area = page.locator("textarea[name=description]")
    assert area.get_attribute("maxlength") is None
    area.fill("x" * 5001)
    page.click("main button[type=submit]")
    page.wait_for_selector(".field-error")
    assert "at most 5000 characters (it has 5001)" in page.inner_text(".field-error")

    # A duration beyond the limit is quoted in working days, as typed.
    wbs.task_create(who=world.a["project_manager"], project=world.project_a, data={"name": "Build"})
    page.goto(_url(world, "plan/"))
    page.wait_for_selector("#wbs-toolbar:not([hidden])")
    page.click("#wbs-body tr[data-name='Build'] td[data-field=wbs]")
    for _ in range(3):  # name, kind, duration
        page.keyboard.press("ArrowRight")
    page.keyboard.type("20000d")
    page.keyboard.press("Enter")
    note = page.wait_for_selector("#cell-note").inner_text()
    assert note == "A duration is at most 10,950 working days.", note
    assert "5256000" not in note and "minutes" not in note
    shot(page, "editing-03-units")


def test_wbs_work_column_shows_the_assigned_hours(page, world):
    assigned_task(world)
    sign_in(page, "pm_a", PASSWORD)
    page.goto(_url(world, "plan/"))
    cell = page.locator("#wbs-body tr[data-name='Build'] td[data-field=work] .v")
    assert cell.inner_text() == "24h"
    shot(page, "editing-04-work-column")


def test_history_filters_by_person_and_type_and_shows_names(page, world):
    pm, dev = world.a["project_manager"], world.a["team_member"]
    goals.goal_create(
        who=pm,
        project=world.project_a,
        data={
            "title": "Faster closing",
            "metric": "Closing time",
            "baseline_value": 4,
            "target_value": 1,
            "due_date": dt.date(2027, 6, 30),
        },
    )
    wbs.task_create(who=pm, project=world.project_a, data={"name": "Build"})
    sign_in(page, "pm_a", PASSWORD)
    page.goto(_url(world, "history/"))
    rows = page.locator("#history tbody tr")
    everything = rows.count()
    assert everything >= 2
    page.select_option("select[name=record_type]", label="Goal")
    page.click("#history-filter button:text('Filter')")
    page.wait_for_url("**record_type=goal**")
    assert rows.count() == 1
    assert "Faster closing" in rows.first.inner_text()
    assert "Due date: 30 Jun 27" in rows.first.inner_text()  # labels and UI dates
    page.select_option("select[name=record_type]", label="All records")
    page.select_option("select[name=person]", label=pm.display_name)
    page.click("#history-filter button:text('Filter')")
    page.wait_for_url("**person=**")
    assert rows.count() >= 2
    assert dev.display_name not in page.inner_text("#history tbody")
    page.fill("input[name=since]", "2027-02-01")
    page.fill("input[name=until]", "2027-01-01")
    page.click("#history-filter button:text('Filter')")
    page.wait_for_selector(".field-error >> text=must not be before")
    shot(page, "editing-05-history")


def test_gantt_keyboard_moves_the_selected_task_and_short_bars_are_grabbed(page, world):
    pm = world.a["project_manager"]
    wbs.plan_append(
        who=pm,
        project=world.project_a,
        rows=[
            {"name": "Kick-off", "duration_minutes": 480},
            {"name": "Build", "duration_minutes": 960},
        ],
        links=[],
    )
    build = Task.objects.get(project=world.project_a, name="Build")
    sign_in(page, "pm_a", PASSWORD)
    page.goto(_url(world, "gantt/?zoom=week"))
    page.wait_for_selector("#gantt svg")
    bar = page.locator(f"#gantt [data-task-id='{build.public_id}']").bounding_box()
    assert bar is not None and bar["width"] < 16  # two days at week zoom
    # Pressing just beside the short bar still grabs it: it becomes the selected task.
    page.mouse.click(bar["x"] + bar["width"] + 3, bar["y"] + bar["height"] / 2)
    page.wait_for_selector(f"#gantt [data-task-id='{build.public_id}'].ks-selected")
    page.focus("#gantt-chart")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert "start no earlier than" in page.inner_text("#gantt-status")
    page.keyboard.press("Enter")
    page.wait_for_selector("#gantt-status.ok")
    build.refresh_from_db()
    assert build.constraint_type == "SNET"
    assert build.constraint_date == dt.date(2027, 1, 6)
    assert "6 Jan 27" in page.inner_text("#gantt-status")
    shot(page, "editing-06-gantt-keyboard")
