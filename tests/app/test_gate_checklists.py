"""The earlier gates' checklists (issue 15 item 7) and the gate form that chooses nothing.

Initiation: a feasibility study that advises against the project is not done. The gate to
Execution: team staffed, charter issued (besides the baseline and the budget). The gate to
Closing: the deliverables submitted. Each item says why it passes or fails; the sponsor's
override with a reason still passes a gate over missing items.
"""

from __future__ import annotations

import pytest
from django.test import Client

from keystage.initiation import services as initiation
from keystage.portfolio.gate_checks import gate_checklist
from keystage.portfolio.models import GateDecision, Project
from tests.app.test_initiation_gate import go, prepare

pytestmark = pytest.mark.django_db


def _item(project, key):
    project.refresh_from_db()
    return next(i for i in gate_checklist(project) if i.key == key)


def _move(project, stage):
    Project.objects.filter(pk=project.pk).update(stage=stage)
    project.refresh_from_db()


def test_a_study_that_advises_against_is_not_done_but_the_sponsor_may_override(world, api):
    prepare(world)
    project, pm = world.project_a, world.a["project_manager"]
    study = project.feasibility
    initiation.feasibility_save(
        who=pm,
        project=project,
        version=study.version,
        data={"recommendation": "do_not_proceed"},
    )
    item = _item(project, "feasibility")
    assert (item.done, item.detail) == (False, "the study recommends not to proceed")
    sponsor = api(world.a["sponsor"])
    refused = go(sponsor, project)
    assert refused.status_code == 400
    assert "Feasibility study" in refused.json()["errors"]["outcome"][0]
    passed = go(sponsor, project, override_reason="The board accepts the legal risk.")
    assert passed.status_code == 201, passed.json()
    assert GateDecision.objects.get().override_reason == "The board accepts the legal risk."


def test_a_study_with_conditions_counts(world):
    prepare(world)
    project = world.project_a
    initiation.feasibility_save(
        who=world.a["project_manager"],
        project=project,
        version=project.feasibility.version,
        data={"recommendation": "proceed_with_conditions", "conditions": "Pilot first."},
    )
    item = _item(project, "feasibility")
    assert (item.done, item.detail) == (True, "recommendation: proceed with conditions")


def _tasks(world):
    from keystage.planning.services import wbs

    pm, project = world.a["project_manager"], world.project_a
    build = wbs.task_create(who=pm, project=project, data={"name": "Build"})
    test = wbs.task_create(who=pm, project=project, data={"name": "Test"})
    wbs.task_create(who=pm, project=project, data={"name": "Go-live", "kind": "milestone"})
    return build, test


def test_gate_to_execution_needs_the_team_staffed_and_the_charter_issued(world, api):
    from keystage.initiation.charter.services import charter_regenerate
    from keystage.staffing import services as staffing

    project, pm = world.project_a, world.a["project_manager"]
    _move(project, "planning")
    team = _item(project, "team")
    assert (team.done, team.detail) == (False, "the plan has no tasks with work yet")
    charter = _item(project, "charter")
    assert (charter.done, charter.detail) == (False, "generate it on the Charter tab")
    build, test = _tasks(world)
    staffing.assignment_create(
        who=pm, project=project, task=build, data={"person": "dev_a", "units_percent": 100}
    )
    team = _item(project, "team")
    assert not team.done
    assert team.detail == "1 of 2 tasks with work have nobody: 2 Test"  # the milestone needs no one
    staffing.assignment_create(
        who=pm, project=project, task=test, data={"person": "dev_a", "units_percent": 50}
    )
    assert _item(project, "team").detail == "all 2 tasks with work have someone assigned"
    assert _item(project, "team").done
    charter_regenerate(who=pm, project=project)
    charter = _item(project, "charter")
    assert charter.done and charter.detail.startswith("version 1 of ")
    keys = [i.key for i in gate_checklist(project)]
    assert {"baseline", "budget", "team", "charter", "risks"} <= set(keys)
    message = go(api(world.a["sponsor"]), project, to_stage="execution").json()["errors"]
    assert "A baseline exists" in message["outcome"][0]
    assert "Team staffed" not in message["outcome"][0]
    assert "Charter issued" not in message["outcome"][0]


def test_gate_to_closing_needs_every_deliverable_submitted(world, api):
    from keystage.planning.services import scope

    project, pm = world.project_a, world.a["project_manager"]
    _move(project, "execution")
    item = _item(project, "deliverables")
    assert not item.done and item.detail.startswith("no deliverables in the scope")
    made = [
        scope.deliverable_create(
            who=pm,
            project=project,
            data={"name": name, "acceptance_criteria": "Signed off.", "status": status},
        )
        for name, status in (("Portal", "submitted"), ("Training kit", "in_progress"))
    ]
    item = _item(project, "deliverables")
    assert (item.done, item.detail) == (
        False,
        "1 of 2 submitted; still open: Training kit (in progress)",
    )
    sponsor = api(world.a["sponsor"])
    refused = go(sponsor, project, to_stage="closing")
    assert refused.status_code == 400
    assert "Deliverables submitted" in refused.json()["errors"]["outcome"][0]
    kit = made[1]
    scope.deliverable_update(
        who=pm, deliverable=kit, version=kit.version, changes={"status": "accepted"}
    )
    item = _item(project, "deliverables")
    assert (item.done, item.detail) == (True, "all 2 submitted for acceptance or accepted")
    assert go(sponsor, project, to_stage="closing").status_code == 201


def test_the_overview_shows_why_each_item_passes_or_fails(world):
    project = world.project_a
    _move(project, "execution")
    client = Client()
    client.force_login(world.a["stakeholder"])
    page = client.get(f"/projects/{project.public_id}/").content.decode()
    assert 'data-check="deliverables"' in page
    assert "Deliverables submitted" in page and "no deliverables in the scope" in page


def test_the_gate_form_chooses_no_outcome_and_asks_for_one(world):
    project = world.project_a
    client = Client()
    client.force_login(world.a["sponsor"])
    url = f"/projects/{project.public_id}/"
    page = client.get(url).content.decode()
    assert 'name="outcome"' in page
    assert "checked" not in page.split('id="decide-h"')[1].split("</form>")[0]
    response = client.post(
        url + "gate/",
        {"to_stage": "planning", "rationale": "Case holds.", "version": project.version},
    )
    assert response.status_code == 400
    form = response.content.decode().split('id="decide-h"')[1]
    assert "This field is required." in form
    assert GateDecision.objects.count() == 0
