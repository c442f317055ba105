"""My work, the timesheet week and the budget page at scale, against a plain-SQL floor.

Usage (from the repository root; the database is created and migrated when missing):

    uv run python benchmarks/execution/run.py \\
        --database-url postgres://postgres@127.0.0.1:5432/ks_execution_bench [--n 30]

Each run builds a fresh organisation with bulk inserts: one person on 10 projects of 2,000
leaf tasks each, every task assigned to them (20,000 assignments). Tasks start one after
another over two years centred on today, two working days each; those finished more than a
week ago are done, except every 200th (overdue). A budget project of 200 tasks where 50
people have 50,000 approved, priced time entries. Then, through Django's test client (signed
in, three warm-up requests, ``--n`` timed ones): My work, the person's timesheet week of the
first project, and the budget project's budget page; per page p50, p95 and the queries of
one request (counted with ``execute_wrapper``; the same on three requests and under
``MAX_QUERIES``, asserted). The peer is the floor: the same rows read with one plain SQL
query through psycopg (SQLite's module without a PostgreSQL URL), timed the same way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

PROJECTS, TASKS, BUDGET_TASKS, BUDGET_PEOPLE, ENTRIES = 10, 2000, 200, 50, 50_000
MAX_QUERIES = 40  # a page's statements, whatever the number of rows (asserted)


def _ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` if it does not exist."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(url: str) -> None:
    if url:
        os.environ["DATABASE_URL"] = url
        _ensure_database(url)
    else:
        print("No --database-url: measuring on SQLite.", file=sys.stderr)
    os.environ.setdefault("KEYSTAGE_DATA_DIR", tempfile.mkdtemp(prefix="ks-exec-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # as `keystage migrate` does


def _aware(day: dt.date, hour: int) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build() -> dict[str, Any]:
    """The organisation, the person, their projects and the budget project with its entries."""
    from keystage.accounts.models import Organisation, User
    from keystage.execution.models import TimeEntry, Timesheet
    from keystage.execution.services.timesheet_rules import week_start
    from keystage.planning.models import Assignment, Task
    from keystage.portfolio.models import Project, ProjectMembership

    run = uuid.uuid4().hex[:6].upper()
    today = dt.date.today()
    start = today - dt.timedelta(days=365)
    org = Organisation.objects.create(name=f"Execution bench {run}")
    me = User.objects.create(username=f"me-{run.lower()}", organisation=org, password="!")
    projects = Project.objects.bulk_create(
        Project(
            organisation=org,
            name=f"Bench {i}",
            code=f"EX{run}-{i}",
            kind="other",
            start_date=start,
            target_date=start + dt.timedelta(days=800),
            stage="execution",
        )
        for i in range(PROJECTS + 1)
    )
    budget_project = projects[-1]
    ProjectMembership.objects.bulk_create(
        ProjectMembership(project=p, user=me, role="team_member") for p in projects[:-1]
    )
    ProjectMembership.objects.create(project=budget_project, user=me, role="project_manager")
    tasks = []
    for p in projects[:-1]:
        for i in range(TASKS):
            first = start + dt.timedelta(days=i * 730 // TASKS)
            last = first + dt.timedelta(days=2)
            done = last < today - dt.timedelta(days=7) and i % 200 != 0
            tasks.append(
                Task(
                    project=p,
                    position=i,
                    row=i + 1,
                    wbs_code=str(i + 1),
                    name=f"Task {i + 1}",
                    duration_minutes=960,
                    work_hours=Decimal(16),
                    start_at=_aware(first, 8),
                    finish_at=_aware(last, 17),
                    actual_start=first if done else None,
                    actual_finish=last if done else None,
                    percent_complete=100 if done else 0,
                )
            )
    tasks = Task.objects.bulk_create(tasks, batch_size=5000)
    Assignment.objects.bulk_create(
        (Assignment(project_id=t.project_id, task=t, person=me, units_percent=50) for t in tasks),
        batch_size=5000,
    )
    # the budget project: 50 people, 200 tasks, 50,000 approved entries over 200 weekdays
    people = User.objects.bulk_create(
        User(username=f"p{i}-{run.lower()}", organisation=org, password="!")
        for i in range(BUDGET_PEOPLE)
    )
    ProjectMembership.objects.bulk_create(
        ProjectMembership(project=budget_project, user=u, role="team_member") for u in people
    )
    btasks = Task.objects.bulk_create(
        Task(
            project=budget_project,
            position=i,
            row=i + 1,
            wbs_code=str(i + 1),
            name=f"Work {i + 1}",
            start_at=_aware(start, 8),
            finish_at=_aware(today, 17),
        )
        for i in range(BUDGET_TASKS)
    )
    days = [start + dt.timedelta(days=d) for d in range(400) if (start.weekday() + d) % 7 < 5]
    per_person = ENTRIES // BUDGET_PEOPLE
    sheets = {}
    for u in people:
        for d in days[: per_person // 5]:
            sheets.setdefault((u.pk, week_start(d)), None)
    created = Timesheet.objects.bulk_create(
        Timesheet(project=budget_project, person_id=pk, week_start=w, status="approved")
        for pk, w in sheets
    )
    sheet_of = {(s.person_id, s.week_start): s for s in created}
    entries = []
    for n, u in enumerate(people):
        for d in days[: per_person // 5]:
            for k in range(5):
                task = btasks[(n * 5 + k) % BUDGET_TASKS]
                entries.append(
                    TimeEntry(
                        project=budget_project,
                        timesheet=sheet_of[(u.pk, week_start(d))],
                        task=task,
                        person=u,
                        day=d,
                        hours=Decimal("1.5"),
                        rate=Decimal(80),
                        amount=Decimal(120),
                    )
                )
    TimeEntry.objects.bulk_create(entries, batch_size=5000)
    return {"me": me, "projects": projects[:-1], "budget": budget_project, "today": today}


def _measure(call: Callable[[], Any], n: int) -> list[float]:
    for _ in range(3):
        call()
    times = []
    for _ in range(n):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return times


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


def _floor_queries(world: dict[str, Any]) -> dict[str, tuple[str, tuple[Any, ...]]]:
    from keystage.execution.services.timesheet_rules import week_start

    monday = week_start(world["today"])
    week_end = _aware(monday + dt.timedelta(days=7), 0)
    return {
        "My work": (
            "SELECT t.id, t.name, t.start_at, t.finish_at, t.percent_complete, p.code "
            "FROM planning_assignment a JOIN planning_task t ON t.id = a.task_id "
            "JOIN portfolio_project p ON p.id = t.project_id "
            "WHERE a.person_id = %s AND NOT t.is_summary AND t.actual_finish IS NULL "
            "AND (t.start_at < %s OR t.actual_start IS NOT NULL) ORDER BY t.finish_at",
            (world["me"].pk, week_end),
        ),
        "Timesheet week": (
            "SELECT t.id, t.name, e.day, e.hours FROM planning_assignment a "
            "JOIN planning_task t ON t.id = a.task_id LEFT JOIN execution_timeentry e "
            "ON e.task_id = t.id AND e.person_id = a.person_id AND e.day BETWEEN %s AND %s "
            "WHERE a.person_id = %s AND a.project_id = %s ORDER BY t.row",
            (monday, monday + dt.timedelta(days=6), world["me"].pk, world["projects"][0].pk),
        ),
        "Budget page": (
            "SELECT date_trunc('month', day), sum(amount) FROM execution_timeentry e "
            "JOIN execution_timesheet s ON s.id = e.timesheet_id "
            "WHERE e.project_id = %s AND s.status = 'approved' GROUP BY 1 ORDER BY 1",
            (world["budget"].pk,),
        ),
    }


def _floor(sql: str, params: tuple[Any, ...], url: str, n: int) -> list[float]:
    if url:
        import psycopg

        with psycopg.connect(url) as conn:
            return _measure(lambda: conn.execute(sql, params).fetchall(), n)
    from django.db import connection

    sql = sql.replace("date_trunc('month', day)", "strftime('%%Y-%%m', day)")

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return _measure(run, n)


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
    from django.urls import reverse

    from keystage.execution.selectors.my_work import my_work
    from keystage.execution.services.timesheet_rules import week_start

    began = time.perf_counter()
    world = build()
    if url:  # fresh statistics, as autovacuum would gather them after such a load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"built in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    # As Django's test cases do: keep one connection for the run (no reconnect per request).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client(HTTP_HOST="localhost")
    client.force_login(world["me"])
    monday = week_start(world["today"]).isoformat()
    pages = {
        "My work": reverse("execution:my-work"),
        "Timesheet week": reverse(
            "execution:timesheet-week", args=[world["projects"][0].public_id, monday]
        ),
        "Budget page": reverse("planning:budget", args=[world["budget"].public_id]),
    }
    pages["My work API"] = "/api/v1/me/work/"
    pages["Add a task (search)"] = (
        reverse("execution:timesheet-task-search", args=[world["projects"][0].public_id, monday])
        + "?q=Task+19"
    )
    floors = _floor_queries(world)
    floors["My work API"] = floors["My work"]
    floors["Add a task (search)"] = floors["Timesheet week"]
    rows = len(my_work(world["me"]).rows)
    print(f"My work shows {rows} tasks of {PROJECTS * TASKS} assigned", file=sys.stderr)
    print("| page | p50 ms | p95 ms | queries | floor p95 ms (1 SQL query) | × floor |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts = [_queries(connection, lambda path=path: client.get(path)) for _ in range(3)]
        assert len(set(counts)) == 1 and counts[0] < MAX_QUERIES, (name, counts)
        times = _measure(lambda path=path: client.get(path), args.n)
        floor = _floor(*floors[name], url, args.n)
        print(
            f"| {name} | {statistics.median(times):.0f} | {_p95(times):.0f} | "
            f"{counts[0]} | {_p95(floor):.1f} | {_p95(times) / max(_p95(floor), 0.01):.0f}× |"
        )


def _queries(connection: Any, call: Callable[[], Any]) -> int:
    """The SQL statements ``call`` sends (every cursor of the connection, whatever DEBUG)."""
    sent = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal sent
        sent += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        call()
    return sent


if __name__ == "__main__":
    main()
