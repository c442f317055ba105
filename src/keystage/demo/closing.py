"""Stage 5 of the demo: BI-SALES's nearly complete closing file, CRM-LEGACY's short review.

BI-SALES (in Closing): the handover to BI support with most checklist items done but not
yet signed by the receiving support lead, the end-user training done, the post-project
review held with its lessons. CRM-LEGACY (cancelled at its first gate): a short review with
two lessons, written before the no-go makes it read-only. Everything goes through the
services, as a user would write it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from keystage.accounts.models import User
from keystage.accounts.roles import ProjectRole
from keystage.closing.handover.services import HANDOVER_ITEMS, handover_save
from keystage.closing.review.services import LESSONS, review_save
from keystage.closing.training.services import (
    TRAINING_SESSIONS,
    attendance_set,
    training_plan_save,
)
from keystage.portfolio import services as portfolio
from keystage.portfolio.models import Project

CHECKLIST = [
    ("Service desk and BI support have access to the warehouse and the BI tool", True),
    ("Runbook for the nightly loads reviewed with BI support", True),
    ("Monitoring and alerting of failed refreshes handed over", True),
    ("Licence and vendor contacts transferred", True),
    ("Walkthrough of the margin model's known limits", False),
]
SESSIONS = [
    ("Pipeline dashboard for account managers", "Account managers", 30, "Elena Petrova", 16),
    ("Margin and churn for sales leads", "Sales leads", 24, "Elena Petrova", 12),
    ("Self-service reports for sales operations", "Sales operations", 12, "Mateo Rossi", 10),
]
BI_LESSONS = [
    (
        "Data-source access came weeks late",
        "vendors",
        "planning",
        "The CRM vendor took five weeks to grant API access to the opportunity data; "
        "the first dashboard slipped by a month (vendor delay).",
        "Request data-source access and API keys at initiation, with a named vendor "
        "contact and a date in the contract.",
        "vendor, data access, delay",
    ),
    (
        "Early mock-ups settled the metric definitions",
        "stakeholders",
        "planning",
        "Paper mock-ups in week two surfaced three competing definitions of margin "
        "before any data work started.",
        "Agree metric definitions on mock-ups with the business owner before building.",
        "dashboards, requirements, metrics, analytics",
    ),
    (
        "Test data lacked the edge cases of real deals",
        "quality",
        "execution",
        "Synthetic test data hid multi-currency deals; production figures differed in "
        "the first week.",
        "Test with an anonymised copy of production data, including currencies.",
        "testing, data quality",
    ),
    (
        "Training by role beat one big session",
        "resources",
        "closing",
        "Short sessions per role had 90 % attendance; the single all-hands demo in the "
        "pilot had 40 %.",
        "Plan end-user training per role, close to go-live, with the trainer who built it.",
        "training, adoption",
    ),
]
CRM_LESSONS = [
    (
        "Vendor end-of-support was known too late",
        "vendors",
        "initiation",
        "The vendor announced the end of support for our release after the proposal was "
        "written; the upgrade lost its business case (vendor delay of the roadmap).",
        "Check the vendor's support roadmap before writing the proposal of an upgrade.",
        "vendor, licensing, roadmap",
    ),
    (
        "Stop early rather than upgrade a dead end",
        "risk",
        "initiation",
        "The no-go at the first gate saved the planned six months of work.",
        "Use the Initiation gate to stop: a cancelled idea costs little.",
        "governance, gates",
    ),
]


def _lessons(project: Project, pm: User, rows: Sequence[tuple[str, ...]]) -> None:
    for title, category, stage, happened, recommendation, tags in rows:
        LESSONS.create(
            who=pm,
            project=project,
            data={
                "title": title,
                "category": category,
                "stage": stage,
                "what_happened": happened,
                "recommendation": recommendation,
                "tags": tags,
            },
        )


def load_closing_file(
    *, project: Project, users: dict[str, User], pm: User, today: dt.date
) -> None:
    """BI-SALES: handover nearly done (not signed), training done, review held."""
    lead = users["chen"]
    portfolio.member_add(
        who=users["admin"], project=project, user=lead, role=ProjectRole.STAKEHOLDER
    )
    handover_save(
        who=pm,
        project=project,
        version=None,
        data={
            "support_lead": lead,
            "support_model": "hybrid",
            "support_group": "Northwind service desk (first line)",
            "support_contact": "bi-support@northwind.example · queue BI-SUPPORT",
            "support_hours": "Mon–Fri 07:00–19:00 CET; month-end close 24/7",
            "support_team": "Chen Wei\nElena Petrova (until the end of the quarter)",
            "runbook_links": "https://wiki.northwind.example/bi/nightly-loads\n"
            "https://wiki.northwind.example/bi/dashboard-refresh",
        },
    )
    for title, done in CHECKLIST:
        HANDOVER_ITEMS.create(who=pm, project=project, data={"title": title, "done": done})
    training_plan_save(who=pm, project=project, version=None, data={"users_to_train": 40})
    for number, (title, audience, invited, trainer, attended) in enumerate(SESSIONS):
        session = TRAINING_SESSIONS.create(
            who=pm,
            project=project,
            data={
                "title": title,
                "audience": audience,
                "session_date": today - dt.timedelta(days=20 - 5 * number),
                "trainer": trainer,
                "invited": invited,
                "materials_link": "https://wiki.northwind.example/bi/training",
            },
        )
        names = [f"{audience.removesuffix('s')} {i + 1}" for i in range(attended)]
        attendance_set(who=pm, session=session, version=session.version, names=names, people=[])
    review_save(
        who=pm,
        project=project,
        version=None,
        data={
            "held_on": today - dt.timedelta(days=3),
            "facilitator": "Paula Moreno (PMO)",
            "attendees": "Sofia Marin\nHannah Brooks\nElena Petrova\nMateo Rossi\nChen Wei",
            "went_well": "Sales adopted the dashboards within two weeks; the budget held.",
            "went_badly": "Data-source access from the CRM vendor came five weeks late.",
        },
    )
    _lessons(project, pm, BI_LESSONS)


def load_cancelled_review(*, project: Project, pm: User, today: dt.date) -> None:
    """CRM-LEGACY: a short review and two lessons, before the no-go closes it."""
    review_save(
        who=pm,
        project=project,
        version=None,
        data={
            "held_on": min(today, project.start_date + dt.timedelta(days=45)),
            "attendees": "Priya Natarajan\nHannah Brooks\nJonas Keller",
            "went_well": "The feasibility study found the vendor's end of support in time.",
            "went_badly": "The proposal was written before the vendor's roadmap was checked.",
        },
    )
    _lessons(project, pm, CRM_LESSONS)
