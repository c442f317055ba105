"""The portfolio dashboard and the resource load with 200 projects: p50, p95 and queries.

Usage (from the repository root; the database is created and migrated when missing):

    uv run python benchmarks/portfolio/dashboard_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/ks_portfolio_bench [--n 30]

Each run builds a fresh organisation with bulk inserts: 200 projects, each with a project
manager, a sponsor, two baselines of its 20 scheduled tasks (each task baselined at 5,000),
progress on the tasks begun by today, 10 tasks assigned (to 100 people, so everyone works on
several projects), 5 cost entries, 40 approved and priced time entries (summed into the
approved-labour summaries as approval would) and three stored KPI states. Every figure
provider is the production one: planning's, costs' and control's (earned value from the
baselines, progress and actuals; health from the KPI states). Then, through Django's test
client as the PMO (three warm-up requests, ``--n`` timed ones): the dashboard API, the
dashboard page, and the resource load API and page over 12 weeks. The same pages with 20
projects: the run asserts each page makes as many queries with 200 projects as with 20.

Control's earned value comes from the stored summaries (``control.evm_snapshots``). Bulk
inserts fire no commit hooks, so the dashboard is first timed with **no stored summary**
(every project computed live, ``--n-live`` requests: the fallback), then the summaries are
refreshed as ``keystage kpi check`` does (timed) and every page is timed with them current.
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
    from django.utils import timezone

    from keystage.accounts.models import Organisation, User
    from keystage.control.models import KpiState
    from keystage.costs.models import CostEntry
    from keystage.execution.models import TimeEntry, Timesheet
    from keystage.execution.services import labour
    from keystage.planning.models import Assignment, Baseline, BaselineTask, Task
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
    plan = str(TASKS * 5000)
    baselines = Baseline.objects.bulk_create(
        Baseline(
            project=p,
            number=n,
            name=f"B{n}",
            start_at=_aware(start, 8),
            finish_at=_aware(start + dt.timedelta(days=7 * TASKS - 3), 17),
            cost=Decimal(plan),
            budget={"subtotal": plan, "contingency": "0", "months": [], "categories": []},
        )
        for p in projects
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
                # begun by today: done one week in two, else part done (behind the plan)
                actual_start=start + dt.timedelta(days=7 * k) if 7 * k <= 60 else None,
                actual_finish=start + dt.timedelta(days=7 * k + 6)
                if 7 * k < 50 and k % 2
                else None,
                percent_complete=(100 if 7 * k < 50 and k % 2 else 40) if 7 * k <= 60 else 0,
            )
            for p in projects
            for k in range(TASKS)
        ),
        batch_size=5000,
    )
    by_project: dict[int, list[Any]] = {}
    for t in tasks:
        by_project.setdefault(t.project_id, []).append(t)
    BaselineTask.objects.bulk_create(
        (
            BaselineTask(
                baseline=b,
                task=t,
                task_public_id=t.public_id,
                row=t.row,
                wbs_code=t.wbs_code,
                name=t.name,
                start_at=t.start_at,
                finish_at=t.finish_at,
                duration_minutes=t.duration_minutes,
                cost=Decimal(5000),
            )
            for b in baselines
            for t in by_project[b.project_id]
        ),
        batch_size=5000,
    )
    weeks = [start - dt.timedelta(days=start.weekday()) + dt.timedelta(weeks=w) for w in range(8)]
    sheets = Timesheet.objects.bulk_create(
        Timesheet(project=p, person=people[i % PEOPLE], week_start=w, status="approved")
        for i, p in enumerate(projects)
        for w in weeks
    )
    TimeEntry.objects.bulk_create(
        (
            TimeEntry(
                project_id=s.project_id,
                timesheet=s,
                task=by_project[s.project_id][d % 4],
                person_id=s.person_id,
                day=s.week_start + dt.timedelta(days=d),
                hours=Decimal(8),
                rate=Decimal(90),
                amount=Decimal(720),
            )
            for s in sheets
            for d in range(5)
        ),
        batch_size=5000,
    )
    labour.rebuild([p.pk for p in projects])  # as approval would have summed them
    now = timezone.now()
    KpiState.objects.bulk_create(
        KpiState(
            project=p,
            key=key,
            rag=("green", "amber", "red")[(i + k) % 3],
            reason=f"{key} outside its threshold" if (i + k) % 3 else "",
            checked_at=now,
            changed_at=now,
        )
        for i, p in enumerate(projects)
        for k, key in enumerate(("spi_t", "cpi", "milestones_late"))
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


def main() -> None:
    """Build, measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--n-live", type=int, default=10, help="timed requests without rows")
    args = parser.parse_args()
    url = args.database_url if args.database_url.startswith("postgres") else ""
    _setup(url)
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday() + 28)
    pages = {
        "Dashboard API": "/api/v1/portfolio/dashboard/",
        "Dashboard page": "/portfolio/dashboard/",
        "Resource load API (12 weeks)": f"/api/v1/portfolio/resource-load/?from={monday}",
        "Resource load page (12 weeks)": f"/portfolio/resource-load/?from={monday}",
    }
    from keystage.control.evm_snapshots import refresh
    from keystage.portfolio.models import Project

    counted: dict[str, dict[int, int]] = {}
    print("| page | projects | EVM summaries | p50 ms | p95 ms | queries |")
    print("|---|---:|---|---:|---:|---:|")

    def time_page(name: str, path: str, count: int, client: Any, mode: str, n: int) -> None:
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        queries: list[str] = []

        def counter(execute: Any, sql: str, *rest: Any) -> Any:
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(counter):
            client.get(path)
        counted.setdefault(f"{name} ({mode})", {})[count] = len(queries)
        times = _measure(lambda: client.get(path), n)
        print(
            f"| {name} | {count} | {mode} | {statistics.median(times):.0f} | "
            f"{_p95(times):.0f} | {len(queries)} |"
        )

    for count in (20, PROJECTS):
        began = time.perf_counter()
        pmo = build(count)
        print(f"built {count} projects in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        client = Client(HTTP_HOST="localhost")
        client.force_login(pmo)
        for name in ("Dashboard API", "Dashboard page"):
            time_page(name, pages[name], count, client, "none: computed live", args.n_live)
        mine = Project.objects.filter(organisation_id=pmo.organisation_id)
        ids = list(mine.values_list("pk", flat=True))
        began = time.perf_counter()
        stored = refresh(ids)
        print(
            f"refreshed {stored} of {len(ids)} summaries in {time.perf_counter() - began:.2f} s",
            file=sys.stderr,
        )
        for name, path in pages.items():
            mode = "stored" if name.startswith("Dashboard") else "—"
            time_page(name, path, count, client, mode, args.n)
    for name, by_count in counted.items():  # the query count does not grow with the portfolio
        assert len(set(by_count.values())) == 1, (name, by_count)


if __name__ == "__main__":
    main()
