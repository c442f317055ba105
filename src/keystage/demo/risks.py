"""The demo's risk registers and issue logs, loaded through the services like the rest.

ERP-CLOUD carries its feasibility study's risks forward, adds the migration's own (linked to
the tasks they would hit, with responses and their residual positions), and one risk that
occurred: an issue escalated to the sponsor. DATA-PLAT, still being planned, has a short
register.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from keystage.accounts.models import User
from keystage.planning.models import Task
from keystage.portfolio.models import Project
from keystage.risks.records import ISSUES, RESPONSES, RISKS
from keystage.risks.services.register import issue_escalate, risk_occurred, risks_carry_forward

D = Decimal

# title, category, cause, event, effect, owner, probability, (days l/m/h), (cost l/m/h),
# proximity (days from the project start), tasks (names)
ERP_RISKS: list[tuple[Any, ...]] = [
    (
        "Data quality blocks the trial migrations",
        "technical",
        "Twenty years of customer and item master data, never cleansed",
        "trial migrations fail on duplicates and orphaned records",
        "the migration rehearsal slips and cut-over moves",
        "jonas",
        "0.6",
        ("5", "10", "20"),
        ("8000", "25000", "60000"),
        60,
        ["Trial migration 1", "Trial migration 2"],
    ),
    (
        "Migration partner lacks ERP specialists",
        "supplier",
        "The partner's ERP team is also staffed on another customer's go-live",
        "named specialists are swapped for juniors",
        "assessment and mappings take longer and need rework",
        "priya",
        "0.3",
        ("3", "8", "15"),
        ("5000", "15000", "40000"),
        20,
        ["Design migration mappings"],
    ),
    (
        "Single sign-on integration with the legacy directory",
        "security",
        "The on-premises directory runs an unsupported schema extension",
        "single sign-on cannot federate without a directory upgrade",
        "users keep two passwords at go-live, or go-live waits",
        "chen",
        "0.4",
        ("2", "5", "12"),
        ("2000", "6000", "15000"),
        90,
        ["Integrate single sign-on"],
    ),
    (
        "Key users unavailable during year-end close",
        "resources",
        "Finance key users close the books in the same weeks as user acceptance",
        "acceptance testing gets too few testers",
        "defects reach production",
        "amara",
        "0.5",
        ("2", "6", "10"),
        ("0", "4000", "9000"),
        150,
        [],
    ),
]

DATA_RISKS: list[tuple[Any, ...]] = [
    (
        "Billing extracts arrive late from the billing vendor",
        "supplier",
        "The billing system is hosted by a vendor with a quarterly change window",
        "the extract interface is delivered after the build starts",
        "billing ingestion slips",
        "elena",
        "0.5",
        ("5", "10", "25"),
        ("0", "5000", "12000"),
        40,
        ["Ingest billing"],
    ),
    (
        "Consent records incomplete for marketing use",
        "security",
        "Consent was stored per channel, not per purpose",
        "the platform cannot prove consent for analytics use",
        "customer data must be excluded or re-consented",
        "sofia",
        "0.3",
        ("0", "5", "15"),
        ("2000", "10000", "30000"),
        30,
        ["Ingest customer master data"],
    ),
]


def _tasks(project: Project, names: list[str]) -> list[Task]:
    return list(Task.objects.filter(project=project, name__in=names, is_summary=False))


def _add(project: Project, pm: User, row: tuple[Any, ...]) -> Any:
    title, category, cause, event, effect, owner, p, days, cost, near, names = row
    return RISKS.create(
        who=pm,
        project=project,
        data={
            "title": title,
            "category": category,
            "cause": cause,
            "event": event,
            "effect": effect,
            "owner": owner,
            "probability": D(p),
            "schedule_low": D(days[0]),
            "schedule_likely": D(days[1]),
            "schedule_high": D(days[2]),
            "cost_low": D(cost[0]),
            "cost_likely": D(cost[1]),
            "cost_high": D(cost[2]),
            "proximity": project.start_date + dt.timedelta(days=near),
            "tasks": _tasks(project, names),
        },
    )


def _respond(project: Project, pm: User, risk: Any, **data: Any) -> None:
    RESPONSES.create(who=pm, project=project, data={"risk": risk, **data})


def load_risks(*, project: Project, pm: User, code: str, today: dt.date) -> None:
    """The project's register (ERP-CLOUD and DATA-PLAT; others keep an empty one)."""
    if code == "ERP-CLOUD":
        risks_carry_forward(who=pm, project=project)
        quality, partner, sso, users = (_add(project, pm, row) for row in ERP_RISKS)
        _respond(
            project,
            pm,
            quality,
            strategy="mitigate",
            description="Data cleansing sprint with the business data owners",
            owner="jonas",
            due_date=project.start_date + dt.timedelta(days=45),
            cost=D("6000"),
            status="in_progress",
            probability=D("0.3"),
            schedule_low=D("2"),
            schedule_likely=D("4"),
            schedule_high=D("8"),
            cost_low=D("2000"),
            cost_likely=D("8000"),
            cost_high=D("20000"),
        )
        _respond(
            project,
            pm,
            partner,
            strategy="transfer",
            description="Named specialists and a delay penalty in the partner contract",
            owner="priya",
            due_date=project.start_date + dt.timedelta(days=10),
            status="done",
            probability=D("0.15"),
            schedule_low=D("1"),
            schedule_likely=D("3"),
            schedule_high=D("6"),
            cost_likely=D("2000"),
            cost_high=D("5000"),
        )
        _respond(
            project,
            pm,
            users,
            strategy="avoid",
            description="Move user acceptance before the year-end close",
            owner="amara",
            due_date=min(today - dt.timedelta(days=5), project.start_date + dt.timedelta(days=120)),
            probability=D("0.1"),
            schedule_likely=D("2"),
            schedule_high=D("4"),
            cost_likely=D("1000"),
            cost_high=D("3000"),
        )
        issue = risk_occurred(
            who=pm,
            risk=sso,
            version=sso.version,
            data={"severity": "high", "due_date": today + dt.timedelta(days=10)},
        )
        issue_escalate(
            who=pm,
            issue=issue,
            version=issue.version,
            reason="The directory upgrade needs a change window only the sponsor can approve.",
        )
        ISSUES.create(
            who=pm,
            project=project,
            data={
                "title": "Test environment licences expired",
                "description": "The ERP test instance stopped accepting logins.",
                "severity": "medium",
                "owner": "mateo",
                "due_date": today + dt.timedelta(days=3),
            },
        )
    elif code == "DATA-PLAT":
        billing, _ = (_add(project, pm, row) for row in DATA_RISKS)
        _respond(
            project,
            pm,
            billing,
            strategy="mitigate",
            description="Agree the extract format in the vendor's next change window",
            owner="elena",
            due_date=project.start_date + dt.timedelta(days=20),
            probability=D("0.25"),
            schedule_low=D("2"),
            schedule_likely=D("5"),
            schedule_high=D("10"),
            cost_likely=D("3000"),
            cost_high=D("8000"),
        )
