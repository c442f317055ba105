"""Load benchmark: 200 simulated users against gunicorn on PostgreSQL, loopback only.

Usage (from the repository root; PostgreSQL on 127.0.0.1 with trust or a password in the
URL; the database named by ``--database`` is dropped and created again unless ``--reuse``):

    uv run python benchmarks/load/run.py [--database ks_load] [--users 200] \\
        [--spawn-rate 10] [--run-time 120] [--workers 5] [--wait 5 15] [--reuse]

Steps: create the database and load the demo portfolio (``keystage demo --no-serve``);
prepare a session and an API token per demo person and the tasks the planners may edit;
count the SQL queries of each kind of request once through Django's test client
(``CaptureQueriesContext``); start gunicorn on a free loopback port (sync workers, as
``keystage serve`` does); run Locust headless with ``benchmarks/load/locustfile.py`` —
bounded in users, spawn rate and run time, so it stops by itself; stop gunicorn; print
p50/p95 of reads and writes (measured once every user is running), throughput, errors,
409 clashes and the query counts, with the machine's load average sampled during the run.
Everything is written to ``benchmarks/out/load-<time>/`` (``summary.json``, logs).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import measure  # benchmarks/load/measure.py, next to this script

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("LOAD_POSTGRES", "postgres://postgres@127.0.0.1:5432")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="ks_load")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", type=int, default=120, help="seconds, ramp included")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--wait", type=float, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"))
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    args = parser.parse_args()
    if not 1 <= args.users <= 500 or not 1 <= args.run_time <= 900:
        parser.error("keep it bounded: 1–500 users, 1–900 seconds")
    if not 0 < args.spawn_rate <= 50 or not 1 <= args.workers <= 32 or not 1 <= args.threads <= 32:
        parser.error("spawn rate 0–50 per second, 1–32 workers")
    return args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare_database(env: dict[str, str], name: str, reuse: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and reuse:
            return
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    keystage = str(Path(sys.executable).with_name("keystage"))
    subprocess.run([keystage, "demo", "--no-serve"], env=env, check=True, capture_output=True)


def _fixture(planner_count: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sessions, tokens, visible projects and editable tasks; plus one sample per request."""
    import datetime as dt

    from django.test import Client
    from knox.models import AuthToken

    from keystage.accounts.models import User
    from keystage.accounts.roles import Perm
    from keystage.planning.models import Task
    from keystage.portfolio.access import project_perms, projects_visible_to
    from keystage.portfolio.models import Project

    planned = {p.pk for p in Project.objects.filter(planning_tasks__isnull=False).distinct()}
    readers, planners = [], []
    for user in User.objects.filter(is_active=True).order_by("username"):
        client = Client()
        client.force_login(user)
        _, token = AuthToken.objects.create(user=user, expiry=dt.timedelta(days=1))
        visible = list(projects_visible_to(user).order_by("code"))
        if not visible:
            continue
        readers.append(
            {
                "username": user.username,
                "session": client.cookies["sessionid"].value,
                "token": token,
                "projects": [str(p.public_id) for p in visible],
                "planned": [str(p.public_id) for p in visible if p.pk in planned],
            }
        )
        for project in visible:
            if project.pk not in planned or Perm.EDIT not in project_perms(user, project):
                continue
            if user.is_superuser or user.org_role == "admin":
                continue  # the project's own managers edit; the admin only reads
            leaves = Task.objects.filter(project=project, kind="task", children__isnull=True)
            tasks = [
                {
                    "id": str(t.public_id),
                    "version": t.version,
                    "duration": t.duration_minutes,
                    "original": t.duration_minutes,
                }
                for t in leaves.order_by("position", "id")
                if t.duration_minutes > 0
            ]
            planners.append(
                {
                    "username": user.username,
                    "token": token,
                    "project": str(project.public_id),
                    "tasks": tasks,
                }
            )
    if not planners:
        raise SystemExit("no project manager with a plan to edit in this database")
    fixture = {"readers": readers, "planners": planners, "planner_count": planner_count}
    reader = next(r for r in readers if r["planned"])
    sample = {"reader": reader, "planner": planners[0]}
    return fixture, sample


def _query_counts(sample: dict[str, Any]) -> dict[str, int]:
    """SQL queries of one request of each kind (Django's test client, warm)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    reader, planner = sample["reader"], sample["planner"]
    project, planned = reader["projects"][0], reader["planned"][0]
    page = Client()
    page.cookies["sessionid"] = reader["session"]
    api = Client(headers={"Authorization": f"Token {reader['token']}"})
    edit = Client(headers={"Authorization": f"Token {planner['token']}"})
    item = planner["tasks"][0]
    requests = {
        "GET page portfolio": lambda: page.get("/"),
        "GET page project": lambda: page.get(f"/projects/{project}/"),
        "GET page plan": lambda: page.get(f"/projects/{planned}/plan/"),
        "GET page gantt": lambda: page.get(f"/projects/{planned}/gantt/"),
        "GET api projects": lambda: api.get("/api/v1/projects/"),
        "GET api tasks": lambda: api.get(f"/api/v1/projects/{planned}/tasks/"),
        "GET api gantt": lambda: api.get(f"/api/v1/projects/{planned}/gantt/"),
    }
    counts = {}
    for name, send in requests.items():
        send()  # warm: first-use caches are not what a busy server pays
        with CaptureQueriesContext(connection) as queries:
            response = send()
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    url = f"/api/v1/projects/{planner['project']}/tasks/{item['id']}/"
    for duration in (item["original"] + 480, item["original"]):
        current = edit.get(url).json()["version"]
        with CaptureQueriesContext(connection) as queries:
            response = edit.patch(
                url,
                {"version": current, "duration_minutes": duration},
                content_type="application/json",
            )
        assert response.status_code == 200, response.content
        counts["PATCH api task edit"] = len(queries)
    return counts


def _refresh_versions(fixture: dict[str, Any]) -> None:
    from keystage.planning.models import Task

    for planner in fixture["planners"]:
        versions = dict(
            Task.objects.filter(public_id__in=[t["id"] for t in planner["tasks"]]).values_list(
                "public_id", "version"
            )
        )
        for item in planner["tasks"]:
            item["version"] = versions[uuid.UUID(item["id"])]


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    import urllib.request

    for _ in range(240):
        if process.poll() is not None:
            raise SystemExit("gunicorn exited; see gunicorn.log")
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError as exc:
            if getattr(exc, "code", None):
                return
            time.sleep(0.5)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    """Prepare, run, report."""
    args = _args()
    out = ROOT / "benchmarks" / "out" / time.strftime("load-%Y%m%d-%H%M%S")
    out.mkdir(parents=True)
    host = PG.split("@")[-1].split(":")[0]
    if host not in LOOPBACK:
        raise SystemExit("the benchmark only talks to a PostgreSQL on the loopback interface")
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{args.database}",
        "KEYSTAGE_DATA_DIR": str(out / "data"),
        "KEYSTAGE_SECRET_KEY": "load-benchmark-only-" + "x" * 40,
        "KEYSTAGE_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SETTINGS_MODULE": "keystage.config.settings",
    }
    print(f"database {args.database}: preparing the demo portfolio", flush=True)
    _prepare_database(env, args.database, args.reuse)
    os.environ.update(env)
    import django

    django.setup()
    planner_count = max(1, round(args.users / 5))
    fixture, sample = _fixture(planner_count)
    queries = _query_counts(sample)
    _refresh_versions(fixture)
    (out / "fixture.json").write_text(json.dumps(fixture))
    from django.db import connections

    connections.close_all()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = [
        sys.executable, "-m", "gunicorn", "keystage.config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
        "--threads", str(args.threads), "--backlog", "2048", "--timeout", "60",
    ]  # fmt: skip
    with (out / "gunicorn.log").open("wb") as log:
        server = subprocess.Popen(gunicorn, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"{base}/api/v1/me/", server)
        locust = [
            sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")),
            "--headless", "--host", base, "--users", str(args.users),
            "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.run_time}s",
            "--stop-timeout", "10", "--only-summary", "--csv", str(out / "locust"),
            "--loglevel", "WARNING",
        ]  # fmt: skip
        locust_env = {
            **os.environ,
            "LOAD_FIXTURE": str(out / "fixture.json"),
            "LOAD_SUMMARY": str(out / "summary.json"),
            "LOAD_WAIT_MIN": str(args.wait[0]),
            "LOAD_WAIT_MAX": str(args.wait[1]),
        }
        stop, samples = threading.Event(), [os.getloadavg()[0]]
        sampler = threading.Thread(target=measure.sample_load, args=(stop, samples), daemon=True)
        sampler.start()
        started = time.monotonic()
        cpu_before = (
            measure.process_cpu(server.pid),
            measure.machine_busy(),
            measure.database_cpu(args.database),
        )
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"locust: {args.users} users, {args.spawn_rate}/s, {args.run_time} s", flush=True)
        with (out / "locust.log").open("wb") as log:
            subprocess.run(
                locust,
                env=locust_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=args.run_time + 120,
            )
        elapsed = time.monotonic() - started
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = {
            "server_s": measure.process_cpu(server.pid) - cpu_before[0],
            "machine_busy_s": measure.machine_busy() - cpu_before[1],
            "postgres_s": measure.database_cpu(args.database) - cpu_before[2],
            "locust_s": children.ru_utime
            + children.ru_stime
            - children_before.ru_utime
            - children_before.ru_stime,
        }
        stop.set()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    summary = json.loads((out / "summary.json").read_text())
    ramp = args.users / args.spawn_rate
    summary.update(
        {
            "users": args.users,
            "spawn_rate": args.spawn_rate,
            "run_time_s": args.run_time,
            "steady_seconds": round(max(1.0, args.run_time - ramp), 1),
            "elapsed_s": round(elapsed, 1),
            "gunicorn_workers": args.workers,
            "gunicorn_threads": args.threads,
            "wait_s": list(args.wait),
            "cpus": os.cpu_count(),
            "load_average_1min": {
                "before": round(samples[0], 2),
                "max": round(max(samples), 2),
                "mean": round(sum(samples) / len(samples), 2),
            },
            "queries_per_request": queries,
            "cpu_seconds": {k: round(v, 1) for k, v in cpu.items()},
            "server_cpu_ms_per_request": round(
                1000 * cpu["server_s"] / summary["total_requests"], 1
            ),
        }
    )
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    _report(summary, out)


def _report(summary: dict[str, Any], out: Path) -> None:
    steady = summary["steady_seconds"]
    print(f"\nresults in {out.relative_to(ROOT)}")
    load = summary["load_average_1min"]
    print(
        f"{summary['users']} users, {summary['gunicorn_workers']} gunicorn workers "
        f"× {summary['gunicorn_threads']} threads, "
        f"{summary['cpus']} CPUs, load average (1 min) before {load['before']}, "
        f"mean {load['mean']}, max {load['max']}"
    )
    print(
        f"requests {summary['total_requests']} ({summary['steady_requests']} while all users ran: "
        f"{summary['steady_requests'] / steady:.1f}/s), failures {summary['total_failures']}, "
        f"exceptions in the simulated users {summary['user_exceptions']}, "
        f"409 clashes {summary['conflicts_409']}"
    )
    cpu = summary["cpu_seconds"]
    print(
        f"CPU seconds over {summary['elapsed_s']} s: gunicorn {cpu['server_s']} "
        f"({summary['server_cpu_ms_per_request']} ms per request), PostgreSQL backends "
        f"{cpu['postgres_s']}, locust {cpu['locust_s']}, "
        f"whole machine {cpu['machine_busy_s']} of {summary['cpus'] * summary['elapsed_s']:.0f}"
    )
    for kind, row in summary["kinds"].items():
        print(
            f"{kind:5}  n={row['count']:5}  p50 {row['p50_ms']:7.0f} ms  "
            f"p95 {row['p95_ms']:7.0f} ms  p99 {row['p99_ms']:7.0f} ms  max {row['max_ms']:7.0f} ms"
        )
    print("\n| request | n | p50 ms | p95 ms | max ms | SQL queries |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in summary["requests"].items():
        queries = summary["queries_per_request"].get(name, "")
        print(
            f"| {name} | {row['count']} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} "
            f"| {row['max_ms']:.0f} | {queries} |"
        )
    if summary["errors"]:
        print("\nerrors:", json.dumps(summary["errors"], indent=2))


if __name__ == "__main__":
    main()
