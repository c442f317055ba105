"""The portfolio dashboard and the resource load with 200 projects: p50, p95 and queries.

Usage (from the repository root; the database is created and migrated when missing):

    uv run python benchmarks/portfolio/dashboard_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/ks_portfolio_bench [--n 30]

Each run builds a fresh organisation with bulk inserts: 200 projects, each with a project
manager, a sponsor, two baselines, 20 scheduled tasks of which 10 are assigned (to 100
people, so everyone works on several projects) and 5 cost entries; the figure providers of
planning and costs are registered as in production, plus a stand-in for control's (SPI,
CPI, EAC, health; no queries). Then, through Django's test client as the PMO (three warm-up
requests, ``--n`` timed ones): the dashboard API, the dashboard page, and the resource load
API and page over 12 weeks. The same pages timed with 20 projects show the query count does
not grow with the portfolio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "execution"))
from run import _measure, _p95, _setup

PROJECTS, PEOPLE, TASKS, ASSIGNED, COSTS = 200, 100, 20, 10, 5


def _aware(day: dt.date, hour: int) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build(count: int) -> Any:
    """An organisation with ``count`` projects; returns its PMO."""
    from keystage.accounts.models import Organisation, User
    from keystage.costs.models import CostEntry
    from keystage.planning.models import Assignment, Baseline, Task
    from keystage.portfolio.models import Project, ProjectMembership

    run = uuid.uuid4().hex[:6].upper()
    today = dt.date.today()
    start = today - dt.timedelta(days=60)
    org = Organisation.objects.create(name=f"Portfolio bench {run}")
    pmo = User.objects.create(
        username=f"pmo-{run.lower()}", organisation=org, org_role="portfolio_owner", password="!"
    )
    people = User.objects.bulk_create(
        User(
            username=f"u{i}-{run.lower()}", first_name=f"Person{i}", organisation=org, password="!"
        )
        for i in range(PEOPLE)
    )
    projects = Project.objects.bulk_create(
        Project(
            organisation=org,
            name=f"Bench project {i}",
            code=f"PF{run}-{i}",
            kind="other",
            start_date=start,
            target_date=start + dt.timedelta(days=300),
            stage=("initiation", "planning", "execution")[i % 3],
        )
        for i in range(count)
    )
    memberships = []
    for i, p in enumerate(projects):
        memberships.append(
            ProjectMembership(project=p, user=people[i % PEOPLE], role="project_manager")
        )
        memberships.append(
            ProjectMembership(project=p, user=people[(i + 1) % PEOPLE], role="sponsor")
        )
    ProjectMembership.objects.bulk_create(memberships)
    Baseline.objects.bulk_create(
        Baseline(
            project=p,
            number=n,
            name=f"B{n}",
            finish_at=_aware(start + dt.timedelta(days=280 + n), 17),
            cost=Decimal(100_000 + 1000 * i),
        )
        for i, p in enumerate(projects)
        for n in (1, 2)
    )
    tasks = Task.objects.bulk_create(
        (
            Task(
                project=p,
                position=k,
                row=k + 1,
                wbs_code=str(k + 1),
                name=f"Task {k + 1}",
                duration_minutes=4800,
                start_at=_aware(start + dt.timedelta(days=7 * k), 8),
                finish_at=_aware(start + dt.timedelta(days=7 * k + 4), 17),
            )
            for p in projects
            for k in range(TASKS)
        ),
        batch_size=5000,
    )
    Assignment.objects.bulk_create(
        (
            Assignment(
                project_id=t.project_id, task=t, person=people[(t.project_id + t.row) % PEOPLE]
            )
            for t in tasks
            if t.row <= ASSIGNED
        ),
        batch_size=5000,
    )
    CostEntry.objects.bulk_create(
        CostEntry(
            project=p,
            kind="invoice",
            category="services",
            description=f"Invoice {k}",
            amount=Decimal(1000 + k),
            date=start + dt.timedelta(days=k),
        )
        for p in projects
        for k in range(COSTS)
    )
    return pmo


def _control(projects: Any) -> dict[int, dict[str, Any]]:
    """Stand-in for control's provider: no queries, plausible figures."""
    return {
        p.pk: {
            "spi": 0.8 + (p.pk % 40) / 100,
            "cpi": 0.85 + (p.pk % 30) / 100,
            "eac": Decimal(110_000),
            "health": ("green", "amber", "red")[p.pk % 3],
        }
        for p in projects
    }


def main() -> None:
    """Build, measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    url = args.database_url if args.database_url.startswith("postgres") else ""
    _setup(url)
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    from keystage.portfolio.dashboard import register_project_figures

    register_project_figures(_control)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday() + 28)
    pages = {
        "Dashboard API": "/api/v1/portfolio/dashboard/",
        "Dashboard page": "/portfolio/dashboard/",
        "Resource load API (12 weeks)": f"/api/v1/portfolio/resource-load/?from={monday}",
        "Resource load page (12 weeks)": f"/portfolio/resource-load/?from={monday}",
    }
    print("| page | projects | p50 ms | p95 ms | queries |")
    print("|---|---:|---:|---:|---:|")
    for count in (20, PROJECTS):
        began = time.perf_counter()
        pmo = build(count)
        print(f"built {count} projects in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        client = Client(HTTP_HOST="localhost")
        client.force_login(pmo)
        for name, path in pages.items():
            response = client.get(path)
            assert response.status_code == 200, (name, response.status_code)
            queries: list[str] = []

            def counter(execute: Any, sql: str, *rest: Any, queries: list[str] = queries) -> Any:
                queries.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(counter):
                client.get(path)
            times = _measure(lambda path=path, client=client: client.get(path), args.n)
            print(
                f"| {name} | {count} | {statistics.median(times):.0f} | {_p95(times):.0f} | "
                f"{len(queries)} |"
            )


if __name__ == "__main__":
    main()
