"""Journey: the PM writes goals and the scope with htmx forms, regenerates the charter and
downloads its PDF (kept as test-artifacts/browser/charter-pdf.png)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from keystage.initiation import services as initiation
from keystage.initiation.charter.models import CharterVersion
from keystage.planning.models import Goal
from tests.browser.conftest import ARTIFACTS, shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OBJECTIVE = "Move the ERP to a managed cloud platform by Q4."


def _editor_save(page) -> None:
    page.click("#editor button:text('Save')")


def test_goals_scope_and_charter(page, world, tmp_path):
    project = world.project_a
    pm = world.a["project_manager"]
    initiation.proposal_save(
        who=pm,
        project=project,
        version=None,
        data={
            "objective": OBJECTIVE,
            "problem": "The data-centre lease ends next year.",
            "options": "Stay; lift and shift; re-platform.",
            "requested_by": "Chief Financial Officer",
            "estimated_budget": "450000",
            "estimated_duration_days": 240,
        },
    )

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Goals & scope")
    page.wait_for_selector("#goals")

    # A goal whose target equals its baseline is refused in place, then corrected.
    page.click("text=Add goal")
    page.wait_for_selector("#editor")
    page.fill("input[name=title]", "Faster month-end closing")
    page.fill("input[name=metric]", "Closing time")
    page.fill("input[name=unit]", "days")
    page.fill("input[name=baseline_value]", "4")
    page.fill("input[name=target_value]", "4")
    _editor_save(page)
    page.wait_for_selector("#editor .field-error")
    assert "must differ from the baseline" in page.locator("#editor .field-error").inner_text()
    shot(page, "scope-01-goal-error")
    page.fill("input[name=target_value]", "1.5")
    page.fill("input[name=current_value]", "3")
    _editor_save(page)
    page.wait_for_selector("text=Goal saved.")
    assert page.locator("#editor").count() == 0
    page.click("text=Add goal")
    page.wait_for_selector("#editor")
    page.fill("input[name=title]", "Reliable ERP service")
    page.fill("input[name=metric]", "Monthly availability")
    page.fill("input[name=unit]", "%")
    page.fill("input[name=baseline_value]", "98.2")
    page.fill("input[name=target_value]", "99.9")
    _editor_save(page)
    page.wait_for_selector("tr[data-goal='Reliable ERP service']")
    assert page.locator("#goals tbody tr").count() == 2
    assert Goal.objects.get(title="Faster month-end closing").direction == "decrease"
    shot(page, "scope-02-goals")

    # Scope: statement, a deliverable, in / out items, an assumption and a constraint.
    page.click(".subtabs >> text=Scope")
    page.click("text=Write the statement")
    page.wait_for_selector("#editor textarea[name=statement]")
    page.fill(
        "textarea[name=statement]",
        "Move finance, purchasing and warehouse modules to the managed cloud edition.",
    )
    _editor_save(page)
    page.wait_for_selector("text=Scope statement saved.")
    page.click("text=Add deliverable")
    page.wait_for_selector("#editor")
    page.fill("input[name=name]", "Production cut-over")
    page.fill(
        "textarea[name=acceptance_criteria]", "Month-end closing runs twice on the cloud platform."
    )
    page.select_option("select[name=owner]", label="Dev_A Tester")
    _editor_save(page)
    page.wait_for_selector("tr[data-deliverable='Production cut-over']")
    for button, text in (
        ("Add in scope", "Finance and warehouse modules"),
        ("Add out of scope", "HR and payroll"),
    ):
        page.click(f"text={button}")
        page.wait_for_selector("#editor input[name=text]")
        page.fill("input[name=text]", text)
        _editor_save(page)
        page.wait_for_selector("text=Scope item saved.")
    for button, text in (
        ("Add assumption", "The vendor keeps the quoted price."),
        ("Add constraint", "Cut-over only at a quarter end."),
    ):
        page.click(f"text={button}")
        page.wait_for_selector("#editor textarea[name=text]")
        page.fill("textarea[name=text]", text)
        _editor_save(page)
        page.wait_for_selector(f"li:has-text('{text}')")
    assert page.locator("#out-of-scope li").inner_text().startswith("HR and payroll")
    shot(page, "scope-03-scope")

    # A collaboration link: a javascript: address is refused.
    page.click(".subtabs >> text=Collaboration")
    page.click("text=Add link")
    page.wait_for_selector("#editor")
    page.select_option("select[name=kind]", "meeting")
    page.fill("input[name=title]", "Steering committee")
    page.fill("input[name=url]", "javascript:alert(1)")
    page.fill("input[name=schedule]", "Every second Tue 10:00")
    _editor_save(page)
    page.wait_for_selector("#editor .field-error")
    page.fill("input[name=url]", "https://meet.example/steering")
    _editor_save(page)
    page.wait_for_selector("tr[data-link='Steering committee']")
    shot(page, "scope-04-links")

    # The charter: generate, then regenerate after a change; both versions stay.
    page.click("nav.tabs >> text=Charter")
    page.click("#regenerate")
    page.wait_for_selector("text=Charter version 1 generated.")
    assert OBJECTIVE in page.locator("#charter-objective").inner_text()
    page.click("nav.tabs >> text=Goals & scope")
    page.click("tr[data-goal='Reliable ERP service'] >> text=Edit")
    page.wait_for_selector("#editor")
    page.fill("input[name=current_value]", "99.3")
    _editor_save(page)
    page.wait_for_selector("text=Goal saved.")
    page.click("nav.tabs >> text=Charter")
    page.click("#regenerate")
    page.wait_for_selector("text=Charter version 2 generated.")
    assert page.locator("#charter-versions tbody tr").count() == 2
    assert "Reliable ERP service" in page.locator("#charter-goals").inner_text()
    shot(page, "charter-01-page")

    with page.expect_download() as download:
        page.click("text=Download PDF")
    pdf = tmp_path / "charter.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert [v.number for v in CharterVersion.objects.order_by("number")] == [1, 2]
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-singlefile",
                str(pdf),
                str(ARTIFACTS / "charter-pdf"),
            ],
            check=True,
        )
        assert (ARTIFACTS / "charter-pdf.png").stat().st_size > 10_000
