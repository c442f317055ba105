"""Change requests over HTTP: compose, impact (a what-if equal to the two engine schedules'
difference), the sponsor's decision, apply with a named baseline; every refusal writes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from keystage.control.models import ChangeRequest
from keystage.core.models import AuditEntry
from keystage.costs.models import BudgetLine, ProjectBudget
from keystage.costs.selectors import cost_plan
from keystage.notifications.models import Notification
from keystage.planning import engine
from keystage.planning.models import Assignment, Baseline, Dependency, Task
from keystage.planning.services import dependencies, wbs
from keystage.planning.services.wbs import calendar_of
from keystage.portfolio.models import Project
from keystage.resources import services as resources

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    """Project A: Design 2 d (dev_a full time at 50/h, 1,000 fixed) → Build 3 d (500 fixed)
    → Go live (milestone); Review 1 d after Design, parallel to Build. A 400 budget line,
    10 % contingency: cost plan 800 + 1,000 + 500 + 400 = 2,700, baseline 2,970."""
    pm, project = world.a["project_manager"], world.project_a
    design = wbs.task_create(
        who=pm,
        project=project,
        data={"name": "Design", "duration_minutes": 960, "fixed_cost": Decimal("1000")},
    )
    build = wbs.task_create(
        who=pm,
        project=project,
        data={"name": "Build", "duration_minutes": 1440, "fixed_cost": Decimal("500")},
    )
    review = wbs.task_create(
        who=pm, project=project, data={"name": "Review", "duration_minutes": 480}
    )
    live = wbs.task_create(who=pm, project=project, data={"name": "Go live", "kind": "milestone"})
    for pred, succ in ((design, build), (build, live), (design, review)):
        dependencies.dependency_create(
            who=pm,
            project=project,
            predecessor_id=pred.public_id,
            successor_id=succ.public_id,
            data={},
        )
    dev = world.a["team_member"]
    resources.profile_update(who=dev, person=dev, version=None, changes={"cost_rate": 50})
    Assignment.objects.create(project=project, task=design, person=dev, units_percent=100)
    ProjectBudget.objects.create(project=project, contingency_percent=Decimal("10"))
    BudgetLine.objects.create(project=project, name="Licences", amount=Decimal("400"))
    return project


def base(project: Project) -> str:
    return f"/api/v1/projects/{project.public_id}/change-requests/"


def tid(project: Project, name: str) -> str:
    return str(Task.objects.get(project=project, name=name).public_id)


def raise_change(client: Any, project: Project, **extra: Any) -> dict[str, Any]:
    body = {"title": "Harden security", "reason": "Pen test findings", "category": "scope"}
    response = client.post(base(project), body | extra, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def add_edit(client: Any, project: Project, cr: dict[str, Any], **edit: Any) -> Any:
    return client.post(
        f"{base(project)}{cr['number']}/edits/", edit | {"version": cr["version"]}, format="json"
    )


def act(client: Any, project: Project, cr: dict[str, Any], action: str, **body: Any) -> Any:
    return client.post(
        f"{base(project)}{cr['number']}/{action}/", body | {"version": cr["version"]}, format="json"
    )


def engine_finish(project: Project) -> Any:
    """The engine's finish of the plan as stored now (the independent check)."""
    row = calendar_of(project)
    from keystage.planning.models import Holiday

    tasks = list(Task.objects.filter(project=project))
    result = engine.run_cpm(
        engine.engine_project(
            project.start_date,
            tasks,
            Dependency.objects.filter(project=project),
            engine.engine_calendar(row, Holiday.objects.filter(project=project)),
            row.data_date if row else None,
        )
    )
    return result


def plan_state(project: Project) -> list[Any]:
    return [
        list(Task.objects.filter(project=project).order_by("pk").values_list("pk", "version")),
        list(
            Dependency.objects.filter(project=project).order_by("pk").values_list("pk", "version")
        ),
        list(
            BudgetLine.objects.filter(project=project).order_by("pk").values_list("pk", "version")
        ),
        Baseline.objects.filter(project=project).count(),
    ]


def composed(world, api, plan) -> tuple[Any, dict[str, Any]]:
    pm = api(world.a["project_manager"])
    cr = raise_change(pm, plan)
    edits = [
        {"op": "duration", "task": tid(plan, "Build"), "duration_days": "5"},
        {
            "op": "add_task",
            "name": "Security review",
            "duration_days": "2",
            "fixed_cost": "700",
            "predecessors": [tid(plan, "Design")],
            "successors": [tid(plan, "Go live")],
        },
        {"op": "task_cost", "task": tid(plan, "Design"), "fixed_cost": "1200"},
        {"op": "add_line", "name": "Pen test retest", "category": "services", "amount": "1000"},
    ]
    for edit in edits:
        response = add_edit(pm, plan, cr, **edit)
        assert response.status_code == 201, response.json()
        cr = response.json()
    return pm, cr


def test_impact_apply_and_baseline_match_the_engine(world, api, plan):
    pm, cr = composed(world, api, plan)
    impact = cr["impact"]
    before = engine_finish(plan)
    # Build 3 → 5 days on the critical chain: Go live moves two working days; the new
    # review (2 d) runs beside Build. Cost: +200 fixed +700 new +1,000 line, +10 %.
    assert impact["finish_delta_days"] == "2.00"
    assert impact["cost_before"] == "2970.00" == str(cost_plan(project=plan).cost_baseline)
    assert impact["cost_delta"] == "2090.00"
    assert impact["tasks_added"] == 1
    live = next(m for m in impact["milestones"] if m["name"] == "Go live")
    assert live["slip_days"] == "2.00"
    assert engine.engine_project  # the plan itself is untouched by the what-if:
    assert engine_finish(plan).finish_at == before.finish_at
    assert impact["finish_before"] == before.finish_at.astimezone().isoformat()

    # The sponsor is asked; the PM may not decide (separation of duties).
    submitted = act(pm, plan, cr, "submit").json()
    assert submitted["status"] == "submitted"
    sponsor = world.a["sponsor"]
    assert Notification.objects.filter(recipient=sponsor, kind="change_to_decide").count() == 1
    assert act(pm, plan, submitted, "decision", outcome="approve", comment="ok").status_code == 403
    approved = act(
        api(sponsor), plan, submitted, "decision", outcome="approve", comment="Worth it."
    ).json()
    assert (approved["status"], approved["decided_by"]) == ("approved", sponsor.display_name)
    assert Notification.objects.filter(
        recipient=world.a["project_manager"], kind="change_decided"
    ).exists()

    untouched = Task.objects.get(project=plan, name="Review")
    response = act(pm, plan, approved, "apply")
    assert response.status_code == 200, response.json()
    applied = response.json()
    assert applied["status"] == "applied"
    after = engine_finish(plan)
    stored = Task.objects.filter(project=plan)
    assert max(t.finish_at for t in stored) == after.finish_at
    assert after.finish_at.astimezone().isoformat() == impact["finish_after"]
    assert str(cost_plan(project=plan).cost_baseline) == impact["cost_after"] == "5060.00"
    go_live = stored.get(name="Go live")
    assert go_live.finish_at.astimezone().isoformat() == live["after"]
    # Nothing else changed: Review keeps its duration and cost, and its dates.
    review = stored.get(name="Review")
    assert (review.duration_minutes, review.fixed_cost, review.start_at) == (
        untouched.duration_minutes,
        untouched.fixed_cost,
        untouched.start_at,
    )
    assert stored.get(name="Security review").predecessor_links.count() == 1
    baseline = Baseline.objects.get(project=plan)
    assert baseline.name.startswith("CR-1 ") and "CR-1" in baseline.note
    assert applied["baseline"] == baseline.number
    assert ChangeRequest.objects.get(project=plan).baseline_id == baseline.pk

    # Applied twice, or rejected after: refused, nothing written.
    state, journal = plan_state(plan), AuditEntry.objects.count()
    assert act(pm, plan, applied, "apply").status_code == 400
    reject = act(api(sponsor), plan, applied, "decision", outcome="reject", comment="No")
    assert reject.status_code == 400
    assert add_edit(pm, plan, applied, op="add_line", name="x", amount="1").status_code == 400
    assert (plan_state(plan), AuditEntry.objects.count()) == (state, journal)


def test_a_stale_change_is_refused_with_the_fresh_impact(world, api, plan):
    pm, cr = composed(world, api, plan)
    cr = act(pm, plan, cr, "submit").json()
    cr = act(api(world.a["sponsor"]), plan, cr, "decision", outcome="approve", comment="Go").json()
    # The plan moves after the impact: Design grows by a day.
    design = Task.objects.get(project=plan, name="Design")
    wbs.task_update(
        who=world.a["project_manager"],
        project=plan,
        task=design,
        version=design.version,
        data={"duration_minutes": 1440},
    )
    state, journal, version = plan_state(plan), AuditEntry.objects.count(), cr["version"]
    response = act(pm, plan, cr, "apply")
    assert response.status_code == 409
    fresh = response.json()["current"]["impact"]
    assert fresh["finish_after"] != cr["impact"]["finish_after"]
    assert fresh["finish_delta_days"] == "2.00"  # still two days on the longer plan
    assert (plan_state(plan), AuditEntry.objects.count()) == (state, journal)
    assert ChangeRequest.objects.get(project=plan).version == version
    # Recomputing sends it back to the sponsor.
    again = act(pm, plan, cr, "impact").json()
    assert again["status"] == "submitted" and again["impact"] == fresh


def test_labour_follows_a_duration_change(world, api, plan):
    pm = api(world.a["project_manager"])
    cr = raise_change(pm, plan)
    cr = add_edit(pm, plan, cr, op="duration", task=tid(plan, "Design"), duration_days="3").json()
    assert cr["impact"]["cost_delta"] == "440.00"  # 8 h more at 50/h, +10 %
    assert cr["impact"]["finish_delta_days"] == "1.00"
    cr = act(pm, plan, cr, "submit").json()
    cr = act(api(world.a["sponsor"]), plan, cr, "decision", outcome="approve", comment="ok").json()
    assert act(pm, plan, cr, "apply").status_code == 200
    assert str(cost_plan(project=plan).cost_baseline) == cr["impact"]["cost_after"]


def test_refusals_write_nothing(world, api, plan):
    pm, dev = api(world.a["project_manager"]), api(world.a["team_member"])
    cr = raise_change(dev, plan)  # a team member raises; only the PM composes
    assert cr["requester"] == world.a["team_member"].display_name
    assert add_edit(dev, plan, cr, op="add_line", name="x", amount="1").status_code == 403
    bad = [
        ({"op": "explode"}, "op"),
        ({"op": "duration", "task": tid(plan, "Build"), "duration_days": "0"}, "duration_days"),
        ({"op": "duration", "task": tid(plan, "Build"), "duration_days": "abc"}, "duration_days"),
        ({"op": "duration", "task": tid(plan, "Go live"), "duration_days": "2"}, "task"),
        ({"op": "task_cost", "task": tid(plan, "Build"), "fixed_cost": "-1"}, "fixed_cost"),
        ({"op": "add_line", "name": "x", "amount": "1", "category": "nope"}, "category"),
        (
            {
                "op": "add_link",
                "predecessor": tid(plan, "Go live"),
                "successor": tid(plan, "Design"),
            },
            "edits",
        ),
        (
            {
                "op": "remove_link",
                "predecessor": tid(plan, "Review"),
                "successor": tid(plan, "Build"),
            },
            "successor",
        ),
    ]
    wbs.task_create(who=world.b["project_manager"], project=world.project_b, data={"name": "B"})
    other = str(Task.objects.get(project=world.project_b, name="B").public_id)
    bad.append(({"op": "duration", "task": other, "duration_days": "2"}, "task"))
    state, journal = plan_state(plan), AuditEntry.objects.count()
    for edit, field in bad:
        response = add_edit(pm, plan, cr, **edit)
        assert response.status_code == 400, (edit, response.json())
        assert field in response.json()["errors"], (edit, response.json())
    assert (plan_state(plan), AuditEntry.objects.count()) == (state, journal)
    # Deciding a draft, submitting without edits, applying unapproved: refused.
    sponsor = api(world.a["sponsor"])
    assert act(sponsor, plan, cr, "decision", outcome="approve", comment="x").status_code == 400
    assert act(pm, plan, cr, "submit").status_code == 400
    assert act(pm, plan, cr, "apply").status_code == 400
    cr = add_edit(pm, plan, cr, op="duration", task=tid(plan, "Build"), duration_days="4").json()
    assert (
        add_edit(
            pm, plan, cr, op="duration", task=tid(plan, "Build"), duration_days="6"
        ).status_code
        == 400
    )  # one edit per task and kind
    cr = act(pm, plan, cr, "submit").json()
    # A submitted request is frozen; the decision needs a comment; others may not decide.
    assert add_edit(pm, plan, cr, op="add_line", name="x", amount="1").status_code == 400
    assert act(sponsor, plan, cr, "decision", outcome="approve", comment=" ").status_code == 400
    for who in (pm, dev, api(world.a["stakeholder"]), api(world.b["sponsor"])):
        response = act(who, plan, cr, "decision", outcome="approve", comment="x")
        assert response.status_code in (403, 404)
    assert (
        act(
            sponsor, plan, {**cr, "version": 1}, "decision", outcome="reject", comment="x"
        ).status_code
        == 409
    )
    rejected = act(sponsor, plan, cr, "decision", outcome="reject", comment="Not now").json()
    assert rejected["status"] == "rejected"
    assert act(pm, plan, rejected, "apply").status_code == 400
    assert act(pm, plan, rejected, "impact").status_code == 400
    assert plan_state(plan) == state


def test_a_closed_project_refuses_change_requests(world, api, plan):
    pm = api(world.a["project_manager"])
    cr = raise_change(pm, plan)
    Project.objects.filter(pk=plan.pk).update(stage="closed", status="completed")
    count = ChangeRequest.objects.count()
    assert pm.post(base(plan), {"title": "x"}, format="json").status_code == 403
    assert add_edit(pm, plan, cr, op="add_line", name="x", amount="1").status_code == 403
    assert ChangeRequest.objects.count() == count
    assert pm.get(base(plan)).status_code == 200


def test_pages_compose_decide_and_show_the_impact(world, plan):
    pm = Client()
    pm.force_login(world.a["project_manager"])
    root = f"/projects/{plan.public_id}/changes/"
    assert pm.get(root).status_code == 200
    assert pm.post(root + "new/", {"title": ""}).status_code == 400
    response = pm.post(root + "new/", {"title": "Add a review", "category": "scope"})
    assert response.status_code == 302
    page = root + "1/"
    assert 'id="cr-reword"' in pm.get(page).content.decode()
    reworded = pm.post(page + "edit/", {"title": "Add a review", "reason": "Audit", "version": 1})
    assert reworded.status_code == 302
    assert ChangeRequest.objects.get(project=plan).reason == "Audit"
    response = pm.post(
        page + "edits/",
        {"op": "duration", "task": tid(plan, "Build"), "duration_days": "4", "version": 2},
    )
    assert response.status_code == 302
    body = pm.get(page).content.decode()
    assert "Go live" in body and "+1" in body and 'id="cr-milestones"' in body
    bad = pm.post(page + "edits/", {"op": "duration", "task": "nope", "version": 3})
    assert bad.status_code == 400 and "Choose a task of this project" in bad.content.decode()
    assert pm.post(page + "submit/", {"version": 3}).status_code == 302
    assert (
        pm.post(page + "decide/", {"version": 4, "outcome": "approve", "comment": "x"}).status_code
        == 403
    )
    sponsor = Client()
    sponsor.force_login(world.a["sponsor"])
    assert 'id="cr-decide"' in sponsor.get(page).content.decode()
    assert sponsor.post(page + "decide/", {"version": 4, "outcome": "approve"}).status_code == 400
    ok = sponsor.post(page + "decide/", {"version": 4, "outcome": "approve", "comment": "Fine"})
    assert ok.status_code == 302
    assert pm.post(page + "apply/", {"version": 5}).status_code == 302
    done = pm.get(page).content.decode()
    assert 'id="cr-applied"' in done and "CR-1 Add a review" in done
    assert "CR-1" in pm.get(root).content.decode()


def test_repeated_links_and_self_approval_are_refused(world, api, plan):
    pm, admin = api(world.a["project_manager"]), api(world.admin)
    cr = raise_change(pm, plan)
    design = tid(plan, "Design")
    twice = add_edit(
        pm, plan, cr, op="add_task", name="QA", duration_days="1", predecessors=[design, design]
    )
    assert twice.status_code == 400 and "predecessors" in twice.json()["errors"]
    many = add_edit(
        pm, plan, cr, op="add_task", name="QA", duration_days="1", predecessors=[design] * 51
    )
    assert many.status_code == 400 and "predecessors" in many.json()["errors"]
    # An administrator (who holds the sponsor's permission) may not decide their own request.
    own = raise_change(admin, plan)
    own = add_edit(admin, plan, own, op="add_line", name="x", amount="1").json()
    own = act(admin, plan, own, "submit").json()
    refused = act(admin, plan, own, "decision", outcome="approve", comment="mine")
    assert refused.status_code == 403


def test_a_link_type_lag_and_contingency_change_equal_the_two_engine_schedules(world, api, plan):
    """Design → Build turns from FS into SS + 1 day (Build starts a day into Design) and
    Build → Go live into FF − 0.5 day; the contingency goes from 10 % to 20 %. The impact
    must equal the engine's schedule and the cost plan after the change is applied."""
    pm = api(world.a["project_manager"])
    cr = raise_change(pm, plan)
    before = engine_finish(plan)
    edits = [
        {"op": "change_link", "predecessor": tid(plan, "Design"), "successor": tid(plan, "Build"),
         "type": "SS", "lag_days": "1", "max_lag_days": "2"},
        {"op": "change_link", "predecessor": tid(plan, "Build"), "successor": tid(plan, "Go live"),
         "type": "FF", "lag_days": "-0.5"},
        {"op": "contingency", "percent": "20"},
    ]  # fmt: skip
    for edit in edits:
        response = add_edit(pm, plan, cr, **edit)
        assert response.status_code == 201, response.json()
        cr = response.json()
    impact = cr["impact"]
    assert impact["finish_before"] == before.finish_at.astimezone().isoformat()
    # cost plan 2,700 + 20 % instead of + 10 %
    assert (impact["cost_before"], impact["cost_after"]) == ("2970.00", "3240.00")
    # refused: a link that does not exist, an unchanged one, a percentage out of range
    for bad, field in (
        ({"op": "change_link", "predecessor": tid(plan, "Review"),
          "successor": tid(plan, "Build"), "type": "SS"}, "successor"),
        ({"op": "change_link", "predecessor": tid(plan, "Design"),
          "successor": tid(plan, "Review"), "type": "FS", "lag_days": "0"}, "type"),
        ({"op": "contingency", "percent": "120"}, "percent"),
        ({"op": "change_link", "predecessor": tid(plan, "Design"), "successor": tid(plan, "Review"),
          "type": "FS", "lag_days": "2", "max_lag_days": "1"}, "max_lag_days"),
        ({"op": "change_link", "predecessor": tid(plan, "Design"),
          "successor": tid(plan, "Review"), "type": "XX"}, "type"),
    ):  # fmt: skip
        refused = add_edit(pm, plan, cr, **bad)
        assert refused.status_code == 400 and field in refused.json()["errors"], refused.json()
    cr = act(pm, plan, cr, "submit").json()
    cr = act(api(world.a["sponsor"]), plan, cr, "decision", outcome="approve", comment="ok").json()
    applied = act(pm, plan, cr, "apply")
    assert applied.status_code == 200, applied.json()
    after = engine_finish(plan)
    assert impact["finish_after"] == after.finish_at.astimezone().isoformat()
    assert after.finish_at < before.finish_at  # Build overlaps Design now
    assert str(cost_plan(project=plan).cost_baseline) == impact["cost_after"]
    links = {(d.predecessor.name, d.successor.name): (d.type, d.lag_minutes, d.max_lag_minutes)
             for d in Dependency.objects.filter(project=plan).select_related(
                 "predecessor", "successor")}  # fmt: skip
    assert links[("Design", "Build")] == ("SS", 480, 960)
    assert links[("Build", "Go live")] == ("FF", -240, None)
    assert links[("Design", "Review")] == ("FS", 0, None)  # nothing else changed
    assert ProjectBudget.objects.get(project=plan).contingency_percent == Decimal("20")


def test_a_link_change_stored_before_maximum_lags_keeps_the_links_maximum(world, api, plan):
    """A change_link edit drafted before links had a maximum holds no ``max_lag_minutes``:
    applying it changes the type and lag and leaves a maximum set since then alone."""
    pm = api(world.a["project_manager"])
    cr = raise_change(pm, plan)
    cr = add_edit(pm, plan, cr, op="change_link", predecessor=tid(plan, "Design"),
                  successor=tid(plan, "Review"), type="FS", lag_days="1").json()  # fmt: skip
    stored = ChangeRequest.objects.get(project=plan, number=cr["number"])
    for edit in stored.edits:  # as an edit written by the earlier release looks
        edit.pop("max_lag_minutes", None)
        edit.pop("was_max_lag_minutes", None)
    ChangeRequest.objects.filter(pk=stored.pk).update(edits=stored.edits)
    link = Dependency.objects.get(predecessor__name="Design", successor__name="Review")
    dependencies.dependency_update(who=world.a["project_manager"], project=plan,
                                   dependency=link, version=link.version,
                                   data={"max_lag_minutes": 5 * 480})  # fmt: skip
    cr = pm.get(f"{base(plan)}{cr['number']}/").json()
    cr = act(pm, plan, cr, "submit").json()
    cr = act(api(world.a["sponsor"]), plan, cr, "decision", outcome="approve", comment="ok").json()
    assert act(pm, plan, cr, "apply").status_code == 200
    link.refresh_from_db()
    assert (link.type, link.lag_minutes, link.max_lag_minutes) == ("FS", 480, 5 * 480)


def test_the_page_composes_a_link_change_and_a_contingency(world, api, plan):
    pm = api(world.a["project_manager"])
    cr = raise_change(pm, plan)
    client = Client()
    client.force_login(world.a["project_manager"])
    page = client.get(f"/projects/{plan.public_id}/changes/{cr['number']}/")
    assert page.status_code == 200
    assert b'id="op-change_link"' in page.content and b'id="op-contingency"' in page.content
