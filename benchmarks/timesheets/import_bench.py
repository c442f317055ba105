"""The CSV import of time entries (`keystage timesheet import`) at 100,000 rows.

Usage (from the repository root; the database is created and migrated when missing):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ks_timesheet_bench \\
        uv run python benchmarks/timesheets/import_bench.py [--rows 100000] [--dry-run]

Each run builds a fresh organisation (bulk inserts): 5 projects of 40 leaf tasks, 50 people,
each a team member of one project and assigned to 4 of its tasks. The CSV it writes gives
every person 2 h on each of their 4 tasks per day (8 h a day), going back day by day from
yesterday until ``--rows`` lines; task columns alternate between WBS codes and task ids.
The file is then imported through the same function the command calls
(``import_time_entries``: parse, check every rule in bulk, bulk insert in one transaction),
and the figures are printed: rows, seconds, rows per second, and the entries stored.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

PROJECTS, TASKS, PEOPLE, TASKS_EACH, HOURS = 5, 40, 50, 4, 2


def _ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` if it does not exist."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        _ensure_database(url)
    else:
        print("DATABASE_URL is not PostgreSQL: measuring on SQLite.", file=sys.stderr)
    os.environ.setdefault("KEYSTAGE_DATA_DIR", tempfile.mkdtemp(prefix="ks-ts-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # as `keystage migrate` does


def build(rows: int, folder: Path) -> Path:
    """A fresh organisation with projects, people and assignments; the CSV of ``rows`` lines."""
    from keystage.accounts.models import Organisation, User
    from keystage.planning.models import Assignment, Task
    from keystage.portfolio.models import Project, ProjectMembership

    run = uuid.uuid4().hex[:6].upper()
    days = -(-rows // (PEOPLE * TASKS_EACH))
    start = dt.date.today() - dt.timedelta(days=days + 1)
    org = Organisation.objects.create(name=f"Timesheet bench {run}")
    projects = Project.objects.bulk_create(
        Project(
            organisation=org,
            name=f"Bench {i}",
            code=f"TS{run}-{i}",
            kind="other",
            start_date=start,
            target_date=start + dt.timedelta(days=days + 400),
            stage="execution",
        )
        for i in range(PROJECTS)
    )
    tasks = Task.objects.bulk_create(
        Task(project=p, position=i, row=i + 1, wbs_code=str(i + 1), name=f"Task {i + 1}")
        for p in projects
        for i in range(TASKS)
    )
    people = User.objects.bulk_create(
        User(
            username=f"ts-{run.lower()}-{i}",
            email=f"ts-{run.lower()}-{i}@bench.test",
            organisation=org,
            password="!",
        )
        for i in range(PEOPLE)
    )
    home = {person.pk: projects[i % PROJECTS] for i, person in enumerate(people)}
    ProjectMembership.objects.bulk_create(
        ProjectMembership(project=home[p.pk], user=p, role="team_member") for p in people
    )
    by_project: dict[int, list[Task]] = {}
    for task in tasks:
        by_project.setdefault(task.project_id, []).append(task)
    mine: dict[int, list[Task]] = {}
    for i, person in enumerate(people):
        pool = by_project[home[person.pk].pk]
        mine[person.pk] = [
            pool[(i // PROJECTS * TASKS_EACH + k) % TASKS] for k in range(TASKS_EACH)
        ]
    Assignment.objects.bulk_create(
        Assignment(project=home[p.pk], task=t, person=p, units_percent=25)
        for p in people
        for t in mine[p.pk]
    )
    path = folder / f"timesheets-{run}.csv"
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("person_email,project_code,task,date,hours,note\n")
        day = dt.date.today() - dt.timedelta(days=1)
        while written < rows:
            for person in people:
                for k, task in enumerate(mine[person.pk]):
                    if written == rows:
                        break
                    ref = task.wbs_code if k % 2 == 0 else str(task.public_id)
                    out.write(
                        f"{person.email},{home[person.pk].code},{ref},{day.isoformat()},"
                        f"{HOURS},bench\n"
                    )
                    written += 1
            day -= dt.timedelta(days=1)
    return path


def main() -> None:
    """Build, write the CSV, import it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
    parser.add_argument(
        "--profile", action="store_true", help="Print the import's 25 costliest calls (cProfile)."
    )
    parser.add_argument("--sort", default="tottime", help="cProfile's order: tottime, cumtime.")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    from keystage.execution.models import TimeEntry
    from keystage.execution.services.timesheet_import import import_time_entries

    folder = Path(tempfile.mkdtemp(prefix="ks-ts-csv-"))
    started = time.perf_counter()
    path = build(args.rows, folder)
    print(
        f"built the organisation and {path.stat().st_size / 1e6:.1f} MB of CSV "
        f"in {time.perf_counter() - started:.1f} s"
    )
    before = TimeEntry.objects.count()
    started = time.perf_counter()
    cpu = time.process_time()
    profiler = cProfile.Profile() if args.profile else None
    with path.open(encoding="utf-8", newline="") as handle:
        if profiler is not None:
            profiler.enable()
        result = import_time_entries(handle, name=path.name, dry_run=args.dry_run)
        if profiler is not None:
            profiler.disable()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    if profiler is not None:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(25)
    if result.errors:
        print("\n".join(result.errors[:20]))
        sys.exit(1)
    stored = TimeEntry.objects.count() - before
    print(
        f"{connection.vendor}: {'checked' if args.dry_run else 'imported'} {result.rows:,} rows "
        f"({result.hours:,} h, {result.weeks_created:,} new weeks) in {seconds:.2f} s "
        f"({result.rows / seconds:,.0f} rows/s, CPU {cpu:.2f} s); {stored:,} entries stored"
    )


if __name__ == "__main__":
    main()
