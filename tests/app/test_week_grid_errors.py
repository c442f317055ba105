"""A refused week's grid shows each problem on its cell (aria-invalid, the message beside the
input) or its row, as well as in the summary above the table; the API keeps its field
messages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from keystage.execution.models import TimeEntry
from tests.app.timesheet_world import MONDAY, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(world, monkeypatch):
    return plan(world, monkeypatch)


def _cell(html: str, name: str) -> str:
    """The <td> holding the input ``name``."""
    found = re.search(rf'<td[^>]*>(?:(?!</td>).)*name="{name}"(?:(?!</td>).)*</td>', html, re.S)
    assert found, name
    return found.group(0)


def test_each_problem_sits_on_its_cell(world, tasks):
    dev = Client()
    dev.force_login(world.a["team_member"])
    url = f"/projects/{world.project_a.public_id}/timesheet/{MONDAY.isoformat()}/"
    form = {
        "task-0": str(tasks.build.public_id),
        "h-0-0": "-3",  # negative
        "h-0-1": "abc",  # not a number
        "h-0-2": "20",  # with Test's 10: 30 h on Wednesday
        "h-0-3": "4",  # fine
        "task-1": str(tasks.test.public_id),
        "h-1-2": "10",
        "note-1": "n" * 501,
    }
    refused = dev.post(url, form)
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="ts-errors"' in html
    assert TimeEntry.objects.count() == 0
    cell = _cell(html, "h-0-1")
    assert 'aria-invalid="true"' in cell and "as a number" in cell and 'value="abc"' in cell
    assert 'aria-describedby="e-0-1"' in cell and 'id="e-0-1"' in cell
    assert "aria-invalid" not in _cell(html, "h-0-3")
    # the note's row problem comes first: the rules run once the grid reads
    assert "Note: at most 500 characters." in html
    form["note-1"], form["h-0-1"] = "fine", ""
    html = dev.post(url, form).content.decode()
    negative = _cell(html, "h-0-0")
    assert 'aria-invalid="true"' in negative and "Hours cannot be negative." in negative
    for name in ("h-0-2", "h-1-2"):  # both cells of the 30-hour day
        assert "at most 24 hours" in _cell(html, name)
    assert "at most 24 hours" in html.split('id="ts-errors"')[1].split("</div>")[0]  # summary


def test_the_api_keeps_field_messages(world, tasks, api):
    url = f"/api/v1/projects/{world.project_a.public_id}/timesheets/week/{MONDAY.isoformat()}/"
    body = {"rows": [{"task": str(tasks.build.public_id), "hours": ["-1", 0, 0, 0, 0, 0, 0]}]}
    refused = api(world.a["team_member"]).put(url, body, format="json")
    assert refused.status_code == 400 and "hours" in refused.json()["errors"]
