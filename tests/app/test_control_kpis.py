"""KPIs with RAG (issue 13 items 2, 3): goal measurements, thresholds, health, alerts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from keystage.control.kpis.alerts import check_project
from keystage.control.kpis.selectors import evaluate_project
from keystage.control.kpis.sources import KpiContext, evm_inputs
from keystage.control.models import KpiState, KpiThresholdSet
from keystage.core.errors import Forbidden, InvalidInput
from keystage.core.models import AuditEntry
from keystage.engine.kpi import DEFAULT_THRESHOLDS, Rag
from keystage.notifications.models import Notification
from keystage.planning.models import GoalMeasurement, ProjectCalendar
from keystage.planning.services import goal_measurements, goals

pytestmark = pytest.mark.django_db

# The project runs 4 Jan – 30 Jun 2027; its data date puts the status half-way to the goal's
# due date, so the goal should be about 50 % of the way (measurements are dated in the past).
DATA_DATE = dt.date(2027, 4, 3)
PAST = dt.date(2026, 11, 2)


@pytest.fixture
def goal(world):
    ProjectCalendar.objects.create(project=world.project_a, data_date=DATA_DATE)
    return goals.goal_create(
        who=world.a["project_manager"],
        project=world.project_a,
        data={
            "title": "Faster closing",
            "metric": "Closing time",
            "unit": "days",
            "baseline_value": Decimal("20"),
            "target_value": Decimal("10"),
            "due_date": dt.date(2027, 6, 30),
        },
    )


def measure(world, goal, value, day=PAST, note=""):
    return goal_measurements.measurement_add(
        who=world.a["project_manager"],
        goal=goal,
        data={"measured_on": day, "value": Decimal(value), "note": note},
    )


def goal_kpi(project):
    return next(r for r in evaluate_project(project).results if r.key.startswith("goal:"))


# ---------------------------------------------------------------- goal measurements


def test_latest_measurement_is_the_current_value_and_every_write_is_journaled(world, goal, api):
    measure(world, goal, "17", dt.date(2026, 11, 20), "after the pilot")
    measure(world, goal, "19", dt.date(2026, 11, 1))  # older: recorded later, not the latest
    goal.refresh_from_db()
    assert goal.current_value == Decimal("17")
    assert (
        AuditEntry.objects.filter(summary__startswith="Measured goal 'Faster closing'").count() == 2
    )
    body = (
        api(world.a["stakeholder"])
        .get(f"/api/v1/projects/{world.project_a.public_id}/goals/{goal.public_id}/")
        .json()
    )
    assert Decimal(body["current_value"]) == Decimal("17")  # the goal's API field still works
    listed = api(world.a["stakeholder"]).get(
        f"/api/v1/projects/{world.project_a.public_id}/goals/{goal.public_id}/measurements/"
    )
    assert [m["measured_on"] for m in listed.json()] == ["2026-11-01", "2026-11-20"]
    assert (
        listed.json()[1]["recorded_by"] == "pm_a" and listed.json()[1]["note"] == "after the pilot"
    )


def test_measurement_api_adds_and_removes_with_versions(world, goal, api):
    url = f"/api/v1/projects/{world.project_a.public_id}/goals/{goal.public_id}/measurements/"
    pm = api(world.a["project_manager"])
    created = pm.post(url, {"measured_on": "2026-11-10", "value": "15"}, format="json")
    assert created.status_code == 201, created.content
    goal.refresh_from_db()
    assert goal.current_value == Decimal("15")
    detail = f"{url}{created.json()['id']}/"
    assert pm.delete(detail).status_code == 428
    assert pm.delete(detail, HTTP_IF_MATCH="7").status_code == 409
    assert pm.delete(detail, HTTP_IF_MATCH="1").status_code == 204
    assert not GoalMeasurement.objects.exists()


def test_bad_measurements_are_field_errors_and_only_editors_measure(world, goal, api):
    url = f"/api/v1/projects/{world.project_a.public_id}/goals/{goal.public_id}/measurements/"
    pm = api(world.a["project_manager"])
    future = pm.post(url, {"measured_on": "2099-01-01", "value": "15"}, format="json")
    assert future.status_code == 400 and "measured_on" in future.json()["errors"]
    assert (
        pm.post(url, {"measured_on": "2026-11-10", "value": "x"}, format="json").status_code == 400
    )
    assert pm.post(url, {"value": "1"}, format="json").status_code == 400
    for role in ("team_member", "stakeholder", "sponsor"):
        refused = api(world.a[role]).post(
            url, {"measured_on": "2026-11-10", "value": "15"}, format="json"
        )
        assert refused.status_code == 403, role
    outsider = api(world.outsider).get(url)
    assert outsider.status_code == 404
    with pytest.raises(Forbidden):
        goal_measurements.measurement_add(
            who=world.a["team_member"], goal=goal, data={"measured_on": PAST, "value": Decimal(1)}
        )
    assert not GoalMeasurement.objects.exists()
    goal.refresh_from_db()
    assert goal.current_value == Decimal("20")


def test_measurements_page_adds_shows_history_and_chart(world, goal):
    client = Client()
    client.force_login(world.a["project_manager"])
    url = f"/projects/{world.project_a.public_id}/goals/{goal.public_id}/measurements/"
    bad = client.post(url, {"measured_on": "2099-01-01", "value": "12"})
    assert bad.status_code == 400 and b"cannot be dated in the future" in bad.content
    ok = client.post(url, {"measured_on": "2026-11-15", "value": "12", "note": "pilot"})
    assert ok.status_code == 302
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'data-series="measured"' in html and "pilot" in html
    viewer = Client()
    viewer.force_login(world.a["stakeholder"])
    seen = viewer.get(url)
    assert seen.status_code == 200 and b"Add measurement" not in seen.content
    assert viewer.post(url, {"measured_on": "2026-11-15", "value": "1"}).status_code == 403


# ---------------------------------------------------------------- KPIs and health


def test_goal_kpi_turns_amber_then_red_with_the_reason(world, goal):
    # Half-way through the time (≈ 50 % expected): 14 is 60 % of the way → green.
    measure(world, goal, "14")
    assert goal_kpi(world.project_a).rag is Rag.GREEN
    measure(world, goal, "17", PAST + dt.timedelta(days=1))  # 30 %: ≈ 20 points behind
    result = goal_kpi(world.project_a)
    assert result.rag is Rag.AMBER
    assert result.reason.startswith("Goal 'Faster closing' behind schedule by 2")
    assert "> 10 points" in result.reason and "target 10 days by 30 Jun 2027" in result.reason
    health = evaluate_project(world.project_a).health
    assert health.rag is Rag.AMBER and health.reasons == (result.reason,)
    measure(world, goal, "19", PAST + dt.timedelta(days=2))  # 10 %: ≈ 40 points behind
    assert goal_kpi(world.project_a).rag is Rag.RED


def test_kpis_api_describes_each_kpi_and_never_fakes_unmeasured_figures(world, goal, api):
    url = f"/api/v1/projects/{world.project_a.public_id}/kpis/"
    body = api(world.a["stakeholder"]).get(url).json()
    assert body["status_date"] == "2027-04-03"
    by_key = {k["key"]: k for k in body["kpis"]}
    for key in ("spi_t", "cpi", "finish_slip", "eac_overrun", "risk_exposure"):
        assert by_key[key]["rag"] == "not_measured" and by_key[key]["value"] is None
    assert (
        by_key["risk_exposure"]["reason"]
        == "High risks open: not measured — the risk register is empty"
    )
    assert by_key["cpi"]["thresholds"] == {"direction": "higher", "green": 0.95, "amber": 0.9}
    goal_row = by_key[f"goal:{goal.public_id}"]
    assert goal_row["threshold_key"] == "goal_behind" and goal_row["area"] == "goals"
    assert body["health"]["rag"] in {"green", "amber", "red"}
    assert api(world.outsider).get(url).status_code == 404
    assert api(world.b["project_manager"]).get(url).status_code == 404


def test_scope_and_quality_kpis_from_deliverables(world, goal):
    from keystage.planning.services import scope

    pm = world.a["project_manager"]
    for name, due, status in (
        ("Spec", dt.date(2027, 2, 1), "accepted"),
        ("Build", dt.date(2027, 3, 1), "rejected"),
        ("Pilot", dt.date(2027, 3, 15), "in_progress"),
        ("Go-live", dt.date(2027, 6, 1), "planned"),
    ):
        scope.deliverable_create(
            who=pm,
            project=world.project_a,
            data={"name": name, "acceptance_criteria": "ok", "due_date": due, "status": status},
        )
    results = {r.key: r for r in evaluate_project(world.project_a).results}
    accepted = results["deliverables_accepted"]
    assert accepted.value == pytest.approx(100 / 3) and accepted.rag is Rag.RED
    assert accepted.reason == "Deliverables accepted 33 % < 80 % (1 of 3 due accepted)"
    quality = results["deliverables_rejected_late"]
    assert quality.value == 2 and quality.rag is Rag.RED
    assert quality.reason == "2 deliverables rejected or late > 1 (1 accepted, 1 rejected, 1 late)"
    assert results["scope_changes"].rag is Rag.NOT_MEASURED  # no baseline yet
    assert results["milestones_late"].reason.endswith("the plan has no milestones")


@dataclass
class Summary:
    spi: float | None = 0.9
    cpi: float | None = 0.87
    spi_t: float | None = 0.93
    sv_t: float | None = -2
    eac: Decimal | None = Decimal("115000")
    bac: Decimal | None = Decimal("100000")
    vac: Decimal | None = Decimal("-15000")
    tcpi: float | None = 1.2
    forecast_finish: dt.date | None = dt.date(2027, 7, 16)
    baseline_finish: dt.date | None = dt.date(2027, 6, 30)
    data_date: dt.date | None = DATA_DATE
    currency: str = "EUR"


def test_evm_summary_becomes_kpi_inputs(world):
    from keystage.engine.kpi import evaluate

    ctx = KpiContext(world.project_a, DATA_DATE, dict(DEFAULT_THRESHOLDS))
    results = {r.key: r for r in map(evaluate, evm_inputs(Summary(), ctx))}
    assert (results["cpi"].rag, results["cpi"].reason) == (Rag.RED, "CPI 0.87 < 0.90")
    assert (results["spi_t"].rag, results["spi_t"].reason) == (Rag.AMBER, "SPI(t) 0.93 < 0.95")
    slip = results["finish_slip"]
    assert slip.value == 12 and slip.rag is Rag.RED  # 1 → 16 Jul 2027: 12 working days
    assert slip.reason == (
        "Forecast finish slip 12 working days > 10 working days "
        "(forecast 16 Jul 2027, baseline 30 Jun 2027)"
    )
    overrun = results["eac_overrun"]
    assert overrun.value == pytest.approx(15.0) and overrun.rag is Rag.RED
    assert overrun.reason == "EAC over budget 15.0 % > 5.0 % (EAC 115,000 against BAC 100,000 EUR)"
    undefined = {
        r.key: r
        for r in map(evaluate, evm_inputs(Summary(cpi=None, forecast_finish=None, bac=None), ctx))
    }
    assert undefined["cpi"].rag is Rag.NOT_MEASURED
    assert undefined["cpi"].reason == "CPI: not measured — no actual cost yet"
    assert undefined["finish_slip"].rag is Rag.NOT_MEASURED
    assert undefined["eac_overrun"].rag is Rag.NOT_MEASURED
    none = list(map(evaluate, evm_inputs(None, ctx)))
    assert {r.rag for r in none} == {Rag.NOT_MEASURED}
    assert "no earned value yet" in none[0].reason


def test_health_page_shows_rag_in_words_and_shapes_with_the_reason(world, goal):
    measure(world, goal, "17")
    client = Client()
    client.force_login(world.a["stakeholder"])
    page = client.get(f"/projects/{world.project_a.public_id}/health/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'id="health-reasons"' in html and "Goal &#x27;Faster closing&#x27; behind schedule" in html
    )
    assert "▲</span>Amber" in html and "○</span>Not measured" in html
    assert 'aria-current="page">Health' in html
    assert Notification.objects.count() == 0  # reading never alerts
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(f"/projects/{world.project_a.public_id}/health/").status_code == 404


# ---------------------------------------------------------------- alerts


def alerts():
    return list(Notification.objects.filter(kind="kpi_alert").order_by("pk"))


def test_an_alert_fires_once_per_crossing(world, goal):
    measure(world, goal, "14")
    assert check_project(world.project_a).crossings == [] and alerts() == []
    measure(world, goal, "17", PAST + dt.timedelta(days=1))
    first = check_project(world.project_a)
    assert [r.rag for r in first.crossings] == [Rag.AMBER]
    told = alerts()
    assert {n.recipient.username for n in told} == {"pm_a", "sponsor_a"}
    assert "PRJ-A KPI alert — amber: Goal 'Faster closing' behind schedule" in told[0].text
    assert told[0].url == f"/projects/{world.project_a.public_id}/health/"
    assert check_project(world.project_a).crossings == []  # re-evaluated: same level, no alert
    assert len(alerts()) == 2
    measure(world, goal, "19", PAST + dt.timedelta(days=2))  # amber → red: a new crossing
    assert [r.rag for r in check_project(world.project_a).crossings] == [Rag.RED]
    assert len(alerts()) == 4
    measure(world, goal, "13", PAST + dt.timedelta(days=3))  # recovers: nobody is told
    assert check_project(world.project_a).crossings == [] and len(alerts()) == 4
    state = KpiState.objects.get(project=world.project_a, key=f"goal:{goal.public_id}")
    assert state.rag == "green"
    measure(world, goal, "17", PAST + dt.timedelta(days=4))  # and crosses again: told again
    assert [r.rag for r in check_project(world.project_a).crossings] == [Rag.AMBER]
    assert len(alerts()) == 6


def test_a_measurement_checks_after_its_commit_not_page_views(
    world, goal, api, django_capture_on_commit_callbacks
):
    url = f"/api/v1/projects/{world.project_a.public_id}/goals/{goal.public_id}/measurements/"
    with django_capture_on_commit_callbacks(execute=True):
        made = api(world.a["project_manager"]).post(
            url, {"measured_on": "2026-11-02", "value": "19"}, format="json"
        )
    assert made.status_code == 201
    assert len(alerts()) == 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(3):
            assert (
                api(world.a["sponsor"])
                .get(f"/api/v1/projects/{world.project_a.public_id}/kpis/")
                .status_code
                == 200
            )
    assert callbacks == [] and len(alerts()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        api(world.a["project_manager"]).post(
            url, {"measured_on": "2026-11-03", "value": "19.5"}, format="json"
        )
    assert len(alerts()) == 2  # still red: no second alert


def test_many_writes_in_one_transaction_check_each_project_once(
    world, goal, django_capture_on_commit_callbacks, monkeypatch
):
    from django.db import transaction

    from keystage.control.kpis import alerts as kpi_alerts
    from keystage.portfolio.project_events import project_figures_moved

    checked: list[int] = []
    monkeypatch.setattr(kpi_alerts, "check_quietly", checked.append)
    a, b = world.project_a, world.project_b
    with django_capture_on_commit_callbacks(execute=True) as hooks, transaction.atomic():
        for k, value in enumerate(("18", "18.5", "19")):  # three real writes to A
            measure(world, goal, value, PAST + dt.timedelta(days=k))
        project_figures_moved(b)
        project_figures_moved(a)
    assert (checked, len(hooks)) == ([a.pk, b.pk], 2)
    with django_capture_on_commit_callbacks(execute=True):  # the next transaction: again
        measure(world, goal, "19.5", PAST + dt.timedelta(days=5))
    assert checked == [a.pk, b.pk, a.pk]
    # A savepoint rolled back takes its queued check with it; the next write queues it again.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                project_figures_moved(b)
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        project_figures_moved(b)
    assert checked == [a.pk, b.pk, a.pk, b.pk]


def test_cli_checks_one_or_every_open_project(world, goal):
    from typer.testing import CliRunner

    from keystage.cli.app import app

    measure(world, goal, "19")
    runner = CliRunner()
    done = runner.invoke(app, ["kpi", "check", "PRJ-A"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("PRJ-A: red — Goal 'Faster closing' behind schedule by")
    assert done.output.rstrip().endswith("; alert sent to 2")
    again = runner.invoke(app, ["kpi", "check"])
    assert again.exit_code == 0
    assert "alert sent" not in again.output and "PRJ-B: " in again.output
    missing = runner.invoke(app, ["kpi", "check", "NOPE"])
    assert missing.exit_code == 1 and len(missing.output.strip().splitlines()) == 1


# ---------------------------------------------------------------- thresholds


def test_thresholds_api_versions_rights_and_effect(world, goal, api):
    url = "/api/v1/org/kpi-thresholds/"
    read = api(world.a["team_member"]).get(url)
    assert read.status_code == 200
    assert read.json()["version"] is None and read.json()["can_edit"] is False
    cpi = next(t for t in read.json()["thresholds"] if t["key"] == "cpi")
    assert (cpi["green"], cpi["amber"], cpi["direction"]) == (0.95, 0.9, "higher")
    body = {"thresholds": {"goal_behind": {"green": 40, "amber": 60}}}
    assert api(world.a["project_manager"]).put(url, body, format="json").status_code == 403
    pmo = api(world.pmo)
    first = pmo.put(url, body, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 1
    assert pmo.put(url, body, format="json").status_code == 428
    stale = pmo.put(url, body | {"version": 5}, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 1
    wrong = pmo.put(
        url,
        {"thresholds": {"cpi": {"green": 0.9, "amber": 0.95}, "nope": {"green": 1, "amber": 1}},
         "version": 1},
        format="json",
    )  # fmt: skip
    assert wrong.status_code == 400 and {"cpi", "nope"} <= set(wrong.json()["errors"])
    assert KpiThresholdSet.objects.get().rules == {"goal_behind": {"green": 40.0, "amber": 60.0}}
    assert AuditEntry.objects.filter(summary="Changed the KPI thresholds of Acme IT").count() == 1
    measure(world, goal, "19.5")  # ≈ 45 points behind: red by default, amber with 40 / 60
    assert goal_kpi(world.project_a).rag is Rag.AMBER
    assert api(world.a["project_manager"]).patch(url, body, format="json").status_code == 405


def test_thresholds_page_edits_for_the_pmo_and_reads_for_members(world):
    pmo = Client()
    pmo.force_login(world.pmo)
    page = pmo.get("/kpi-thresholds/")
    assert page.status_code == 200 and b'name="cpi-green"' in page.content
    form = {
        f"{k}-{side}": getattr(t, side)
        for k, t in DEFAULT_THRESHOLDS.items()
        for side in ("green", "amber")
    }
    bad = pmo.post("/kpi-thresholds/", form | {"cpi-green": "0.8", "version": ""})
    assert bad.status_code == 400 and b"amber" in bad.content
    assert not KpiThresholdSet.objects.exists()
    saved = pmo.post("/kpi-thresholds/", form | {"cpi-green": "1", "version": ""})
    assert saved.status_code == 302
    assert KpiThresholdSet.objects.get().rules == {"cpi": {"green": 1.0, "amber": 0.9}}
    stale = pmo.post("/kpi-thresholds/", form | {"version": "9"})
    assert stale.status_code == 409
    member = Client()
    member.force_login(world.a["team_member"])
    seen = member.get("/kpi-thresholds/")
    assert seen.status_code == 200 and b'name="cpi-green"' not in seen.content
    assert member.post("/kpi-thresholds/", form | {"version": "1"}).status_code == 403
    with pytest.raises(InvalidInput):
        from keystage.control.kpis.thresholds import thresholds_save

        thresholds_save(who=world.admin, version=1, rules={"cpi": {"green": "high"}})


def test_a_data_date_change_checks_the_kpis_after_its_commit(
    world, django_capture_on_commit_callbacks
):
    from keystage.execution.services.progress import set_data_date

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        set_data_date(
            who=world.a["project_manager"],
            project_id=world.project_a.public_id,
            data_date="2027-02-01",
            version=None,
        )
    assert len(callbacks) == 1
    states = dict(KpiState.objects.filter(project=world.project_a).values_list("key", "rag"))
    assert states["risk_exposure"] == "not_measured" and "cpi" in states


def test_new_thresholds_recheck_the_organisations_projects_in_a_job(
    world, goal, api, django_capture_on_commit_callbacks, monkeypatch
):
    from keystage.control import tasks

    queued = []
    job = tasks.check_organisation_kpis

    class Queue:
        enqueue = staticmethod(queued.append)

    monkeypatch.setattr(tasks, "check_organisation_kpis", Queue)
    measure(world, goal, "19.5")  # ≈ 45 points behind: red by default
    check_project(world.project_a)
    assert len(alerts()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        api(world.pmo).put(
            "/api/v1/org/kpi-thresholds/",
            {"thresholds": {"goal_behind": {"green": 50, "amber": 60}}},
            format="json",
        )
    assert queued == [world.org.pk]
    assert job.call(world.org.pk) == 2  # both open projects
    assert (
        KpiState.objects.get(project=world.project_a, key=f"goal:{goal.public_id}").rag == "green"
    )
    assert len(alerts()) == 2  # better now: nobody is told


def test_evaluating_costs_the_same_queries_whatever_the_number_of_goals(world, goal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    measure(world, goal, "15")
    evaluate_project(world.project_a)  # warm the per-process caches (currency, content types)
    with CaptureQueriesContext(connection) as one:
        evaluate_project(world.project_a)
    for n in range(4):
        more = goals.goal_create(
            who=world.a["project_manager"],
            project=world.project_a,
            data={"title": f"Goal {n}", "metric": "m", "baseline_value": Decimal(0),
                  "target_value": Decimal(10), "due_date": dt.date(2027, 6, 30)},
        )  # fmt: skip
        measure(world, more, "3")
    with CaptureQueriesContext(connection) as five:
        kpis = evaluate_project(world.project_a)
    assert sum(r.key.startswith("goal:") for r in kpis.results) == 5
    assert len(five) == len(one)
