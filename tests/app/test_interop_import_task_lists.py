"""Spreadsheet task lists (CSV, XLSX) through the same import: preview, write, errors by line."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from keystage.planning.models import Task

pytestmark = pytest.mark.django_db

CSV = b"""ID,Task Name,Duration,Predecessors,Outline Level
1,Release 1,,,1
2,Analyse,2d,,2
3,Build,3d,2FS+1d,2
4,Go live,0d,3,2
"""


def _post(client, project, data: bytes, name: str, dry_run: bool = False):
    url = f"/api/v1/projects/{project.public_id}/imports/" + ("?dry_run=1" if dry_run else "")
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def test_a_csv_task_list_imports_with_its_tree_and_links(world, api):
    client = api(world.a["project_manager"])
    preview = _post(client, world.project_a, CSV, "tasks.csv", dry_run=True)
    assert preview.status_code == 200, preview.content
    assert not Task.objects.filter(project=world.project_a).exists()
    answer = _post(client, world.project_a, CSV, "tasks.csv")
    assert answer.status_code == 201, answer.content
    assert answer.json()["file_format"] == "csv"
    build = Task.objects.get(project=world.project_a, name="Build")
    link = build.predecessor_links.get()
    assert link.predecessor.name == "Analyse"
    assert build.parent is not None and build.parent.name == "Release 1"
    # Undated tasks start at the project's start, not at today's date.
    analyse = Task.objects.get(project=world.project_a, name="Analyse")
    assert analyse.start_at is not None
    assert analyse.start_at.date() == world.project_a.start_date


def test_an_xlsx_task_list_imports(world, api):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (
        ("Task Name", "Duration", "Predecessors"),
        ("Design", "1w", ""),
        ("Test", "2d", "1"),
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    answer = _post(api(world.a["project_manager"]), world.project_a, buffer.getvalue(), "plan.xlsx")
    assert answer.status_code == 201, answer.content
    assert Task.objects.get(project=world.project_a, name="Test").predecessor_links.count() == 1


def test_task_list_errors_name_their_lines_and_write_nothing(world, api):
    bad = b"Task Name,Duration,Predecessors\nDesign,5 parsecs,\nTest,2d,9\n"
    answer = _post(api(world.a["project_manager"]), world.project_a, bad, "bad.csv")
    assert answer.status_code == 400
    message = str(answer.json())
    assert "line 2" in message and "line 3" in message
    assert not Task.objects.filter(project=world.project_a).exists()


def test_a_maximum_lag_in_a_csv_lands_on_the_dependency(world, api):
    data = CSV.replace(b"3,Build,3d,2FS+1d,2", b"3,Build,3d,2FS+1d max 3d,2").replace(
        b"4,Go live,0d,3,2", b"4,Go live,0d,3 max 0d,2"
    )
    client = api(world.a["project_manager"])
    answer = _post(client, world.project_a, data, "tasks.csv")
    assert answer.status_code == 201, answer.content
    build = Task.objects.get(project=world.project_a, name="Build")
    link = build.predecessor_links.get()
    per_day = 480  # the project's calendar: two four-hour shifts
    assert (link.type, link.lag_minutes, link.max_lag_minutes) == ("FS", per_day, 3 * per_day)
    live = Task.objects.get(project=world.project_a, name="Go live").predecessor_links.get()
    assert (live.lag_minutes, live.max_lag_minutes) == (0, 0)
    # The plan's Predecessors cell shows it in the same notation.
    browser = Client()
    browser.force_login(world.a["project_manager"])
    page = browser.get(f"/projects/{world.project_a.public_id}/plan/")
    assert "2FS+1d max 3d" in page.content.decode()


def test_a_maximum_lag_below_the_lag_is_a_row_error(world, api):
    data = CSV.replace(b"3,Build,3d,2FS+1d,2", b"3,Build,3d,2FS+2d max 1d,2")
    answer = _post(api(world.a["project_manager"]), world.project_a, data, "tasks.csv")
    assert answer.status_code == 400
    assert "line 4: in '2FS+2d max 1d' the maximum lag is less than the lag" in str(answer.json())
    assert not Task.objects.filter(project=world.project_a).exists()
