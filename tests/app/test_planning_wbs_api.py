"""The work-breakdown API over HTTP: tasks, outline moves, dependencies, errors and versions."""

from __future__ import annotations

import pytest

from keystage.core.models import AuditEntry

pytestmark = pytest.mark.django_db

DAY = 480


def _base(world):
    return f"/api/v1/projects/{world.project_a.public_id}/"


def _add(client, world, **body):
    response = client.post(_base(world) + "tasks/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_build_a_plan_link_it_and_read_the_schedule(world, api):
    pm = api(world.a["project_manager"])
    phase = _add(pm, world, name="Phase 1")
    design = _add(pm, world, name="Design", duration_minutes=960, parent=phase["id"])
    build = _add(pm, world, name="Build", duration_minutes=1440, parent=phase["id"])
    live = _add(pm, world, name="Go live", kind="milestone", duration_minutes=0)
    for pred, succ in ((design, build), (build, live)):
        response = pm.post(
            _base(world) + "dependencies/",
            {"predecessor": pred["id"], "successor": succ["id"]},
            format="json",
        )
        assert response.status_code == 201, response.json()
    rows = pm.get(_base(world) + "tasks/").json()
    assert [(r["wbs_code"], r["name"], r["is_summary"]) for r in rows] == [
        ("1", "Phase 1", True),
        ("1.1", "Design", False),
        ("1.2", "Build", False),
        ("2", "Go live", False),
    ]
    by_name = {r["name"]: r for r in rows}
    assert by_name["Go live"]["start_at"].startswith("2027-01-08")  # 2 + 3 working days
    assert by_name["Phase 1"]["finish_at"].startswith("2027-01-08")
    assert all(r["is_critical"] for r in rows if not r["is_summary"])
    links = pm.get(_base(world) + "dependencies/").json()
    assert [(d["predecessor_row"], d["successor_row"], d["type"]) for d in links] == [
        (2, 3, "FS"),
        (3, 4, "FS"),
    ]
    # A visible stakeholder reads; cannot write.
    viewer = api(world.a["stakeholder"])
    assert viewer.get(_base(world) + "tasks/").status_code == 200
    assert viewer.post(_base(world) + "tasks/", {"name": "x"}, format="json").status_code == 403
    # Someone outside the project does not learn that it exists.
    assert api(world.outsider).get(_base(world) + "tasks/").status_code == 404


def test_a_cycle_is_a_field_error_that_names_it(world, api):
    pm = api(world.a["project_manager"])
    a, b = _add(pm, world, name="Alpha"), _add(pm, world, name="Bravo")
    url = _base(world) + "dependencies/"
    assert (
        pm.post(url, {"predecessor": a["id"], "successor": b["id"]}, format="json").status_code
        == 201
    )
    response = pm.post(url, {"predecessor": b["id"], "successor": a["id"]}, format="json")
    assert response.status_code == 400
    assert "'Alpha'" in response.json()["errors"]["predecessor"][0]
    assert "cycle" in response.json()["errors"]["predecessor"][0]


def test_edits_need_the_current_version(world, api):
    pm = api(world.a["project_manager"])
    task = _add(pm, world, name="Alpha")
    url = _base(world) + f"tasks/{task['id']}/"
    assert pm.patch(url, {"name": "A"}, format="json").status_code == 428
    ok = pm.patch(url, {"name": "A", "duration_minutes": 240}, format="json", HTTP_IF_MATCH="1")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = pm.patch(url, {"name": "B"}, format="json", HTTP_IF_MATCH="1")
    assert stale.status_code == 409
    assert stale.json()["current"]["name"] == "A"
    bad = pm.patch(url, {"fixed_cost": "-5", "version": 2}, format="json")
    assert bad.status_code == 400 and "fixed_cost" in bad.json()["errors"]
    assert pm.delete(url, HTTP_IF_MATCH="2").status_code == 204
    assert pm.get(url).status_code == 404


def test_outline_moves_renumber_the_wbs(world, api):
    pm = api(world.a["project_manager"])
    first = _add(pm, world, name="First")
    second = _add(pm, world, name="Second")
    url = _base(world) + f"tasks/{second['id']}/move/"
    moved = pm.post(url, {"action": "indent", "version": 1}, format="json")
    assert moved.status_code == 200 and moved.json()["wbs_code"] == "1.1"
    refused = pm.post(
        _base(world) + f"tasks/{first['id']}/move/",
        {"action": "indent", "version": 2},
        format="json",
    )
    assert refused.status_code in (400, 409)
    nonsense = pm.post(url, {"action": "sideways", "version": 2}, format="json")
    assert nonsense.status_code == 400 and "action" in nonsense.json()["errors"]


# ------------------------------------------------------------------ maximum lags


def _link(client, world, pred, succ, **body):
    return client.post(
        _base(world) + "dependencies/",
        {"predecessor": pred["id"], "successor": succ["id"], **body},
        format="json",
    )


def _starts(client, world):
    return {r["name"]: r["start_at"][:10] for r in client.get(_base(world) + "tasks/").json()}


def test_set_validate_clear_a_maximum_lag_with_version_and_journal(world, api):
    pm = api(world.a["project_manager"])
    a = _add(pm, world, name="Pour", duration_minutes=DAY)
    b = _add(pm, world, name="Cure", duration_minutes=DAY)
    bad = _link(pm, world, a, b, lag_minutes=2 * DAY, max_lag_minutes=DAY)
    assert bad.status_code == 400
    assert "less than the lag" in bad.json()["errors"]["max_lag_minutes"][0]
    made = _link(pm, world, a, b, lag_minutes=DAY, max_lag_minutes=3 * DAY)
    assert made.status_code == 201, made.json()
    assert made.json()["max_lag_minutes"] == 3 * DAY
    url = _base(world) + f"dependencies/{made.json()['id']}/"
    # A PATCH of the lag alone is checked against the stored maximum.
    above = pm.patch(url, {"lag_minutes": 4 * DAY, "version": 1}, format="json")
    assert above.status_code == 400 and "max_lag_minutes" in above.json()["errors"]
    cleared = pm.patch(url, {"max_lag_minutes": None, "version": 1}, format="json")
    assert cleared.status_code == 200 and cleared.json()["max_lag_minutes"] is None
    stale = pm.patch(url, {"max_lag_minutes": DAY, "version": 1}, format="json")
    assert stale.status_code == 409
    entry = AuditEntry.objects.filter(project=world.project_a, summary="Edited a dependency")
    assert entry.get().changes["max_lag_minutes"] == [3 * DAY, None]
    created = AuditEntry.objects.get(project=world.project_a, summary__startswith="Linked")
    assert created.changes["max_lag_minutes"] == [None, 3 * DAY]


def test_a_maximum_lag_pulls_the_predecessor_towards_its_successor(world, api):
    pm = api(world.a["project_manager"])
    early = _add(pm, world, name="Deliver", duration_minutes=DAY)
    long = _add(pm, world, name="Prepare site", duration_minutes=5 * DAY)
    use = _add(pm, world, name="Install", duration_minutes=DAY)
    assert _link(pm, world, long, use).status_code == 201
    # Delivered at most one day before it is installed: pushed from Monday to Thursday.
    assert _link(pm, world, early, use, max_lag_minutes=DAY).status_code == 201
    starts = _starts(pm, world)
    assert starts["Install"] == "2027-01-11"
    assert starts["Deliver"] == "2027-01-07"
    # Pinned to Monday, the delivery cannot follow: a 400 naming the link, nothing written.
    pinned = pm.patch(
        _base(world) + f"tasks/{early['id']}/",
        {"constraint_type": "MSO", "constraint_date": "2027-01-04", "version": early["version"]},
        format="json",
    )
    assert pinned.status_code == 400, pinned.json()
    message = pinned.json()["errors"]["schedule"][0]
    assert "maximum lag of the link 'Deliver' → 'Install' cannot hold" in message
    assert _starts(pm, world)["Deliver"] == "2027-01-07"


def test_a_positive_cycle_is_a_400_naming_the_tasks(world, api):
    pm = api(world.a["project_manager"])
    a = _add(pm, world, name="Alpha", duration_minutes=DAY)
    b = _add(pm, world, name="Bravo", duration_minutes=3 * DAY)
    c = _add(pm, world, name="Charlie", duration_minutes=DAY)
    assert _link(pm, world, a, b).status_code == 201
    assert _link(pm, world, b, c).status_code == 201
    refused = _link(pm, world, a, c, max_lag_minutes=DAY)
    assert refused.status_code == 400
    message = refused.json()["errors"]["schedule"][0]
    assert "maximum lags cannot all hold" in message
    assert "'Alpha'" in message and "'Charlie'" in message
    assert len(pm.get(_base(world) + "dependencies/").json()) == 2  # nothing half-written
