"""Journey: the PM opens the project's Export tab, downloads the Excel workbook and the
MS Project file; the workbook opens with openpyxl with the plan's tasks, typed.
Screenshot: test-artifacts/browser/export-page.png."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from keystage.planning.services import wbs
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_download_the_plan_as_a_workbook(page, world, tmp_path):
    rows = [
        {"name": "Build", "outline_level": 1},
        {"name": "Design", "outline_level": 2, "duration_minutes": 960},
        {"name": "Develop", "outline_level": 2, "duration_minutes": 2400},
        {"name": "Release", "outline_level": 2, "kind": "milestone"},
    ]
    links = [(1, 2, "FS", 0), (2, 3, "FS", 0)]
    wbs.plan_append(who=world.a["project_manager"], project=world.project_a, rows=rows, links=links)

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{world.project_a.public_id}/")
    page.click("nav.tabs >> text=Export")
    page.wait_for_selector("#export-formats")
    assert page.locator("#export-formats tbody tr").count() == 5
    shot(page, "export-page")

    with page.expect_download() as download:
        page.click("a[data-format=xlsx]")
    assert download.value.suggested_filename == "prj-a-plan.xlsx"
    target = tmp_path / "plan.xlsx"
    download.value.save_as(target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:3] == ["Tasks", "Budget by month", "Timesheets"]
    tasks = list(book["Tasks"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1].strip()) for r in tasks] == [
        ("1", "Build"), ("1.1", "Design"), ("1.2", "Develop"), ("1.3", "Release"),
    ]  # fmt: skip
    assert isinstance(tasks[1][3], dt.datetime) and tasks[2][5] == 40

    with page.expect_download() as download:
        page.click("a[data-format=mspdi]")
    assert download.value.suggested_filename == "prj-a-plan.xml"
