"""Journey: the PM opens the Gantt, drags a bar to move a task (it gets a 'start no earlier
than' constraint, as in MS Project), drags a bar's right end to lengthen another, meets a
conflict with someone else's edit, and a stakeholder finds a chart that does not move.
Screenshots: test-artifacts/browser/gantt-*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from keystage.planning.models import Task
from keystage.planning.services import wbs
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY_PX = 26  # day zoom


def _plan(world) -> dict[str, Task]:
    rows = [
        {"name": "Build", "outline_level": 1},
        {"name": "Design", "outline_level": 2, "duration_minutes": 960},
        {"name": "Write the user guide", "outline_level": 2, "duration_minutes": 960},
        {"name": "Develop", "outline_level": 2, "duration_minutes": 2400},
        {"name": "Test", "outline_level": 2, "duration_minutes": 1440},
        {"name": "Release", "outline_level": 2, "kind": "milestone"},
    ]
    # Release follows Test by at most a day (a maximum lag).
    links = [(1, 2, "FS", 0), (1, 3, "FS", 0), (3, 4, "FS", 0), (4, 5, "FS", 0, 480)]
    wbs.plan_append(who=world.a["project_manager"], project=world.project_a, rows=rows, links=links)
    return {t.name: t for t in Task.objects.filter(project=world.project_a)}


def _drag(page, selector: str, *, days: int, from_right_edge: bool = False) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None
    x = box["x"] + (box["width"] - 2 if from_right_edge else min(8, box["width"] / 2))
    y = box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + days * DAY_PX, y, steps=10)
    page.mouse.up()


def _bar(task: Task) -> str:
    return f"#gantt [data-task-id='{task.public_id}']"


def test_drag_a_bar_to_move_and_resize_tasks(page, world):
    tasks = _plan(world)
    guide, develop = tasks["Write the user guide"], tasks["Develop"]
    assert guide.start_at.date() == dt.date(2027, 1, 6)  # after Design (Mon–Tue)
    assert not guide.is_critical and guide.constraint_type == "ASAP"

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{world.project_a.public_id}/")
    page.click("nav.tabs >> text=Gantt")
    page.click(".gantt-zoom >> text=Day")
    page.wait_for_selector("#gantt[data-zoom=day] svg")
    assert page.locator("#gantt [data-task-id]").count() == len(tasks)
    shot(page, "gantt-01-day-zoom")

    # Move: five days to the right lands on Monday 11 January.
    before = page.locator(_bar(guide)).bounding_box()
    _drag(page, _bar(guide), days=5)
    page.wait_for_selector("#gantt-status.ok")
    assert "starts no earlier than 11 Jan 27" in page.inner_text("#gantt-status")  # UI dates
    guide.refresh_from_db()
    assert (guide.constraint_type, guide.constraint_date) == ("SNET", dt.date(2027, 1, 11))
    assert guide.start_at.date() == dt.date(2027, 1, 11)
    after = page.locator(_bar(guide)).bounding_box()
    assert after is not None and before is not None
    assert after["x"] - before["x"] == pytest.approx(5 * DAY_PX, abs=1)  # the redrawn chart
    shot(page, "gantt-02-moved")

    # Resize: two more working days for Develop; the successors move with it.
    test_before = Task.objects.get(pk=tasks["Test"].pk).start_at
    _drag(page, _bar(develop), days=2, from_right_edge=True)
    page.wait_for_selector("#gantt-status.ok >> text=now lasts")
    develop.refresh_from_db()
    assert develop.duration_minutes == 2400 + 2 * 480
    finish = max(t.finish_at for t in Task.objects.filter(project=world.project_a))
    assert f"finishes {finish:%-d %b %Y}" in page.inner_text("#gantt-facts")  # redrawn
    assert Task.objects.get(pk=tasks["Test"].pk).start_at > test_before

    # Someone else edits Test after the chart was drawn: the drag is refused and reloads.
    other = Task.objects.get(pk=tasks["Test"].pk)
    wbs.task_update(
        who=world.a["project_manager"],
        project=world.project_a,
        task=other,
        version=other.version,
        data={"notes": "Edited elsewhere"},
    )
    _drag(page, _bar(other), days=3)
    page.wait_for_selector("#gantt-status.warn")
    assert "changed by someone else — reloaded" in page.inner_text("#gantt-status")
    assert Task.objects.get(pk=other.pk).constraint_type == "ASAP"
    shot(page, "gantt-03-conflict")
    # On the reloaded chart the same drag goes through.
    _drag(page, _bar(other), days=3)
    page.wait_for_selector("#gantt-status.ok")
    assert Task.objects.get(pk=other.pk).constraint_type == "SNET"

    # Summaries do not move.
    summary = tasks["Build"]
    _drag(page, _bar(summary), days=4)
    assert Task.objects.get(pk=summary.pk).version == summary.version
    shot(page, "gantt-04-after-edits")


def test_a_stakeholder_sees_a_static_chart(page, world):
    tasks = _plan(world)
    sign_in(page, "viewer_a", PASSWORD)
    page.goto(f"/projects/{world.project_a.public_id}/gantt/?zoom=day")
    page.wait_for_selector("#gantt svg")
    assert page.locator("#gantt[data-editable]").count() == 0
    guide = tasks["Write the user guide"]
    _drag(page, _bar(guide), days=5)
    page.wait_for_timeout(300)
    assert Task.objects.get(pk=guide.pk).version == guide.version
    assert page.inner_text("#gantt-status") == ""
    # The maximum lag shows as a bracket under Release, explained in the legend.
    window = page.locator(f"#gantt g.ks-maxlag[data-succ='{tasks['Release'].public_id}']")
    assert window.is_visible()
    assert page.locator(".gantt-legend >> text=Maximum lag").is_visible()
    shot(page, "gantt-05-stakeholder")
    # The table stays in view while the chart scrolls sideways.
    page.locator("#gantt").evaluate("el => { el.scrollLeft = 200; }")
    page.wait_for_timeout(100)
    assert page.locator("#gantt g.ks-table").get_attribute("transform") == "translate(200 0)"
    # "Today" scrolls the chart to today's line, right of the pinned table; "Plan start"
    # back to the first task.
    chart = page.locator("#gantt")
    chart.evaluate("el => { el.scrollLeft = el.scrollWidth; }")  # far right, past the plan
    page.click("#gantt-goto >> text=Today")
    page.wait_for_timeout(100)
    view, line = chart.bounding_box(), page.locator("#gantt text", has_text="Today").bounding_box()
    assert view is not None and line is not None
    table_w = float(chart.get_attribute("data-table-width"))
    assert view["x"] + table_w <= line["x"] <= view["x"] + view["width"], (view, line)
    chart.evaluate("el => { el.scrollLeft = 0; }")  # the first task lies out of view here
    outside = page.locator(_bar(tasks["Design"])).bounding_box()
    assert outside is not None and outside["x"] > view["x"] + view["width"]
    page.click("#gantt-goto >> text=Plan start")
    page.wait_for_timeout(100)
    bar = page.locator(_bar(tasks["Design"])).bounding_box()
    assert bar is not None
    assert view["x"] + table_w <= bar["x"] <= view["x"] + view["width"], (view, bar)
    shot(page, "gantt-06-plan-start")
    # A click on a task's name in the table scrolls to its bar (the last task's, here).
    release = tasks["Release"]
    chart.evaluate("el => { el.scrollLeft = 0; }")
    assert page.locator(_bar(release)).bounding_box()["x"] > view["x"] + view["width"]
    page.locator("#gantt g.ks-table text", has_text="Release").first.click()
    page.wait_for_timeout(100)
    bar = page.locator(_bar(release)).bounding_box()
    assert bar is not None
    assert view["x"] + table_w <= bar["x"] <= view["x"] + view["width"], (view, bar)


def test_a_plan_under_way_opens_on_today(page, world):
    world.project_a.start_date = timezone.localdate() - dt.timedelta(days=60)
    world.project_a.save(update_fields=["start_date"])
    # Sixty one-day steps from sixty days ago: today's step lies far down the table.
    rows = [{"name": "Phase", "outline_level": 1}] + [
        {"name": f"Step {i}", "outline_level": 2, "duration_minutes": 480} for i in range(60)
    ]
    links = [(i, i + 1, "FS", 0) for i in range(1, 60)]
    wbs.plan_append(who=world.a["project_manager"], project=world.project_a, rows=rows, links=links)
    sign_in(page, "viewer_a", PASSWORD)
    page.goto(f"/projects/{world.project_a.public_id}/gantt/?zoom=day")
    chart = page.locator("#gantt")
    chart.wait_for()
    assert chart.evaluate("el => el.scrollLeft") > 0
    view, line = chart.bounding_box(), page.locator("#gantt text", has_text="Today").bounding_box()
    assert view is not None and line is not None
    table_w = float(chart.get_attribute("data-table-width"))
    assert view["x"] + table_w <= line["x"] <= view["x"] + view["width"], (view, line)
    # The month cut by the table's edge keeps its label in view, next to the table; when
    # the month ends too close to the edge for its label, the label slides out with it.
    edge = view["x"] + table_w
    labels = page.locator("#gantt text.ks-period")
    cut = []
    for i in range(labels.count()):
        label = labels.nth(i)
        box = label.bounding_box()
        shift = box["x"] - float(label.get_attribute("x"))  # drawing units to page pixels
        start = shift + float(label.get_attribute("data-x0")) - 6
        end = shift + float(label.get_attribute("data-end"))
        if start <= edge < end:
            cut.append((box, end))
    assert len(cut) == 1, cut
    box, end = cut[0]
    if end - edge >= box["width"] + 12:
        assert edge <= box["x"] <= edge + 12, (edge, box)
    else:
        assert box["x"] == pytest.approx(end - box["width"] - 6, abs=2), (edge, end, box)
    # ... and the first unfinished step is in view below the time scale.
    open_step = next(
        t
        for t in Task.objects.filter(project=world.project_a).order_by("row")
        if not t.is_summary and timezone.localtime(t.finish_at).date() >= timezone.localdate()
    )
    assert open_step.row > 20
    bar = page.locator(_bar(open_step)).bounding_box()
    assert bar is not None
    assert view["y"] <= bar["y"] <= view["y"] + view["height"] - bar["height"], (view, bar)
    assert view["x"] + table_w <= bar["x"] + bar["width"], (view, bar)
    shot(page, "gantt-07-under-way")
