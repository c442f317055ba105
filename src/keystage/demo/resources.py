"""Resources of the demo portfolio: the skill catalogue, everyone's skills, capacity,
rates and absences, and each project's equipment and procurement — through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from keystage.accounts.models import User
from keystage.portfolio.models import Project
from keystage.resources import services, supplies

D = Decimal
SKILLS: dict[str, str] = {
    "Python": "Python development and scripting.",
    "Django": "Web applications with Django and DRF.",
    "PostgreSQL": "Relational modelling, SQL tuning, operations.",
    "DevOps": "CI/CD pipelines, infrastructure as code, monitoring.",
    "Kubernetes": "Container platforms and their operations.",
    "Networking": "LAN/WAN, switching, routing, Wi-Fi.",
    "Security": "Hardening, firewalls, identity and access.",
    "Business analysis": "Requirements, processes, acceptance criteria.",
    "Testing": "Test design, automation and user acceptance.",
    "UX": "User research, interaction and visual design.",
    "Data engineering": "Pipelines, warehousing and data quality.",
    "Project management": "Planning, risk, stakeholders and delivery.",
}

# username: (job title or "", capacity %, rate per hour, weekdays, {skill: level})
PEOPLE: dict[str, tuple[str, int, str, str, dict[str, int]]] = {
    "admin": ("", 50, "48", "12345", {"DevOps": 3, "Networking": 3, "Security": 3}),
    "pmo": ("", 40, "110", "12345", {"Project management": 5, "Business analysis": 4}),
    "dana": ("", 10, "120", "12345", {"Business analysis": 4}),
    "omar": (
        "",
        10,
        "120",
        "12345",
        {"Project management": 3, "Security": 3, "Business analysis": 3},
    ),
    "priya": (
        "",
        100,
        "95",
        "12345",
        {"Project management": 5, "Business analysis": 4, "Testing": 2},
    ),
    "lukas": ("", 100, "90", "12345", {"Project management": 4, "Networking": 4, "DevOps": 2}),
    "sofia": (
        "",
        100,
        "90",
        "12345",
        {"Project management": 4, "Data engineering": 3, "Business analysis": 3},
    ),
    "chen": (
        "Principal cloud architect",
        100,
        "105",
        "12345",
        {
            "Kubernetes": 5,
            "DevOps": 5,
            "Security": 4,
            "Python": 3,
            "Networking": 3,
            "PostgreSQL": 3,
        },
    ),
    "amara": ("", 90, "72", "12345", {"Networking": 5, "Security": 4, "DevOps": 2}),
    "jonas": (
        "",
        100,
        "85",
        "12345",
        {"Python": 5, "Django": 5, "PostgreSQL": 4, "Testing": 3, "DevOps": 2, "UX": 2},
    ),
    "elena": (
        "",
        100,
        "88",
        "1234",
        {"Data engineering": 5, "PostgreSQL": 5, "Python": 4, "Kubernetes": 2},
    ),
    "mateo": (
        "",
        100,
        "62",
        "12345",
        {"Testing": 5, "Python": 3, "UX": 3, "Business analysis": 2},
    ),
    "hannah": ("", 20, "58", "12345", {"Business analysis": 4, "UX": 2}),
}

# username, first day (days from today), length (days), reason
ABSENCES = [
    ("jonas", 20, 12, "Summer holiday"),
    ("chen", 45, 3, "Cloud conference"),
    ("amara", 10, 5, "Holiday"),
    ("priya", 60, 10, "Parental leave"),
    ("elena", -6, 3, "Sick leave"),
    ("mateo", 90, 4, "ISTQB training"),
    ("lukas", 35, 2, "Moving house"),
    ("hannah", 14, 5, "Holiday"),
]

# code: (equipment, procurement); days are offsets from the project's start.
# equipment: name, category, quantity, unit cost, basis, from, until, status, notes
# procurement: name, supplier, category, cost, status, ordered, delivered, notes
Equip = tuple[str, str, int, str, str, int | None, int | None, str, str]
Buy = tuple[str, str, str, str, str, int | None, int | None, str]
PROJECT_RESOURCES: dict[str, tuple[list[Equip], list[Buy]]] = {
    "ERP-CLOUD": (
        [
            (
                "Migration staging servers (rented)",
                "Servers",
                2,
                "35",
                "per_day",
                30,
                150,
                "in_use",
                "Two VMs sized like production for rehearsal migrations.",
            ),
            ("Test laptops for key users", "Devices", 6, "1150", "one_off", 120, 220, "booked", ""),
            (
                "VPN appliance for cut-over",
                "Network",
                1,
                "2400",
                "one_off",
                250,
                290,
                "planned",
                "",
            ),
        ],
        [
            (
                "Managed cloud ERP subscription (year 1)",
                "Vendora Cloud",
                "licence",
                "110000",
                "delivered",
                20,
                40,
                "Annual, renews automatically.",
            ),
            ("Migration partner", "Atlas Consulting", "services", "320000", "ordered", 25, 200, ""),
            ("Data migration tool", "MoveData Inc", "software", "18500", "delivered", 30, 45, ""),
            (
                "Backup storage expansion",
                "StoreAll",
                "hardware",
                "24000",
                "requested",
                None,
                170,
                "",
            ),
            (
                "Cut-over weekend support",
                "Atlas Consulting",
                "services",
                "12000",
                "planned",
                None,
                270,
                "",
            ),
        ],
    ),
    "NET-27": (
        [
            (
                "Spectrum analyser (rental)",
                "Test equipment",
                1,
                "120",
                "per_day",
                20,
                60,
                "booked",
                "For the Wi-Fi 7 site surveys.",
            ),
            ("Spare access switches", "Network", 10, "640", "one_off", 60, None, "planned", ""),
            (
                "Lift platform for ceiling work",
                "Site works",
                1,
                "95",
                "per_day",
                70,
                85,
                "planned",
                "",
            ),
        ],
        [
            (
                "Core switches, two per site",
                "NetSec Ltd",
                "hardware",
                "96000",
                "ordered",
                10,
                60,
                "",
            ),
            (
                "Wi-Fi 7 access points (180)",
                "AirWave",
                "hardware",
                "81000",
                "requested",
                None,
                75,
                "",
            ),
            (
                "Network management licences",
                "NetSec Ltd",
                "licence",
                "14500",
                "planned",
                None,
                80,
                "",
            ),
            ("Structured cabling", "CableCo", "services", "38000", "ordered", 15, 90, ""),
            (
                "Firewall licence renewal",
                "NetSec Ltd",
                "licence",
                "9000",
                "cancelled",
                None,
                None,
                "Covered by the existing enterprise agreement.",
            ),
        ],
    ),
    "DATA-PLAT": (
        [
            (
                "GPU workstations for data science",
                "Devices",
                2,
                "4800",
                "one_off",
                40,
                None,
                "planned",
                "",
            )
        ],
        [
            ("Data catalogue licence", "Catalogix", "licence", "42000", "planned", None, 60, ""),
            (
                "Cloud data warehouse credits",
                "Vendora Cloud",
                "software",
                "60000",
                "requested",
                None,
                30,
                "",
            ),
        ],
    ),
    "DC-REFRESH": (
        [("Temporary rack space", "Data centre", 2, "40", "per_day", 0, 60, "planned", "")],
        [
            (
                "Hyper-converged cluster (4 nodes)",
                "ServerWorks",
                "hardware",
                "168000",
                "requested",
                None,
                45,
                "On hold with the project.",
            )
        ],
    ),
}


def load_people(*, users: dict[str, User], today: dt.date) -> None:
    """The skill catalogue, each person's profile and skills, and a few absences."""
    admin = users["admin"]
    for name, description in SKILLS.items():
        services.skill_create(who=admin, name=name, description=description)
    for username, (title, capacity, rate, weekdays, levels) in PEOPLE.items():
        person = users[username]
        changes: dict[str, Any] = {
            "capacity_percent": capacity,
            "cost_rate": D(rate),
            "working_weekdays": weekdays,
        }
        if title:
            changes["job_title"] = title
        profile = services.profile_update(who=admin, person=person, version=None, changes=changes)
        services.person_skills_replace(
            who=admin, person=person, levels=list(levels.items()), version=profile.version
        )
    for username, offset, length, reason in ABSENCES:
        start = today + dt.timedelta(days=offset)
        services.absence_create(
            who=users[username],
            person=users[username],
            data={
                "start_date": start,
                "end_date": start + dt.timedelta(days=length - 1),
                "reason": reason,
            },
        )


def _day(project: Project, offset: int | None) -> dt.date | None:
    return None if offset is None else project.start_date + dt.timedelta(days=offset)


def load_project_resources(*, project: Project, pm: User) -> None:
    """The project's equipment and procurement, written by its manager."""
    equipment, procurement = PROJECT_RESOURCES.get(project.code, ([], []))
    for name, category, qty, unit, basis, first, last, status, notes in equipment:
        supplies.equipment_create(
            who=pm,
            project=project,
            data={
                "name": name,
                "category": category,
                "quantity": qty,
                "unit_cost": D(unit),
                "cost_basis": basis,
                "needed_from": _day(project, first),
                "needed_until": _day(project, last),
                "status": status,
                "notes": notes,
            },
        )
    for name, supplier, category, cost, status, ordered, delivered, notes in procurement:
        supplies.procurement_create(
            who=pm,
            project=project,
            data={
                "name": name,
                "supplier": supplier,
                "category": category,
                "cost": D(cost),
                "status": status,
                "order_date": _day(project, ordered),
                "delivery_date": _day(project, delivered),
                "notes": notes,
            },
        )
