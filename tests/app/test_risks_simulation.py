"""Issue 14 item 5 through HTTP: three-point estimates, Monte Carlo runs in the background,
their results (API and pages), `keystage risk simulate`, bad input, access, closed projects."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from keystage.cli.app import app
from keystage.core.models import AuditEntry
from keystage.planning.models import Assignment, Task
from keystage.planning.services import wbs
from keystage.portfolio.models import Project
from keystage.resources.services import profile_update
from keystage.risks.models import SimulationRun, TaskEstimate

pytestmark = pytest.mark.django_db

DAY = 480
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate(settings: Any) -> None:
    settings.TASKS = IMMEDIATE


def plan(world: Any) -> dict[str, Task]:
    """Design (2 d) → Build (3 d) → Release (milestone), Docs (2 d) beside Build."""
    rows = [("Design", 2), ("Build", 3), ("Docs", 2), ("Release", 0)]
    outline = [
        {"name": n, "duration_minutes": d * DAY, "kind": "milestone" if d == 0 else "task"}
        for n, d in rows
    ]
    links = [(0, 1, "FS", 0), (0, 2, "FS", 0), (1, 3, "FS", 0), (2, 3, "FS", 0)]
    tasks = wbs.plan_append(
        who=world.a["project_manager"], project=world.project_a, rows=outline, links=links
    )
    # Dev builds full time at 100 an hour: the Build's labour (2,400) scales with its duration.
    dev = world.a["team_member"]
    profile_update(who=world.admin, person=dev, version=None, changes={"cost_rate": 100})
    Assignment.objects.create(project=world.project_a, task=tasks[1], person=dev, units_percent=100)
    return {t.name: t for t in tasks}


def est_url(project: Any) -> str:
    return f"/api/v1/projects/{project.public_id}/risk-estimates/"


def sim_url(project: Any, run: str = "") -> str:
    base = f"/api/v1/projects/{project.public_id}/risk-simulations/"
    return f"{base}{run}/" if run else base


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def row(task: Task, o: str, m: str, p: str, **extra: Any) -> dict[str, Any]:
    return {"task": str(task.public_id), "optimistic_days": o, "likely_days": m,
            "pessimistic_days": p, **extra}  # fmt: skip


def test_estimates_bulk_put_defaults_conflict_and_bad_input(world, api):
    tasks = plan(world)
    client = api(world.a["project_manager"])
    table = client.get(est_url(world.project_a)).json()
    assert [r["name"] for r in table["rows"]] == ["Design", "Build", "Docs"]  # no milestone
    build = next(r for r in table["rows"] if r["name"] == "Build")
    # the default spread: −10 % / +25 % around 3 days
    assert (build["optimistic_days"], build["likely_days"], build["pessimistic_days"]) == (
        "2.70", "3.00", "3.75",
    )  # fmt: skip
    assert build["own"] is False and table["minutes_per_day"] == 480
    put = client.put(
        est_url(world.project_a),
        {"rows": [row(tasks["Build"], "2", "3", "6", distribution="pert")]},
        format="json",
    )
    assert put.status_code == 200, put.content
    build = next(r for r in put.json()["rows"] if r["name"] == "Build")
    assert (build["pessimistic_days"], build["distribution"], build["own"]) == (
        "6.00",
        "pert",
        True,
    )
    saved = TaskEstimate.objects.get(task=tasks["Build"])
    assert (saved.optimistic_minutes, saved.pessimistic_minutes) == (2 * DAY, 6 * DAY)
    assert AuditEntry.objects.filter(object_type="taskestimate", action="create").count() == 1
    # a stale version: 409, nothing changes
    stale = client.put(
        est_url(world.project_a),
        {"rows": [row(tasks["Build"], "1", "3", "9", version=saved.version + 5)]},
        format="json",
    )
    assert stale.status_code == 409
    assert TaskEstimate.objects.get(task=tasks["Build"]).pessimistic_minutes == 6 * DAY
    # bad rows: all or nothing, each message on its field
    bad = client.put(
        est_url(world.project_a),
        {"rows": [
            row(tasks["Design"], "1", "2", "3"),
            row(tasks["Docs"], "3", "2", "4"),
            row(tasks["Release"], "0", "0", "0"),
            {"task": "nope", "optimistic_days": "1"},
            row(tasks["Build"], "-1", "x", "3", distribution="normal"),
        ]},
        format="json",
    )  # fmt: skip
    assert bad.status_code == 400
    errors = bad.json()["errors"] if "errors" in bad.json() else bad.json()
    text = str(errors)
    fields = ("rows[1].likely_days", "rows[2].task", "rows[3].task", "rows[4].optimistic_days",
              "rows[4].likely_days", "rows[4].distribution")  # fmt: skip
    for field in fields:
        assert field in text, field
    assert TaskEstimate.objects.count() == 1
    # clear goes back to the default spread
    clear = {"rows": [{"task": str(tasks["Build"].public_id), "clear": True}]}
    cleared = client.put(est_url(world.project_a), clear, format="json")
    assert cleared.status_code == 200 and TaskEstimate.objects.count() == 0
    spread = client.patch(
        est_url(world.project_a) + "spread/", {"low_percent": "20", "high_percent": "x"},
        format="json",
    )  # fmt: skip
    assert spread.status_code == 400 and "high_percent" in str(spread.json())


def test_simulation_runs_in_the_background_and_reports(world, api, immediate):
    tasks = plan(world)
    client = api(world.a["project_manager"])
    client.put(est_url(world.project_a), {"rows": [row(tasks["Build"], "2", "3", "8")]},
               format="json")  # fmt: skip
    response = client.post(sim_url(world.project_a), {"runs": 400, "seed": 11}, format="json")
    assert response.status_code == 202, response.content
    run = client.get(sim_url(world.project_a, response.json()["id"])).json()
    assert (run["status"], run["progress"], run["runs"], run["seed"]) == ("done", 100, 400, 11)
    result = run["result"]
    finish = result["finish"]
    assert [p["p"] for p in finish["percentiles"]] == [10, 50, 80, 90]
    days = [p["days"] for p in finish["percentiles"]]
    assert days == sorted(days) and days[0] > 2 * 0.9 + 2 and days[-1] <= 2.5 + 8
    assert finish["planned"] == "2027-01-08"  # Mon 4 Jan + 5 working days
    assert sum(finish["histogram"]["counts"]) == 400 and len(finish["curve"]) == 101
    crit = {c["name"].split(" ", 1)[-1]: c["index"] for c in result["criticality"]}
    assert crit["Design"] == 1.0 and crit["Build"] > 0.9 > crit["Docs"]
    assert result["tornado"][0]["name"].endswith("Build")
    cost = result["cost"]
    assert (cost["planned"], cost["duration_driven"]) == (2400.0, "2400.00")
    # Build's labour at 100 an hour scales with its draw: 2 to 8 days → 1,600 to 6,400
    amounts = [p["amount"] for p in cost["percentiles"]]
    assert 1600 <= amounts[0] <= amounts[-1] <= 6400 and amounts == sorted(amounts)
    assert result["inputs"] == {"estimated_tasks": 1, "default_spread_tasks": 2, "risk_events": 0}
    # same seed, same result
    again = client.post(sim_url(world.project_a), {"runs": 400, "seed": 11}, format="json")
    assert client.get(sim_url(world.project_a, again.json()["id"])).json()["result"] == result
    journal = AuditEntry.objects.filter(object_type="simulationrun").order_by("id")
    assert [e.action for e in journal][:2] == ["create", "update"]
    assert client.get(sim_url(world.project_a)).json()[0]["id"] == again.json()["id"]


def test_bad_requests_and_access(world, api, immediate):
    plan(world)
    pm = api(world.a["project_manager"])
    cases = (({"runs": 50}, "runs"), ({"runs": "lots"}, "runs"), ({"runs": 200_000}, "runs"),
             ({"runs": 100, "seed": -1}, "seed"), ({"runs": "²"}, "runs"),
             ({"runs": 100, "seed": "1²"}, "seed"))  # fmt: skip
    for body, field in cases:
        response = pm.post(sim_url(world.project_a), body, format="json")
        assert response.status_code == 400 and field in str(response.json()), body
    assert SimulationRun.objects.count() == 0
    dev = api(world.a["team_member"])
    assert dev.post(sim_url(world.project_a), {"runs": 100}, format="json").status_code == 403
    assert dev.get(sim_url(world.project_a)).status_code == 200
    assert api(world.outsider).get(est_url(world.project_a)).status_code == 404
    run = pm.post(sim_url(world.project_a), {"runs": 100}, format="json").json()
    other = api(world.b["project_manager"])
    assert other.get(sim_url(world.project_b, run["id"])).status_code == 404
    # two running simulations fill the queue (429); once silent for minutes they are given up
    now = dt.datetime.now(dt.UTC)
    busy = [
        SimulationRun.objects.create(
            project=world.project_a, runs=100, seed=1, status="running", heartbeat_at=now
        )
        for _ in range(2)
    ]
    assert pm.post(sim_url(world.project_a), {"runs": 100}, format="json").status_code == 429
    SimulationRun.objects.filter(pk__in=[r.pk for r in busy]).update(
        heartbeat_at=now - dt.timedelta(minutes=5)
    )
    assert pm.post(sim_url(world.project_a), {"runs": 100}, format="json").status_code == 202
    assert SimulationRun.objects.filter(status="failed").count() == 2
    SimulationRun.objects.filter(pk__in=[r.pk for r in busy]).delete()
    SimulationRun.objects.filter(pk=SimulationRun.objects.order_by("-pk").first().pk).delete()
    # a closed project is read-only
    Project.objects.filter(pk=world.project_a.pk).update(stage="closed", status="completed")
    closed = pm.post(sim_url(world.project_a), {"runs": 100}, format="json")
    assert closed.status_code == 403 and b"PRJ-A is closed" in closed.content
    assert pm.put(est_url(world.project_a), {"rows": []}, format="json").status_code == 403
    assert SimulationRun.objects.count() == 1


def test_pages_enter_estimates_run_and_show_the_charts(world, immediate):
    tasks = plan(world)
    browser = signed_in(world.a["project_manager"])
    base = f"/projects/{world.project_a.public_id}/risk-analysis/"
    page = browser.get(base + "estimates/")
    assert page.status_code == 200 and b"Three-point estimates" in page.content
    key = tasks["Build"].public_id
    form = {f"o-{key}": "4", f"l-{key}": "3", f"p-{key}": "5", f"d-{key}": "pert"}
    bad = browser.post(base + "estimates/save/", form)
    assert bad.status_code == 400 and b"out of order" in bad.content
    assert TaskEstimate.objects.count() == 0
    form = {f"o-{key}": "2", f"l-{key}": "3", f"p-{key}": "7", f"d-{key}": "pert"}
    good = browser.post(base + "estimates/save/", form)
    assert good.status_code == 302 and TaskEstimate.objects.get().distribution == "pert"
    started = browser.post(base + "runs/", {"runs": "300", "seed": "5"})
    assert started.status_code == 302
    shown = browser.get(started["Location"])
    assert shown.status_code == 200
    for marker in (b'id="finish-chart"', b'id="cost-chart"', b'id="tornado-chart"',
                   b"<svg", b"P80", b'id="criticality"'):  # fmt: skip
        assert marker in shown.content, marker
    refused = browser.post(base + "runs/", {"runs": "5"})
    assert refused.status_code == 400 and b"Between 100" in refused.content
    viewer = signed_in(world.a["stakeholder"])
    assert b'id="simulate-button"' not in viewer.get(base).content


runner = CliRunner()


def test_cli_prints_the_p_values(world):
    plan(world)
    result = runner.invoke(app, ["risk", "simulate", "prj-a", "--runs", "200", "--seed", "3"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "PRJ-A: 200 runs, seed 3"
    assert any(line.strip().startswith("P80") and "finish 2027-01-" in line for line in lines)
    assert "baseline finish: none yet" in result.stdout
    run = SimulationRun.objects.get()
    assert (run.status, run.requested_by) == ("done", None)
    bad = runner.invoke(app, ["risk", "simulate", "prj-a", "--runs", "5"])
    assert bad.exit_code == 2 and "--runs" in bad.output


def cancel_url(project: Any, run: str) -> str:
    return sim_url(project, run) + "cancel/"


def test_cancel_a_queued_simulation_then_the_job_does_nothing(world, api):
    from keystage.risks.simulation.services import execute_simulation

    plan(world)
    pm = api(world.a["project_manager"])
    created = pm.post(sim_url(world.project_a), {"runs": 100, "seed": 3}, format="json").json()
    assert created["status"] == "queued"
    for who in (world.a["team_member"], world.b["project_manager"], world.outsider):
        denied = api(who).post(cancel_url(world.project_a, created["id"]))
        assert denied.status_code in (403, 404)
    cancelled = pm.post(cancel_url(world.project_a, created["id"]))
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancel_requested_at"]
    run = SimulationRun.objects.get(public_id=created["id"])
    assert execute_simulation(run.pk) == "cancelled"  # the worker finds nothing to do
    again = pm.post(cancel_url(world.project_a, created["id"]))
    assert again.status_code == 409 and "already ended (cancelled)" in again.json()["detail"]
    entry = AuditEntry.objects.filter(object_type="simulationrun").order_by("id").last()
    assert entry.changes == {"status": ["queued", "cancelled"]}


def test_cancel_a_running_simulation_stops_between_chunks(world, api, immediate, monkeypatch):
    import keystage.engine.risk as engine_risk
    from keystage.risks.simulation import services

    plan(world)
    monkeypatch.setattr(engine_risk, "CHUNK_CELLS", 500)  # 100 runs a chunk: 50 chunks
    pm = api(world.a["project_manager"])
    chunks: list[float] = []
    real = services.simulate

    def cancelling(model: Any, runs: int, rng: Any, progress: Any, **kw: Any) -> Any:
        def watched(fraction: float) -> None:
            chunks.append(fraction)
            if len(chunks) == 1:  # an editor presses Cancel while the runs are drawn
                run = SimulationRun.objects.get(status="running")
                asked = pm.post(cancel_url(world.project_a, str(run.public_id)))
                assert asked.status_code == 200
                body = asked.json()
                assert body["status"] == "running"
                assert body["message"] == "Cancelling at Pm_A Tester's request…"
                assert pm.post(cancel_url(world.project_a, str(run.public_id))).status_code == 200
            progress(fraction)

        return real(model, runs, rng, progress=watched, workers=1)

    monkeypatch.setattr(services, "simulate", cancelling)
    created = pm.post(sim_url(world.project_a), {"runs": 5000, "seed": 3}, format="json")
    assert created.status_code == 202
    final = pm.get(sim_url(world.project_a, created.json()["id"])).json()
    assert final["status"] == "cancelled" and final["result"] == {}
    assert "nothing was kept" in final["message"]
    assert len(chunks) == 1  # of 50: it stopped at the first check after the request
    summaries = list(AuditEntry.objects.filter(object_type="simulationrun")
                     .order_by("id").values_list("summary", flat=True))  # fmt: skip
    assert summaries[-2].startswith("Asked a running risk simulation")
    assert summaries[-1] == "Risk simulation cancelled while running"


def test_the_page_cancels_a_queued_run(world):
    plan(world)
    client = signed_in(world.a["project_manager"])
    page = f"/projects/{world.project_a.public_id}/risk-analysis/"
    client.post(page + "runs/", {"runs": "100", "seed": "1"})
    run = SimulationRun.objects.get()
    shown = client.get(f"{page}?run={run.public_id}")
    assert b'id="cancel-run"' in shown.content
    response = client.post(f"{page}runs/{run.public_id}/cancel/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'data-status="cancelled"' in response.content
    assert b'id="cancel-run"' not in response.content
    viewer = signed_in(world.a["team_member"])
    assert b'id="cancel-run"' not in viewer.get(f"{page}?run={run.public_id}").content


def test_a_simulation_over_the_memory_budget_is_refused_with_a_400(world, api, monkeypatch):
    import keystage.engine.risk as engine_risk

    plan(world)
    pm = api(world.a["project_manager"])
    monkeypatch.setattr(engine_risk, "MEMORY_BUDGET", engine_risk.memory_needed(4, 10_000))
    refused = pm.post(sim_url(world.project_a), {"runs": 50_000, "seed": 1}, format="json")
    assert refused.status_code == 400
    message = str(refused.json())
    assert "runs" in message and "MB" in message and "at most about" in message
    assert SimulationRun.objects.count() == 0
    page = signed_in(world.a["project_manager"]).post(
        f"/projects/{world.project_a.public_id}/risk-analysis/runs/", {"runs": "50000"}
    )
    assert page.status_code == 400 and b"at most about" in page.content
    assert SimulationRun.objects.count() == 0
    assert pm.post(sim_url(world.project_a), {"runs": 5000}, format="json").status_code == 202
