"""The Gantt page and API at 200, 1,000 and 2,000 tasks, through the Django test client.

Usage (from the repository root; the database is created and migrated when missing):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ks_gantt_bench \\
        uv run python benchmarks/gantt_bench.py [--sizes 200 1000 2000] [-n 30]

For each size a project is built with bulk inserts (a three-level WBS: phases of four
work packages of eight leaves; the last leaf of each package is a milestone;
finish-to-start chains through each phase, each phase starting after the first task
of the one before, and a link with a day's lag and a maximum lag of sixty days every
tenth leaf, so the maximum-lag windows are drawn too) and scheduled once
through the services (``renumber`` + ``reschedule``, so every task has its CPM dates
and critical flag). A baseline copies the schedule, so the shadow bars are drawn too.
An earlier run's projects are reused (``--rebuild`` makes new ones).

Then, signed in as the project manager, each request is sent ``-n`` times after two
warm-up requests: the page (week zoom), the JSON API and the SVG API. A server process
remembers its last few drawn charts (keyed by the rows and links themselves), so the
"first draw" rows forget them before each request: the cost of the first view after an
edit. The peer in the same run is the existing task list (``GET …/tasks/``, the same rows
through DRF model serializers); the breakdown rows time the read (``gantt_data``) and the
drawing (``gantt_chart``, never remembered) alone. The query count of each request must
not change with size. As the server does, start-up objects are frozen out of the garbage
collector's way (``keystage.config.wsgi.settle_after_start``) before timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

START = dt.date(2027, 1, 4)


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
    os.environ.setdefault("KEYSTAGE_DATA_DIR", tempfile.mkdtemp(prefix="ks-gantt-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # As Django's test runner does: keep one connection for the whole run, so that each
    # request is timed without a reconnect and every query is counted.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # As the server does once it has started (keystage.config.wsgi).
    from keystage.config.wsgi import settle_after_start

    settle_after_start()


def _people() -> Any:
    from keystage.accounts.models import User
    from keystage.accounts.services import organisation_get_or_create, user_create

    org = organisation_get_or_create(name="Gantt bench")
    found = User.objects.filter(username="gantt-bench-pm").first()
    return found or user_create(
        username="gantt-bench-pm",
        password="gantt-bench-password-1",
        organisation=org,
        org_role="admin",
        check_password_strength=False,
    )


def build(pm: Any, size: int, rebuild: bool = False) -> Any:
    """A scheduled project of ``size`` tasks, inserted in bulk, with a baseline.

    An earlier run's project of that size is reused unless ``rebuild`` (projects are
    never deleted: the journal keeps them).
    """
    from keystage.planning.models import Baseline, BaselineTask, Dependency, Task
    from keystage.planning.services.wbs import renumber, reschedule
    from keystage.portfolio.models import Project
    from keystage.portfolio.services import project_create

    earlier = Project.objects.filter(
        organisation_id=pm.organisation_id, code__startswith=f"GB-{size}-"
    ).order_by("-created_at")
    if earlier and not rebuild:
        return earlier[0]
    project = project_create(
        who=pm,
        name=f"Gantt bench {size}",
        code=f"GB-{size}-{earlier.count() + 1}",
        kind="software_development",
        start_date=START,
        target_date=START + dt.timedelta(days=3650),
        project_manager=pm,
    )
    leaves_per_package, packages_per_phase = 8, 4
    per_phase = 1 + packages_per_phase * (1 + leaves_per_package)
    phases = -(-size // per_phase)
    top = Task.objects.bulk_create(
        Task(project=project, position=i, name=f"Phase {i + 1}") for i in range(phases)
    )
    packages = Task.objects.bulk_create(
        Task(project=project, parent=phase, position=j, name=f"Work package {p + 1}.{j + 1}")
        for p, phase in enumerate(top)
        for j in range(packages_per_phase)
    )
    leaves: list[Task] = []
    for k, package in enumerate(packages):
        for i in range(leaves_per_package):
            last = i == leaves_per_package - 1
            leaves.append(
                Task(
                    project=project,
                    parent=package,
                    position=i,
                    name=f"Deliver item {k + 1}.{i + 1} of the migration"
                    if not last
                    else f"Package {k + 1} accepted",
                    kind="milestone" if last else "task",
                    duration_minutes=0 if last else 480 * (1 + (k * 7 + i * 3) % 5),
                )
            )
    # Trim the surplus leaves so the plan has exactly ``size`` rows.
    surplus = phases + len(packages) + len(leaves) - size
    if surplus > 0:
        leaves = leaves[: len(leaves) - surplus]
    leaves = Task.objects.bulk_create(leaves)
    per_phase_leaves = packages_per_phase * leaves_per_package
    links = []
    for i, (a, b) in enumerate(itertools.pairwise(leaves)):
        if (i + 1) % per_phase_leaves:  # a chain inside each phase
            links.append(Dependency(project=project, predecessor=a, successor=b))
    for i in range(0, len(leaves) - per_phase_leaves, per_phase_leaves):
        # each phase starts after the first task of the one before: staggered, overlapping
        links.append(
            Dependency(
                project=project, predecessor=leaves[i], successor=leaves[i + per_phase_leaves]
            )
        )
    for i in range(0, len(leaves) - 10, 10):
        if i // per_phase_leaves == (i + 10) // per_phase_leaves:
            links.append(
                Dependency(
                    project=project,
                    predecessor=leaves[i],
                    successor=leaves[i + 10],
                    lag_minutes=480,
                    max_lag_minutes=480 * 60,  # drawn as a window: the calendar is read once
                )
            )
    Dependency.objects.bulk_create(links)
    # Empty packages (after trimming) are plain tasks; the services number and schedule.
    ordered = renumber(project)
    reschedule(project, ordered)
    baseline = Baseline.objects.create(project=project, number=1, name="Approved plan")
    shift = dt.timedelta(days=2)
    BaselineTask.objects.bulk_create(
        BaselineTask(
            baseline=baseline,
            task=t,
            task_public_id=t.public_id,
            row=t.row,
            wbs_code=t.wbs_code,
            name=t.name,
            kind=t.kind,
            is_summary=t.is_summary,
            start_at=t.start_at - shift,
            finish_at=t.finish_at - shift,
            duration_minutes=t.duration_minutes,
        )
        for t in Task.objects.filter(project=project)
    )
    assert Task.objects.filter(project=project).count() == size
    return project


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile of ``samples``."""
    ordered = sorted(samples)
    rank = max(1, -(-int(share * 100) * len(ordered) // 100))
    return ordered[rank - 1]


def timed(fn: Callable[[], Any], n: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds (this process) of ``n`` calls after two warm-up calls."""
    for _ in range(2):
        fn()
    wall, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def _row(wall: list[float], cpu: list[float], queries: float, kb: float) -> dict[str, float]:
    return {
        "p50": statistics.median(wall),
        "p95": percentile(wall, 0.95),
        "cpu": statistics.median(cpu),
        "queries": queries,
        "kb": kb,
    }


def measure(pm: Any, project: Any, n: int) -> dict[str, dict[str, float]]:
    """p50 / p95 ms, query count and size of each request, and the two halves of the work."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from keystage.planning.selectors import gantt

    client = Client(HTTP_HOST="localhost")
    client.force_login(pm)
    base = f"/api/v1/projects/{project.public_id}/"
    page = f"/projects/{project.public_id}/gantt/"
    requests = {
        "page": page,
        "page, first draw": page,
        "API JSON": base + "gantt/",
        "API SVG": base + "gantt/?format=svg",
        "API SVG, first draw": base + "gantt/?format=svg",
        "peer: task list API": base + "tasks/",
    }
    results: dict[str, dict[str, float]] = {}
    for label, url in requests.items():

        def get(url: str = url, cold: bool = "first draw" in label) -> Any:
            if cold:  # as after an edit: the chart is drawn, not remembered
                gantt._drawn.cache_clear()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        with CaptureQueriesContext(connection) as queries:
            size = len(get().content)
        count = len(queries)  # now: every request clears the log
        results[label] = _row(*timed(get, n), count, size / 1024)
    today = timezone.localdate()
    data = gantt.gantt_data(who=pm, project=project)
    for label, fn in {
        "read only (gantt_data)": lambda: gantt.gantt_data(who=pm, project=project),
        "draw only (gantt_chart)": lambda: (
            gantt._drawn.cache_clear(),
            gantt.gantt_chart(data, today=today, data_date=today),
        ),
    }.items():
        results[label] = _row(*timed(fn, n), float("nan"), float("nan"))
    return results


def calibration() -> float:
    """CPU seconds of a plain 5,000,000-step Python loop: how fast this machine is right now."""
    t0 = time.process_time()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.process_time() - t0


def main() -> int:
    """Build the plans, time every request and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 2000])
    parser.add_argument("-n", type=int, default=30, help="timed requests per measurement")
    parser.add_argument("--rebuild", action="store_true", help="new projects, not earlier ones")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    pm = _people()
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    table: dict[int, dict[str, dict[str, float]]] = {}
    for size in args.sizes:
        t0 = time.perf_counter()
        project = build(pm, size, args.rebuild)
        print(f"{project.code}: {size} tasks ready in {time.perf_counter() - t0:.1f} s", flush=True)
        table[size] = measure(pm, project, args.n)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nN = {args.n} each (Django test client, signed in as the PM); load average {load}")
    print(f"calibration: a 5,000,000-step Python loop took {calibration():.2f} s of CPU")
    print("CPU = this process's CPU time per request (the database server's is not in it)\n")
    print("| request | tasks | p50 ms | p95 ms | CPU p50 ms | queries | KB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label in next(iter(table.values())):
        for size, rows in table.items():
            r = rows[label]
            queries = "" if r["queries"] != r["queries"] else f"{r['queries']:.0f}"
            kb = "" if r["kb"] != r["kb"] else f"{r['kb']:,.0f}"
            cells = [label, f"{size:,}", f"{r['p50']:.1f}", f"{r['p95']:.1f}", f"{r['cpu']:.1f}"]
            print("| " + " | ".join([*cells, queries, kb]) + " |")
    failures = []
    for label in ("page", "page, first draw", "API JSON", "API SVG", "API SVG, first draw"):
        counts = {rows[label]["queries"] for rows in table.values()}
        if len(counts) != 1:
            failures.append(f"{label}: query count changes with size {sorted(counts)}")
        worst = max(rows[label]["p95"] for rows in table.values())
        if worst >= 300:
            failures.append(f"{label}: p95 {worst:.0f} ms ≥ 300 ms")
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
