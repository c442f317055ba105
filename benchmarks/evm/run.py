"""Earned value history at scale: 10,000 tasks, 200,000 approved time entries, 104 weeks.

Usage (from the repository root; the database is created and migrated when missing):

    uv run python benchmarks/evm/run.py [--database-url postgres://…/ks_evm_bench] [--n 7]

Builds one project with bulk inserts: 100 WBS summaries of 100 leaf tasks each (10,000
leaves), a baseline of all of them (each task 2–15 working days inside 104 weeks, a cost of
1,000–20,000), progress up to the data date (the end of week 104: tasks planned to finish
three weeks before it are done, the others part done), and 50 people with 200,000 approved,
priced time entries on the weekdays of the 104 weeks.

Measured, median of ``--n`` runs after one warm-up:

- **compute**: the weekly history (PV / EV / AC curves, every figure at every week end),
  the headline at the data date and the 100 summaries, from records already loaded
  (``control.selectors.evm``: numpy over days and periods);
- **with reads**: the same plus ``load_records`` (the seven queries);
- **peer**: a plain Python loop over the periods and, inside, over the tasks and entries,
  then the scalar ``engine.evm.evm_at`` per period — what the code would be without numpy.

The peer's PV, EV and AC at every week end must equal the vectorised ones to the cent.
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

SUMMARIES, LEAVES, PEOPLE, ENTRIES, WEEKS = 100, 100, 50, 200_000, 104


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
    os.environ.setdefault("KEYSTAGE_DATA_DIR", tempfile.mkdtemp(prefix="ks-evm-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # as `keystage migrate` does


def _aware(day: dt.date, hour: int) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build() -> Any:
    """The organisation, people, the project, its tasks, baseline, progress and time."""
    from keystage.accounts.models import Organisation, User
    from keystage.execution.models import TimeEntry, Timesheet
    from keystage.execution.services import labour
    from keystage.planning.models import Baseline, BaselineTask, ProjectCalendar, Task
    from keystage.portfolio.models import Project, ProjectMembership

    run = uuid.uuid4().hex[:6].upper()
    start = dt.date(2025, 1, 6)  # a Monday
    data_date = start + dt.timedelta(weeks=WEEKS, days=-1)  # Sunday ending week 104
    weekdays = [start + dt.timedelta(days=d) for d in range(WEEKS * 7) if d % 7 < 5]
    org = Organisation.objects.create(name=f"EVM bench {run}")
    pm = User.objects.create(username=f"pm-{run.lower()}", organisation=org, password="!")
    project = Project.objects.create(
        organisation=org,
        name="EVM bench",
        code=f"EV{run}",
        kind="other",
        start_date=start,
        target_date=start + dt.timedelta(weeks=WEEKS + 8),
        stage="execution",
    )
    ProjectMembership.objects.create(project=project, user=pm, role="project_manager")
    ProjectCalendar.objects.create(project=project, data_date=data_date)
    rows: list[Task] = []
    plan: list[tuple[dt.date, dt.date, Decimal]] = []
    row = 0
    for s in range(SUMMARIES):
        row += 1
        rows.append(
            Task(
                project=project,
                position=s,
                row=row,
                wbs_code=str(s + 1),
                name=f"Phase {s + 1}",
                is_summary=True,
                outline_level=1,
            )
        )
        for i in range(LEAVES):
            n = s * LEAVES + i
            first = weekdays[(n * 37) % (len(weekdays) - 20)]
            length = 2 + n % 14
            last = first + dt.timedelta(days=length + 2 * (length // 5))
            cost = Decimal(1000 + (n * 7919) % 19000)
            done = last <= data_date - dt.timedelta(weeks=3)
            started = first <= data_date
            row += 1
            rows.append(
                Task(
                    project=project,
                    position=i,
                    row=row,
                    wbs_code=f"{s + 1}.{i + 1}",
                    name=f"Task {n + 1}",
                    outline_level=2,
                    duration_minutes=length * 480,
                    start_at=_aware(first, 9),
                    finish_at=_aware(last, 17),
                    actual_start=first if started else None,
                    actual_finish=last + dt.timedelta(days=n % 3) if done else None,
                    percent_complete=100 if done else (40 + n % 50 if started else 0),
                    physical_percent_complete=0
                    if done or n % 2
                    else (30 + n % 60 if started else 0),
                )
            )
            plan.append((first, last, cost))
    tasks = Task.objects.bulk_create(rows, batch_size=5000)
    for t in tasks:
        if t.outline_level == 2:
            t.parent_id = tasks[(t.row - 1) // (LEAVES + 1) * (LEAVES + 1)].pk
    Task.objects.bulk_update(
        [t for t in tasks if t.outline_level == 2], ["parent"], batch_size=5000
    )
    total = sum((c for _, _, c in plan), Decimal(0))
    baseline = Baseline.objects.create(
        project=project,
        number=1,
        name="Bench",
        cost=total,
        start_at=_aware(start, 9),
        finish_at=_aware(max(p[1] for p in plan), 17),
        budget={"subtotal": str(total), "contingency": "0", "months": [], "categories": []},
    )
    leaves = iter(plan)
    BaselineTask.objects.bulk_create(
        (
            BaselineTask(
                baseline=baseline,
                task=t,
                task_public_id=t.public_id,
                row=t.row,
                wbs_code=t.wbs_code,
                outline_level=t.outline_level,
                name=t.name,
                is_summary=t.is_summary,
                start_at=t.start_at,
                finish_at=t.finish_at,
                cost=Decimal(0) if t.is_summary else next(leaves)[2],
            )
            for t in tasks
        ),
        batch_size=5000,
    )
    people = User.objects.bulk_create(
        User(username=f"p{i}-{run.lower()}", organisation=org, password="!") for i in range(PEOPLE)
    )
    weeks = sorted({d - dt.timedelta(days=d.weekday()) for d in weekdays})
    sheets = Timesheet.objects.bulk_create(
        Timesheet(project=project, person=u, week_start=w, status="approved")
        for u in people
        for w in weeks
    )
    sheet_of = {(s.person_id, s.week_start): s.pk for s in sheets}
    leaf_tasks = [t for t in tasks if not t.is_summary]
    entries = []
    for k in range(ENTRIES):
        person = people[k % PEOPLE]
        j = k // PEOPLE
        day = weekdays[j % len(weekdays)]
        task = leaf_tasks[((j // len(weekdays)) * 1250 + (k % PEOPLE) * 25 + j) % len(leaf_tasks)]
        hours = Decimal(1 + k % 4)
        entries.append(
            TimeEntry(
                project=project,
                timesheet_id=sheet_of[(person.pk, day - dt.timedelta(days=day.weekday()))],
                task=task,
                person=person,
                day=day,
                hours=hours,
                rate=Decimal(85),
                amount=hours * 85,
            )
        )
    TimeEntry.objects.bulk_create(entries, batch_size=5000)
    # Approved in bulk, not through timesheet_approve: sum them as approval would have.
    labour.rebuild([project.pk])
    return project


def peer(rec: Any) -> tuple[list[float], list[float], list[float], list[Any]]:
    """Plain Python: for each week end, loop over every task and every entry, then evm_at."""
    from keystage.engine.evm import EvmInput, evm_at

    t = rec.tasks
    working = [bool(w) for w in rec.working]
    before = [0]
    for w in working:
        before.append(before[-1] + w)

    def share(first: int, last: int, upto: int) -> float:
        count = before[last + 1] - before[first]
        if upto < first:
            return 0.0
        if count == 0:
            return 1.0
        return (before[min(last, upto) + 1] - before[first]) / count

    dd = rec.data_index
    ends = [e - 1 for e in range(7, rec.days + 7, 7)]
    entries = sorted(zip(rec.ac_day.tolist(), rec.ac_amount.tolist(), strict=True))
    pvs, evs, acs = [], [], []
    for end in ends:
        pv = ev = 0.0
        for i in range(len(t.bac)):
            cost = float(t.bac[i])
            if not cost:
                continue
            pv += cost * share(int(t.plan_first[i]), int(t.plan_last[i]), end)
            ev += (
                cost
                * float(t.progress[i])
                * share(int(t.earn_first[i]), int(t.earn_last[i]), min(end, dd))
            )
        ac = sum(amount for day, amount in entries if day <= min(end, dd))
        pvs.append(pv)
        evs.append(ev)
        acs.append(ac)
    planned = [Decimal(str(round(b - a, 2))) for a, b in zip([0.0, *pvs], pvs, strict=False)]
    results = [
        evm_at(
            EvmInput(
                tuple(planned),
                Decimal(str(round(min(e, sum(map(float, planned))), 2))),
                Decimal(str(round(a, 2))),
                k + 1,
            )
        )
        for k, (e, a) in enumerate(zip(evs, acs, strict=True))
        if k <= dd // 7
    ]
    return pvs, evs, acs, results


def _median(call: Callable[[], Any], n: int) -> float:
    call()
    times = []
    for _ in range(n):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    """Build, check the peer agrees, time the three, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--n", type=int, default=7)
    args = parser.parse_args()
    _setup(args.database_url)
    from django.db import connection

    from keystage.control.selectors import evm
    from keystage.control.selectors.evm_records import load_records

    began = time.perf_counter()
    project = build()
    print(f"built in {time.perf_counter() - began:.1f} s ({connection.vendor})")

    rec = load_records([project])[project.pk]
    assert rec is not None

    def compute(r: Any = rec) -> Any:
        c = evm.curves(r)
        points, _plan, _ = evm.history(r, c, "week")
        evm.headline(r, c)
        evm.summary_rows(r, c)
        return c, points

    def with_reads() -> Any:
        return compute(load_records([project])[project.pk])

    _c, points = compute()
    pvs, evs, acs, _ = peer(rec)
    weeks = len(points)
    for k, p in enumerate(points[:-1]):
        assert abs(float(p.pv) - pvs[k]) < 0.02, (k, p.pv, pvs[k])
        assert abs(float(p.ev) - evs[k]) < 0.02, (k, p.ev, evs[k])
        assert abs(float(p.ac) - acs[k]) < 0.02, (k, p.ac, acs[k])
    t_compute = _median(compute, args.n)
    t_reads = _median(with_reads, args.n)
    t_load = _median(lambda: load_records([project]), args.n)
    t_peer = _median(lambda: peer(rec), max(1, args.n // 3))
    print(
        f"tasks {int((~rec.tasks.summary).sum())}, summaries {int(rec.tasks.summary.sum())}, "
        f"time entries {ENTRIES}, weeks {weeks}, days {rec.days}"
    )
    print(f"{'measure':<28}{'median s':>10}")
    print(f"{'compute (numpy)':<28}{t_compute:>10.3f}")
    print(f"{'DB reads alone':<28}{t_load:>10.3f}")
    print(f"{'with DB reads':<28}{t_reads:>10.3f}")
    print(f"{'peer (per-task loop)':<28}{t_peer:>10.3f}")
    print(f"speed-up over the peer: {t_peer / t_compute:.0f}×")


if __name__ == "__main__":
    main()
