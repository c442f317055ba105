"""The `keystage` command as a user runs it: demo data, users, checks, readable errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ.update({"KEYSTAGE_DATA_DIR": str(data_dir), **env})
    return subprocess.run(
        [_keystage(), *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        check=False,
    )


def _keystage() -> str:
    return str(Path(sys.executable).parent / "keystage")


def test_demo_loads_portfolio_once_and_prints_login(tmp_path):
    first = run(["demo", "--no-serve"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "http://127.0.0.1:8000/" in first.stdout
    password = (tmp_path / "demo-credentials.txt").read_text().strip()
    assert f"admin / {password}" in first.stdout
    second = run(["demo", "--no-serve"], tmp_path)
    assert second.returncode == 0
    assert f"admin / {password}" in second.stdout
    # One process reads every fact (each `keystage` start-up costs seconds).
    done = subprocess.run(
        [_keystage(), "manage", "shell", "-c", DEMO_FACTS],
        capture_output=True,
        text=True,
        env={**os.environ, "KEYSTAGE_DATA_DIR": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = {
        line.split(" ", 1)[0]: json.loads(line.split(" ", 1)[1])
        for line in done.stdout.splitlines()
        if line.startswith(("PORTFOLIO ", "PLANS ", "EXECUTION "))
    }
    count, stages = found["PORTFOLIO"]
    assert count >= 3
    for stage in ("initiation", "planning", "execution", "closing", "closed"):
        assert stage in stages
    facts = found["PLANS"]
    erp = facts["ERP-CLOUD"]
    assert erp["tasks"] >= 60 and erp["unscheduled"] == 0 and erp["planners"] >= 8
    for code in ("ERP-CLOUD", "NET-27", "BI-SALES", "DATA-PLAT"):
        project = facts[code]
        # A full plan: tasks with dates, dependencies, people on them, a finished run.
        assert project["tasks"] >= 15 and project["unscheduled"] == 0, code
        assert project["links"] >= project["tasks"] - 2, code
        assert project["assigned"] >= 10, code
        assert project["runs"] == ["done"], code
    # A baseline where the stage says so: approved at the Planning gate, the day before it.
    assert facts["NET-27"]["baselines"] == facts["DATA-PLAT"]["baselines"] == []
    for code in ("ERP-CLOUD", "BI-SALES"):
        (captured,) = facts[code]["baselines"]
        assert captured < facts[code]["gates"][1], code
        assert facts[code]["runs_at"][0] < captured, code
    # The charter is dated with the planning work, between the two gates, and says so.
    (charter_at, as_of) = erp["charters"][0]
    assert erp["gates"][0] < charter_at < erp["gates"][1]
    assert charter_at.startswith(as_of)
    _check_execution_history(found["EXECUTION"])


def _check_execution_history(facts: dict[str, Any]) -> None:
    """ERP-CLOUD, in execution, tells a story up to today: approved time priced into the
    actual cost, done tasks with actual dates, a data date, weekly status updates."""
    today = facts["today"]
    assert facts["approved"] >= 20 and facts["rejected_then_approved"] >= 1
    assert facts["drafts"] >= 1 and facts["approvers"] == ["priya"]
    assert facts["priced"] == facts["approved_entries"] > 0
    assert facts["labour"] > 0 and facts["labour"] == facts["approved_amount"]
    assert facts["actual_total"] > facts["labour"]  # invoices and expenses too
    assert facts["done"] >= 20 and facts["done_without_dates"] == 0
    assert facts["late"] >= 2 and facts["in_progress"] >= 1
    assert facts["data_date"] is not None and facts["data_date"] < today
    assert facts["latest_actual"] <= facts["data_date"]
    healths = facts["health"]
    assert len(healths) >= 6 and "amber" in healths and healths.count("green") > len(healths) / 2
    assert facts["mentions"] >= 1
    # Backdated, never after the real today.
    assert facts["journal_last"][:10] <= today and facts["first_timesheet"] < facts["data_date"]


DEMO_FACTS = """
import json
from keystage.initiation.charter.models import CharterVersion
from keystage.planning.models import Assignment, Baseline, Dependency, ScheduleRun, Task
from keystage.portfolio.models import Project
print("PORTFOLIO " + json.dumps(
    [Project.objects.count(), sorted(set(Project.objects.values_list("stage", flat=True)))]
))
out = {}
for p in Project.objects.all():
    leaves = Task.objects.filter(project=p, is_summary=False)
    out[p.code] = {
        "planners": leaves.filter(
            project__memberships__role__in=["project_manager", "team_member"]
        ).values("project__memberships__user").distinct().count(),
        "tasks": leaves.count(),
        "unscheduled": leaves.filter(start_at__isnull=True).count(),
        "links": Dependency.objects.filter(project=p).count(),
        "assigned": Assignment.objects.filter(project=p).count(),
        "runs": [r.status for r in ScheduleRun.objects.filter(project=p)],
        "runs_at": [r.created_at.isoformat() for r in ScheduleRun.objects.filter(project=p)],
        "baselines": [b.created_at.isoformat() for b in Baseline.objects.filter(project=p)],
        "gates": [g.decided_at.isoformat() for g in p.gate_decisions.order_by("decided_at")],
        "charters": [
            (c.generated_at.isoformat(), c.content["as_of"])
            for c in CharterVersion.objects.filter(project=p)
        ],
    }
print("PLANS " + json.dumps(out))
from django.db.models import Max, Min, Sum
from django.utils import timezone
from keystage.core.models import AuditEntry
from keystage.costs.actuals import LABOUR, actual_costs
from keystage.execution.models import StatusUpdate, TimeEntry, Timesheet
from keystage.notifications.models import Notification
from keystage.planning.models import BaselineTask, ProjectCalendar, Task
from keystage.portfolio.models import Project
p = Project.objects.get(code='ERP-CLOUD')
sheets = Timesheet.objects.filter(project=p)
approved = TimeEntry.objects.filter(project=p, timesheet__status='approved')
tasks = Task.objects.filter(project=p, is_summary=False)
done = tasks.filter(percent_complete=100)
planned = dict(BaselineTask.objects.filter(baseline__project=p).values_list('task_id', 'finish_at'))
late = [t for t in done if t.actual_finish > timezone.localtime(planned[t.pk]).date()]
costs = actual_costs(p)
latest = tasks.aggregate(a=Max('actual_finish'), b=Max('actual_start'))
out = {
    "today": timezone.localdate().isoformat(),
    "approved": sheets.filter(status='approved').count(),
    "rejected_then_approved": AuditEntry.objects.filter(
        project=p, summary__startswith='Rejected the week'
    ).count(),
    "drafts": sheets.filter(status='draft').count(),
    "approvers": sorted(
        set(sheets.filter(status='approved').values_list('decided_by__username', flat=True))
    ),
    "approved_entries": approved.count(),
    "priced": approved.filter(amount__gt=0, rate__gt=0).count(),
    "approved_amount": float(approved.aggregate(s=Sum('amount'))['s'] or 0),
    "labour": float(costs.by_category.get(LABOUR, 0)),
    "actual_total": float(costs.total),
    "done": done.count(),
    "done_without_dates": done.filter(actual_start__isnull=True).count()
    + done.filter(actual_finish__isnull=True).count(),
    "late": len(late),
    "in_progress": tasks.filter(actual_start__isnull=False, actual_finish__isnull=True).count(),
    "data_date": str(ProjectCalendar.objects.get(project=p).data_date),
    "latest_actual": str(max(d for d in latest.values() if d)),
    "health": list(StatusUpdate.objects.filter(project=p).values_list('health', flat=True)),
    "mentions": Notification.objects.filter(project=p, kind='mentioned').count(),
    "journal_last": AuditEntry.objects.filter(project=p).aggregate(m=Max('at'))['m'].isoformat(),
    "first_timesheet": str(sheets.aggregate(m=Min('week_start'))['m']),
}
print("EXECUTION " + json.dumps(out))
"""


def test_createuser_and_readable_error(db):
    """In process (the command's code, on the test database): `check` and `serve` below
    prove the console script's start-up and its exit codes."""
    from typer.testing import CliRunner

    from keystage.accounts.models import User
    from keystage.cli.app import app

    runner = CliRunner()
    ok = runner.invoke(
        app, ["createuser", "kim", "--password", "a-long-pass-phrase-1", "--organisation", "Acme"]
    )
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip() == "Created kim"
    kim = User.objects.get(username="kim")
    assert kim.organisation.name == "Acme" and kim.check_password("a-long-pass-phrase-1")
    dup = runner.invoke(app, ["createuser", "kim", "--password", "a-long-pass-phrase-1"])
    assert dup.exit_code == 1
    assert dup.stderr.strip() == "keystage: error: username: This username is taken."
    weak = runner.invoke(app, ["createuser", "lee", "--password", "123"])
    assert weak.exit_code == 1
    assert len(weak.stderr.strip().splitlines()) == 1
    assert weak.stderr.startswith("keystage: error: ")
    assert list(User.objects.values_list("username", flat=True)) == ["kim"]


def test_check_reports_ok(tmp_path):
    result = run(["check"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_serve_refuses_a_busy_port(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = run(["serve", "--port", str(port)], tmp_path)
    assert result.returncode == 1
    assert "in use" in result.stderr


QUEUE_A_RUN = """
import datetime as dt
from keystage.accounts import services as accounts
from keystage.planning.services import schedule, wbs
from keystage.portfolio import services as portfolio
org = accounts.organisation_get_or_create(name="Acme")
pm = accounts.user_create(username="pm", password="a-long-pass-phrase-1", organisation=org,
                          org_role="portfolio_owner")
project = portfolio.project_create(who=pm, name="Worker", code="WRK-1", kind="other",
    start_date=dt.date(2027, 1, 4), target_date=dt.date(2027, 3, 1), project_manager=pm)
wbs.plan_append(who=pm, project=project, rows=[{"name": "A"}, {"name": "B"}],
                links=[(0, 1, "FS", 0)])
print(schedule.schedule_request(who=pm, project=project, method="level").status)
"""


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_serve_runs_queued_jobs_with_its_worker_and_stops_it(tmp_path):
    import signal
    import socket
    import sqlite3
    import time

    assert run(["migrate"], tmp_path).returncode == 0
    queued = run(["manage", "shell", "-c", QUEUE_A_RUN], tmp_path)
    assert queued.stdout.strip().endswith("queued"), queued.stderr
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    server = subprocess.Popen(
        [_keystage(), "serve", "--port", str(port)],
        env={**environ, "KEYSTAGE_DATA_DIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status, deadline = "queued", time.monotonic() + 120
        while status != "done" and time.monotonic() < deadline:
            time.sleep(1)
            with sqlite3.connect(tmp_path / "keystage.sqlite3") as db:
                status = db.execute("SELECT status FROM planning_schedulerun").fetchone()[0]
        assert status == "done"
        workers = _children(server.pid)
        assert workers and all(_alive(pid) for pid in workers)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    time.sleep(0.5)
    assert not any(_alive(pid) for pid in workers), "the worker outlived the server"
