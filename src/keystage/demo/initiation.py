"""Initiation records of the demo portfolio: proposals, business cases, feasibility studies,
stakeholders and research notes, written through the initiation services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from keystage.accounts.models import User
from keystage.initiation import attachments, services
from keystage.portfolio.models import Project

# Projects the board let through without the full initiation file (kept on the gate record).
GATE_OVERRIDES = {
    "NET-27": "Safety-critical replacement of end-of-life switches; the CIO waived the full "
    "business case and stakeholder review.",
    "BI-SALES": "Small, self-funded by Sales; no separate business case was required.",
}

D = Decimal
# A small file attached to a research note, to show attachments in the demo.
NOTE_FILES: dict[str, tuple[str, str]] = {
    "Vendor managed-edition pricing": (
        "managed-edition-quote.csv",
        "item,quantity,unit price,total\n"
        "Named users,180,42.00,7560.00\n"
        "Environments (prod, test, dev),3,1800.00,5400.00\n"
        "99.9 % SLA uplift,1,950.00,950.00\n"
        "Monthly total,,,13910.00\n",
    ),
}
# name, kind, recurrence, start, end, low, likely, high (thousands)
Line = tuple[str, str, str, int, int | None, int, int, int]

INITIATION: dict[str, dict[str, Any]] = {
    "ERP-CLOUD": {
        "proposal": {
            "objective": "Move the on-premises ERP to a managed cloud platform, retire two "
            "data-centre racks and cut licence and hosting costs by 30 %.",
            "problem": "The data-centre lease ends next year and the ERP servers leave vendor "
            "support in 14 months. Month-end closing takes four days because batch jobs queue "
            "on ageing hardware.",
            "options": "1. Renew the lease and refresh the hardware (capex 1.1 M).\n"
            "2. Lift and shift the ERP to IaaS virtual machines.\n"
            "3. Re-platform onto the vendor's managed cloud edition (recommended).",
            "requested_by": "Dana Whitfield, Chief Financial Officer",
            "estimated_budget": D("780000"),
            "estimated_duration_days": 300,
        },
        "case": {"discount_rate": D("8.00"), "horizon": 5},
        "lines": [
            ("Migration partner", "cost", "one_off", 0, None, 280, 320, 410),
            ("Data migration and testing", "cost", "one_off", 0, None, 60, 80, 120),
            ("Managed cloud subscription", "cost", "recurring", 1, 5, 95, 110, 130),
            ("Hosting and hardware savings", "benefit", "recurring", 1, 5, 150, 185, 200),
            ("Licence savings", "benefit", "recurring", 1, 5, 60, 75, 80),
            ("Resale of retired servers", "benefit", "one_off", 1, None, 20, 30, 35),
        ],
        "feasibility": {
            "technical_score": 4,
            "technical_findings": "The vendor's managed edition supports our customisations "
            "except two reports, which will be rebuilt.",
            "economic_score": 4,
            "economic_findings": "Positive NPV over five years; payback in under three years.",
            "operational_score": 3,
            "operational_findings": "Service desk needs training on the cloud console.",
            "schedule_score": 3,
            "schedule_findings": "Tight before the lease ends; cut-over at a quarter end.",
            "legal_score": 5,
            "legal_findings": "EU data residency confirmed in the vendor contract.",
            "recommendation": "proceed_with_conditions",
            "conditions": "Pilot with the Rotterdam business unit before the full cut-over.",
        },
        # name, role, organisation, influence, interest, key, signer (username or None)
        "stakeholders": [
            ("Dana Whitfield", "CFO, budget owner", "Finance", 9, 8, True, "dana"),
            ("Omar Haddad", "CIO", "IT", 8, 9, True, "dana"),
            ("Hannah Brooks", "Head of Sales operations", "Sales", 5, 7, False, None),
            ("Warehouse supervisors", "Daily ERP users", "Operations", 3, 8, False, None),
            ("External auditor", "Reviews financial controls", "KPMG", 7, 3, False, None),
        ],
        "notes": [
            (
                "Vendor managed-edition pricing",
                "Quote for 180 named users, three environments, 99.9 % SLA. Price held for "
                "90 days; a 3-year commitment gives a further 8 % discount.",
            ),
            (
                "Peer benchmark: Contoso Freight",
                "Contoso migrated the same ERP release last year in nine months; their main "
                "delay was data cleansing of customer master data.",
            ),
        ],
    },
    "DATA-PLAT": {
        "proposal": {
            "objective": "One governed platform for customer, shipment and billing data, "
            "feeding analytics and the customer portal.",
            "problem": "Customer data lives in five systems; analysts spend two days a week "
            "reconciling extracts and churn is noticed months too late.",
            "options": "1. Keep point-to-point extracts.\n2. Buy a packaged CDP.\n"
            "3. Build on the existing cloud data warehouse (recommended).",
            "requested_by": "Omar Haddad, Chief Information Officer",
            "estimated_budget": D("950000"),
            "estimated_duration_days": 270,
        },
        "case": {"discount_rate": D("9.00"), "horizon": 5},
        "lines": [
            ("Platform build", "cost", "one_off", 0, None, 350, 420, 560),
            ("Data engineering team", "cost", "recurring", 1, 5, 120, 140, 170),
            ("Warehouse and tool licences", "cost", "recurring", 1, 5, 40, 50, 60),
            ("Analyst time saved", "benefit", "recurring", 1, 5, 90, 130, 160),
            ("Churn reduction", "benefit", "recurring", 2, 5, 60, 180, 240),
            ("Reporting consolidation", "benefit", "recurring", 1, 5, 30, 40, 45),
        ],
        "feasibility": {
            "technical_score": 3,
            "technical_findings": "Billing system has no change-data capture; nightly "
            "extracts needed at first.",
            "economic_score": 4,
            "economic_findings": "NPV depends on the churn benefit, which is uncertain.",
            "operational_score": 3,
            "operational_findings": "Needs data owners in each business unit.",
            "schedule_score": 2,
            "schedule_findings": "Competes with the ERP migration for data engineers.",
            "legal_score": 4,
            "legal_findings": "A data protection impact assessment is required before build.",
            "recommendation": "proceed_with_conditions",
            "conditions": "Complete the DPIA and secure two data engineers before Planning.",
        },
        "stakeholders": [
            ("Omar Haddad", "CIO, sponsor", "IT", 9, 9, True, "omar"),
            ("Dana Whitfield", "CFO", "Finance", 8, 6, True, None),
            ("Data protection officer", "GDPR compliance", "Legal", 7, 6, True, None),
            ("Hannah Brooks", "Head of Sales operations", "Sales", 6, 9, False, None),
            ("Customer service team", "Portal users", "Customer service", 3, 7, False, None),
        ],
        "notes": [
            (
                "Packaged CDP shortlist",
                "Two vendors demoed; both need a separate identity-resolution licence and "
                "would duplicate the warehouse we already run.",
            ),
        ],
    },
}


def load_initiation(*, project: Project, users: dict[str, User], pm: User, today: dt.date) -> None:
    """Write the demo initiation file of ``project`` if one is defined."""
    spec = INITIATION.get(project.code)
    if spec is None:
        return
    services.proposal_save(who=pm, project=project, version=None, data=spec["proposal"])
    services.business_case_save(who=pm, project=project, version=None, data=spec["case"])
    for name, kind, recurrence, start, end, low, likely, high in spec["lines"]:
        services.line_create(
            who=pm,
            project=project,
            data={
                "name": name,
                "kind": kind,
                "recurrence": recurrence,
                "period_start": start,
                "period_end": end,
                "amount_low": D(low) * 1000,
                "amount_likely": D(likely) * 1000,
                "amount_high": D(high) * 1000,
            },
        )
    services.feasibility_save(who=pm, project=project, version=None, data=spec["feasibility"])
    signed_on = min(project.start_date - dt.timedelta(days=10), today)
    for name, role, org, influence, interest, key, signer in spec["stakeholders"]:
        person = services.stakeholder_create(
            who=pm,
            project=project,
            data={
                "name": name,
                "role": role,
                "organisation": org,
                "influence": influence,
                "interest": interest,
                "is_key": key,
                "expectations": "Lower running costs and no disruption at month end."
                if key
                else "Timely information about changes that affect their work.",
                "strategy": "Manage closely: steering committee every two weeks."
                if key
                else "Keep informed: monthly newsletter and demos.",
            },
        )
        if signer:
            services.stakeholder_sign_off(
                who=users[signer],
                stakeholder=person,
                version=person.version,
                comment="Reviewed the proposal and business case; agreed.",
                date=signed_on,
            )
    for title, body in spec["notes"]:
        note = services.note_create(who=pm, project=project, data={"title": title, "body": body})
        if title in NOTE_FILES:
            name, content = NOTE_FILES[title]
            attachments.attachment_create(
                who=pm, note=note, upload=SimpleUploadedFile(name, content.encode())
            )
