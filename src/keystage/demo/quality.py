"""Demo quality records: the quality plan, test runs, defects and the customer's sign-offs.

BI-SALES (in Closing) has every deliverable verified and all but the user guide accepted,
one with conditions; ERP-CLOUD (in Execution) has its landing zone accepted and its test
environment in its second test cycle with a critical defect open. Written through the
quality services, as a project manager and the team would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from keystage.accounts.models import User
from keystage.initiation.models import Stakeholder
from keystage.planning.models import Deliverable
from keystage.portfolio.models import Project
from keystage.quality.records import CRITERIA, DEFECTS, TEST_RUNS
from keystage.quality.services.sign_offs import sign_off_create

# deliverable → [(criterion, method, responsible, planned: days from the project start)]
PLANS: dict[str, dict[str, list[tuple[str, str, str, int]]]] = {
    "BI-SALES": {
        "Pipeline dashboard": [
            ("Pipeline total matches the CRM to the euro", "test", "mateo", 140),
            ("Filters by region and owner", "demonstration", "elena", 145),
        ],
        "Margin and churn dashboards": [
            ("Margin figures agree with two closed months", "analysis", "mateo", 170),
            ("Churn definition reviewed by Finance", "review", "elena", 172),
        ],
        "Nightly data refresh": [
            ("Ten nights in a row without a failed load", "test", "mateo", 185),
            ("Failed loads alert BI support", "inspection", "mateo", 186),
        ],
        "User guide for the sales teams": [
            ("Every regional lead walked through it", "demonstration", "elena", 200),
        ],
    },
    "ERP-CLOUD": {
        "Cloud landing zone": [
            ("Network, identity and backup configured", "inspection", "chen", 50),
            ("Penetration test with no high findings", "test", "amara", 55),
        ],
        "Migrated test environment": [
            ("All 42 interfaces pass the regression suite", "test", "mateo", 140),
            ("Finance signs off the trial balance", "review", "elena", 148),
        ],
        "Production cut-over": [
            ("Month-end closing twice within two days", "demonstration", "priya", 265),
        ],
    },
}

# deliverable, name, day, tester, planned, run, passed, failed, blocked
RUNS: dict[str, list[tuple[str, str, int, str, int, int, int, int, int]]] = {
    "BI-SALES": [
        ("Pipeline dashboard", "Reconciliation test", 140, "mateo", 24, 24, 22, 2, 0),
        ("Pipeline dashboard", "Reconciliation retest", 146, "mateo", 24, 24, 24, 0, 0),
        ("Margin and churn dashboards", "Figures test", 170, "mateo", 30, 30, 29, 1, 0),
        ("Nightly data refresh", "Ten-night run", 186, "mateo", 10, 10, 10, 0, 0),
    ],
    "ERP-CLOUD": [
        ("Cloud landing zone", "Landing zone acceptance", 55, "amara", 36, 36, 36, 0, 0),
        ("Migrated test environment", "Regression cycle 1", 120, "mateo", 42, 38, 29, 7, 2),
        ("Migrated test environment", "Regression cycle 2", 140, "mateo", 42, 42, 37, 4, 1),
    ],
}

# run name (or "" for none), deliverable, title, severity, status, owner, due (days), resolution
DEFECTS_BY_PROJECT: dict[str, list[tuple[str, str, str, str, str, str, int, str]]] = {
    "BI-SALES": [
        (
            "Reconciliation test",
            "Pipeline dashboard",
            "Closed-lost deals counted in the open pipeline",
            "major",
            "closed",
            "mateo",
            145,
            "Stage filter fixed in the semantic model.",
        ),
        (
            "Figures test",
            "Margin and churn dashboards",
            "Margin rounds per line, not per invoice",
            "minor",
            "verified",
            "mateo",
            175,
            "Rounding moved to the invoice level.",
        ),
        (
            "",
            "User guide for the sales teams",
            "Screenshots show last year's colour scheme",
            "trivial",
            "open",
            "elena",
            215,
            "",
        ),
    ],
    "ERP-CLOUD": [
        (
            "Regression cycle 2",
            "Migrated test environment",
            "Shipping labels interface drops customs codes",
            "critical",
            "in_progress",
            "jonas",
            155,
            "",
        ),
        (
            "Regression cycle 2",
            "Migrated test environment",
            "Purchase order approvals time out above 50 lines",
            "major",
            "open",
            "chen",
            160,
            "",
        ),
        (
            "Regression cycle 1",
            "Migrated test environment",
            "Warehouse stock sync runs twice",
            "major",
            "fixed",
            "jonas",
            135,
            "Duplicate scheduler entry removed; waiting for cycle 3 to verify.",
        ),
        (
            "Regression cycle 1",
            "Migrated test environment",
            "Invoice PDF footer cut off",
            "minor",
            "closed",
            "mateo",
            130,
            "Template margins corrected.",
        ),
    ],
}

# deliverable, decision, signer ("s:Name" stakeholder, else a username), day, conditions,
# comment
SIGN_OFFS: dict[str, list[tuple[str, str, str, int, str, str]]] = {
    "BI-SALES": [
        ("Pipeline dashboard", "accepted", "hannah", 150, "", "Matches the CRM exactly."),
        ("Margin and churn dashboards", "accepted", "hannah", 181, "", "Finance agrees."),
        (
            "Nightly data refresh",
            "accepted_with_conditions",
            "hannah",
            191,
            "BI support's on-call rota covers the load alerts before the handover.",
            "Ten clean nights; the alerting still goes to the project team.",
        ),
    ],
    "ERP-CLOUD": [
        (
            "Cloud landing zone",
            "accepted",
            "s:Omar Haddad",
            62,
            "",
            "Penetration test report reviewed with the security team.",
        ),
    ],
}


def load_quality(*, project: Project, users: dict[str, User], pm: User, today: dt.date) -> None:
    """The quality plan, test runs, defects and sign-offs of BI-SALES and ERP-CLOUD."""
    code = project.code
    if code not in PLANS:
        return
    start = project.start_date
    deliverables = {d.name: d for d in Deliverable.objects.filter(project=project)}

    def day(offset: int) -> dt.date:
        return min(start + dt.timedelta(days=offset), today)

    for name, rows in PLANS[code].items():
        for order, (text, method, who, planned) in enumerate(rows, start=1):
            CRITERIA.create(
                who=pm,
                project=project,
                data={
                    "deliverable": deliverables[name],
                    "text": text,
                    "method": method,
                    "responsible": users[who],
                    "planned_date": start + dt.timedelta(days=planned),
                    "order": order,
                },
            )
    runs: dict[str, Any] = {}
    for name, title, offset, tester, planned, run, passed, failed, blocked in RUNS[code]:
        runs[title] = TEST_RUNS.create(
            who=pm,
            project=project,
            data={
                "deliverable": deliverables[name],
                "name": title,
                "run_on": day(offset),
                "tester": users[tester],
                "cases_planned": planned,
                "cases_run": run,
                "passed": passed,
                "failed": failed,
                "blocked": blocked,
            },
        )
    for run_name, name, title, severity, status, owner, due, resolution in DEFECTS_BY_PROJECT[code]:
        DEFECTS.create(
            who=pm,
            project=project,
            data={
                "title": title,
                "severity": severity,
                "status": status,
                "deliverable": deliverables[name],
                "test_run": runs.get(run_name),
                "owner": users[owner],
                "due_date": start + dt.timedelta(days=due),
                "resolution": resolution,
            },
        )
    _sign_offs(project, users, pm, deliverables, day)


def _sign_offs(
    project: Project,
    users: dict[str, User],
    pm: User,
    deliverables: dict[str, Deliverable],
    day: Any,
) -> None:
    for name, decision, signer, offset, conditions, comment in SIGN_OFFS[project.code]:
        deliverable = deliverables[name]
        if deliverable.status not in ("submitted", "accepted", "rejected"):
            continue
        who: dict[str, Any]
        if signer.startswith("s:"):
            person = Stakeholder.objects.get(project=project, name=signer[2:])
            who = {"stakeholder": person.public_id}
        else:
            who = {"signer": users[signer].username}
        sign_off_create(
            who=pm,
            project=project,
            data={
                "deliverable": deliverable.public_id,
                "decision": decision,
                "conditions": conditions,
                "comment": comment,
                "signed_on": day(offset),
                "results": [
                    {"criterion": c.public_id, "met": True}
                    for c in deliverable.quality_criteria.all()
                ],
            }
            | who,
        )
