"""Issue 15, demo data: BI-SALES (in Closing) has a nearly complete closing file, CRM-LEGACY
(cancelled) keeps its history read-only, and the lessons of both are searchable by the
people who may see them — and by nobody else (HTTP, on the demo as of 5 Dec 2026)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from keystage.accounts.models import User
from keystage.closing.models import Lesson
from keystage.core.models import AuditEntry
from keystage.portfolio.gate_checks import gate_checklist
from keystage.portfolio.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: Any) -> dict[str, Project]:
    from keystage.demo.portfolio import demo_load

    demo_load(today=dt.date(2026, 12, 5))
    return {p.code: p for p in Project.objects.all()}


def test_demo_closing_files_and_lessons(demo, api):
    bi, crm = demo["BI-SALES"], demo["CRM-LEGACY"]
    # BI-SALES: everything but the handover's last item and sign-off, the budget and report.
    assert (bi.stage, bi.status) == ("closing", "active")
    items = {i.key: i for i in gate_checklist(bi)}
    assert items["training"].done and items["review"].done, items
    assert not items["handover"].done and "4 of 5 checklist items done" in items["handover"].detail
    handover = api(User.objects.get(username="sofia")).get(
        f"/api/v1/projects/{bi.public_id}/handover/"
    )
    assert handover.status_code == 200 and handover.json()["support_lead"] == "chen"
    # Its open defects are the quality register's records, not typed text.
    assert all(d["key"].startswith("DEF-") for d in handover.json()["open_defects"])

    # CRM-LEGACY: cancelled, its review and lessons kept, read-only.
    assert (crm.stage, crm.status) == ("closed", "cancelled")
    assert Lesson.objects.filter(project=crm).count() == 2
    priya = api(User.objects.get(username="priya"))  # managed CRM-LEGACY
    journal = AuditEntry.objects.count()
    refused = priya.post(
        f"/api/v1/projects/{crm.public_id}/lessons/",
        {"title": "Late", "category": "other", "stage": "closing"},
        format="json",
    )
    assert refused.status_code in (403, 409) and "cancelled" in refused.content.decode()
    assert Lesson.objects.filter(project=crm).count() == 2
    assert AuditEntry.objects.count() == journal

    # Lessons of both are searchable by who may see each project, never by anyone else.
    def codes(who: str, q: str) -> set[str]:
        found = api(User.objects.get(username=who)).get("/api/v1/lessons/", {"q": q})
        assert found.status_code == 200, found.content
        return {row["project"] for row in found.json()}

    assert codes("pmo", "vendor delay") == {"BI-SALES", "CRM-LEGACY"}
    assert codes("priya", "vendor") >= {"CRM-LEGACY"}
    assert "BI-SALES" not in codes("priya", "vendor")  # not a member of BI-SALES
    assert codes("chen", "vendor delay") == {"BI-SALES"}
