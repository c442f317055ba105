"""Simulated users of the demo portfolio, for Locust (started by ``benchmarks/load/run.py``).

Two kinds of user, four readers to one planner:

- a *reader* signs in as one of the demo organisation's people (a session cookie made
  for them beforehand) and browses: the portfolio, a project's overview, its plan and
  Gantt pages, and the API's project list, task list and Gantt data;
- a *planner* (a project manager with an API token) reads the same API and edits one of
  "their" tasks through it, sending the version they last saw (409 on a clash is a correct
  answer, counted apart; anything else but 200 is an error).

The peer in the same run is a small static file served by the same gunicorn workers: its
times are what any request waits for a worker and the CPU, whatever the app does.
Each user waits a few seconds between actions (``LOAD_WAIT_MIN``/``LOAD_WAIT_MAX``), as a
person does. Every response's time is collected by kind (read or write) from the moment
all users are running; ``LOAD_SUMMARY`` names the JSON file written when Locust stops.
This module must not import Django: Locust patches the standard library with gevent.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
from collections import Counter, defaultdict
from typing import Any

from locust import HttpUser, between, events, task

FIXTURE = json.loads(open(os.environ["LOAD_FIXTURE"], encoding="utf-8").read())  # noqa: SIM115
WAIT = between(
    float(os.environ.get("LOAD_WAIT_MIN", "5")), float(os.environ.get("LOAD_WAIT_MAX", "15"))
)
WRITES = {"PATCH", "POST", "PUT", "DELETE"}

_lock = threading.Lock()
_steady = False
_times: dict[str, list[float]] = defaultdict(list)
_codes: Counter[str] = Counter()
_errors: Counter[str] = Counter()
_conflicts = 0
_readers = itertools.count()
_planners = itertools.count()


@events.spawning_complete.add_listener
def _all_running(user_count: int, **_: Any) -> None:
    global _steady
    _steady = True


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, exception: Any, **kw: Any) -> None:
    response = kw.get("response")
    code = str(getattr(response, "status_code", "none"))
    with _lock:
        _codes[f"{request_type} {name} {code}"] += 1
        if exception is not None:
            _errors[f"{request_type} {name} {code}"] += 1
        if _steady:
            _times[f"{request_type} {name}"].append(response_time)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


@events.quitting.add_listener
def _write_summary(environment: Any, **_: Any) -> None:
    path = os.environ.get("LOAD_SUMMARY")
    if not path:
        return
    stats = environment.stats.total
    by_kind: dict[str, list[float]] = {"read": [], "write": [], "peer": []}
    per_name = {}
    for key, values in sorted(_times.items()):
        method, name = key.split(" ", 1)
        kind = "peer" if name.startswith("peer") else "write" if method in WRITES else "read"
        by_kind[kind].extend(values)
        per_name[key] = {
            "count": len(values),
            "p50_ms": _percentile(values, 0.50),
            "p95_ms": _percentile(values, 0.95),
            "max_ms": max(values),
        }
    summary = {
        "steady_requests": sum(len(v) for v in _times.values()),
        "steady_seconds": None,
        "total_requests": stats.num_requests,
        "total_failures": stats.num_failures,
        "errors": dict(_errors),
        "user_exceptions": sum(e["occurrences"] for e in environment.runner.exceptions.values()),
        "conflicts_409": _conflicts,
        "status_codes": dict(_codes),
        "kinds": {
            kind: {
                "count": len(values),
                "p50_ms": _percentile(values, 0.50),
                "p95_ms": _percentile(values, 0.95),
                "p99_ms": _percentile(values, 0.99),
                "max_ms": max(values) if values else float("nan"),
            }
            for kind, values in by_kind.items()
        },
        "requests": per_name,
    }
    with open(path, "w", encoding="utf-8") as out:
        json.dump(summary, out, indent=2)


class Reader(HttpUser):
    """Someone of the organisation browsing pages and the API."""

    weight = 4
    wait_time = WAIT

    def on_start(self) -> None:
        """Take one of the prepared sessions and a token of the same person."""
        me = FIXTURE["readers"][next(_readers) % len(FIXTURE["readers"])]
        self.client.cookies.set("sessionid", me["session"])
        self.api = {"Authorization": f"Token {me['token']}", "Accept": "application/json"}
        self.projects: list[str] = me["projects"]
        self.planned: list[str] = me["planned"] or me["projects"]

    @task(1)
    def peer(self) -> None:
        """The peer: a small static file through the same workers (their queueing floor)."""
        self.client.get("/static/keystage/favicon.svg", name="peer static file")

    @task(3)
    def portfolio(self) -> None:
        """The portfolio page."""
        self.client.get("/", name="page portfolio")

    @task(3)
    def project(self) -> None:
        """A project's overview page."""
        self.client.get(f"/projects/{random.choice(self.projects)}/", name="page project")

    @task(2)
    def plan(self) -> None:
        """A project's plan (the task table)."""
        self.client.get(f"/projects/{random.choice(self.planned)}/plan/", name="page plan")

    @task(2)
    def gantt(self) -> None:
        """A project's Gantt page."""
        self.client.get(f"/projects/{random.choice(self.planned)}/gantt/", name="page gantt")

    @task(2)
    def api_projects(self) -> None:
        """The API's project list."""
        self.client.get("/api/v1/projects/", headers=self.api, name="api projects")

    @task(2)
    def api_tasks(self) -> None:
        """The API's task list of a project."""
        project = random.choice(self.planned)
        self.client.get(f"/api/v1/projects/{project}/tasks/", headers=self.api, name="api tasks")

    @task(1)
    def api_gantt(self) -> None:
        """The API's Gantt rows of a project."""
        project = random.choice(self.planned)
        self.client.get(f"/api/v1/projects/{project}/gantt/", headers=self.api, name="api gantt")


class Planner(HttpUser):
    """A project manager editing tasks through the API, with the version they saw."""

    weight = 1
    wait_time = WAIT

    def on_start(self) -> None:
        """Take a planner's token and a few tasks of their own to edit."""
        index = next(_planners)
        me = FIXTURE["planners"][index % len(FIXTURE["planners"])]
        self.api = {"Authorization": f"Token {me['token']}", "Accept": "application/json"}
        self.project = me["project"]
        tasks = me["tasks"]
        mine = tasks[index % len(tasks) :: max(1, FIXTURE["planner_count"])] or tasks[:1]
        self.mine = {t["id"]: dict(t) for t in mine}  # (``tasks`` is Locust's own)

    @task(2)
    def api_tasks(self) -> None:
        """Read the task list."""
        url = f"/api/v1/projects/{self.project}/tasks/"
        self.client.get(url, headers=self.api, name="api tasks")

    @task(1)
    def api_gantt(self) -> None:
        """Read the Gantt rows."""
        url = f"/api/v1/projects/{self.project}/gantt/"
        self.client.get(url, headers=self.api, name="api gantt")

    @task(3)
    def edit_task(self) -> None:
        """Lengthen a task by a day, or shorten it back, at the version last seen."""
        global _conflicts
        item = self.mine[random.choice(list(self.mine))]
        longer = item["duration"] == item["original"]
        body = {
            "version": item["version"],
            "duration_minutes": item["original"] + (480 if longer else 0),
        }
        url = f"/api/v1/projects/{self.project}/tasks/{item['id']}/"
        with self.client.patch(
            url, json=body, headers=self.api, name="api task edit", catch_response=True
        ) as response:
            if response.status_code == 200:
                data = response.json()
                item["version"], item["duration"] = data["version"], data["duration_minutes"]
                response.success()
            elif response.status_code == 409:
                current = response.json().get("current") or {}
                item["version"] = current.get("version", item["version"])
                item["duration"] = current.get("duration_minutes", item["duration"])
                with _lock:
                    _conflicts += 1
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
