"""Journey: the project manager edits the plan table with the keyboard only — renames a task,
changes a duration, meets a cycle error, inserts a task, indents and outdents it, deletes it —
and a stakeholder sees the same table read-only. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import pytest

from keystage.planning.models import Task
from keystage.planning.services import wbs
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = 480


def _plan(world) -> None:
    rows = [
        {"outline_level": 1, "name": "Build phase"},
        {"outline_level": 2, "name": "Design", "duration_minutes": 2 * DAY},
        {"outline_level": 2, "name": "Build", "duration_minutes": 3 * DAY},
        {"outline_level": 2, "name": "Documentation", "duration_minutes": 2 * DAY},
        {"outline_level": 1, "name": "Go live", "kind": "milestone", "duration_minutes": 0},
    ]
    links = [(1, 2, "FS", 0), (2, 4, "FS", 0)]
    wbs.plan_append(who=world.a["project_manager"], project=world.project_a, rows=rows, links=links)


def _focused(page) -> list[str]:
    """[task name, field] of the cell that has the keyboard focus."""
    return page.evaluate(
        "() => { const td = document.activeElement.closest('td');"
        " return td ? [td.parentElement.dataset.name, td.dataset.field] : null; }"
    )


def _row(page, name: str) -> str:
    return f"#wbs-body tr[data-name='{name}']"


def _wait_status(page, text: str) -> None:
    page.wait_for_selector(f'#wbs-status .st:has-text("{text}")')


def test_plan_table_by_keyboard(page, world):
    _plan(world)
    project = world.project_a
    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Plan")
    page.wait_for_selector("#wbs-toolbar:not([hidden])")
    shot(page, "wbs-01-plan-table")

    # Rename: focus the name cell, Enter opens the editor, typing replaces, Enter saves.
    page.click(f"{_row(page, 'Design')} td[data-field=wbs]")
    page.keyboard.press("ArrowRight")
    assert _focused(page) == ["Design", "name"]
    page.keyboard.press("Enter")
    page.keyboard.type("Solution design")
    page.keyboard.press("Enter")
    _wait_status(page, "name saved")
    assert _focused(page) == ["Solution design", "name"]  # the focus stays on the cell
    assert Task.objects.get(project=project, row=2).name == "Solution design"

    # Esc cancels an entry: nothing is sent, the cell keeps its value and the focus.
    page.keyboard.press("F2")
    page.keyboard.type(" (draft)")
    page.keyboard.press("Escape")
    assert page.query_selector(".cell-editor") is None
    assert (
        page.inner_text(f"{_row(page, 'Solution design')} td[data-field=name]") == "Solution design"
    )
    assert _focused(page) == ["Solution design", "name"]

    # Duration: two cells to the right; typing starts the editor; the plan reschedules.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert _focused(page) == ["Solution design", "duration"]
    before = page.inner_text(f"{_row(page, 'Build')} td[data-field=start]")
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    _wait_status(page, "duration saved")
    assert page.inner_text(f"{_row(page, 'Solution design')} td[data-field=duration]") == "4d"
    assert page.inner_text(f"{_row(page, 'Build')} td[data-field=start]") != before
    assert _focused(page) == ["Solution design", "duration"]

    # A cycle is refused, named next to the cell, and the editor keeps what was typed.
    for _ in range(4):
        page.keyboard.press("Tab")
    assert _focused(page) == ["Solution design", "predecessors"]
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    note = page.wait_for_selector("#cell-note")
    assert "cycle" in note.inner_text() and "'Build'" in note.inner_text()
    assert page.input_value("td.editing .cell-editor input") == "3"
    shot(page, "wbs-02-cycle-error")
    page.keyboard.press("Escape")
    assert page.query_selector("#cell-note") is None
    assert _focused(page) == ["Solution design", "predecessors"]

    # Insert adds a task below the focused row, with its name ready to type.
    page.click(f"{_row(page, 'Documentation')} td[data-field=wbs]")
    page.keyboard.press("Insert")
    page.wait_for_selector(f"{_row(page, 'New task')} td.editing input")
    page.keyboard.type("User guide")
    page.keyboard.press("Enter")
    _wait_status(page, "name saved")
    names = page.eval_on_selector_all(
        "#wbs-body tr[data-task]", "rs => rs.map(r => r.dataset.name)"
    )
    assert names.index("User guide") == names.index("Documentation") + 1

    # Alt+Shift+Right indents it under the row above; Alt+Shift+Left brings it back.
    page.keyboard.press("Alt+Shift+ArrowRight")
    _wait_status(page, "indented")
    guide = Task.objects.get(project=project, name="User guide")
    assert guide.parent.name == "Documentation" and guide.wbs_code == "1.3.1"
    assert page.inner_text(f"{_row(page, 'User guide')} td[data-field=wbs]") == "1.3.1"
    assert "summary" in page.get_attribute(_row(page, "Documentation"), "class")
    assert _focused(page) == ["User guide", "name"]
    shot(page, "wbs-03-indented")
    page.keyboard.press("Alt+Shift+ArrowLeft")
    _wait_status(page, "outdented")
    assert Task.objects.get(pk=guide.pk).wbs_code == "1.4"

    # Delete asks first, then removes the row; the focus stays in the table.
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Delete")
    _wait_status(page, "deleted")
    assert not Task.objects.filter(project=project, name="User guide").exists()
    assert page.query_selector(_row(page, "User guide")) is None
    assert _focused(page) is not None
    shot(page, "wbs-04-after-delete")

    # The mouse: a click opens the cell's editor; the toolbar runs the outline commands.
    page.click(f"{_row(page, 'Documentation')} td[data-field=name]")
    assert page.input_value("td.editing .cell-editor input") == "Documentation"
    page.click("#wbs-toolbar button[data-command=up]")
    _wait_status(page, "moved up")
    assert page.inner_text(f"{_row(page, 'Documentation')} td[data-field=wbs]") == "1.2"
    assert _focused(page) == ["Documentation", "name"]


def test_stakeholder_sees_the_table_read_only(page, world):
    _plan(world)
    sign_in(page, "viewer_a", PASSWORD)
    page.goto(f"/projects/{world.project_a.public_id}/plan/")
    page.wait_for_selector("#wbs-table")
    assert page.query_selector("#wbs-toolbar") is None
    page.click(f"{_row(page, 'Design')} td[data-field=name]")
    page.keyboard.press("Enter")
    page.keyboard.type("x")
    assert page.query_selector(".cell-editor") is None
    page.keyboard.press("ArrowDown")
    assert _focused(page) == ["Build", "name"]
    assert "Read-only" in page.inner_text("#wbs-help")
    shot(page, "wbs-05-read-only")
