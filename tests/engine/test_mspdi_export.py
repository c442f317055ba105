"""MSPDI export of a whole plan document, read back by MPXJ: counts and every date equal."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
import numpy as np
import pytest

from keystage.engine.cpm import schedule
from keystage.engine.interchange import Assignment, PlanDocument, Resource, ResourceKind
from keystage.engine.mspdi import NS, max_lag_losses, to_mspdi
from keystage.engine.network import Activity, Baseline, BaselineEntry, Kind, Link, Project
from tests.engine import mpxj_oracle
from tests.engine.netgen import random_project

TASK_ORDER = [
    "UID", "ID", "Name", "Type", "IsNull", "WBS", "OutlineNumber", "OutlineLevel", "Start",
    "Finish", "Duration", "DurationFormat", "Milestone", "Summary", "FixedCost",
    "PercentComplete", "ActualStart", "ActualFinish", "ActualDuration", "RemainingDuration",
    "ConstraintType", "CalendarUID", "ConstraintDate", "Deadline", "Notes", "PredecessorLink",
    "Baseline",
]  # fmt: skip
PROJECT_ORDER = [
    "SaveVersion", "Name", "Title", "ScheduleFromStart", "StartDate", "CurrencyCode",
    "CalendarUID", "DefaultStartTime", "DefaultFinishTime", "MinutesPerDay", "MinutesPerWeek",
    "DaysPerMonth", "DurationFormat", "HonorConstraints", "MultipleCriticalPaths", "StatusDate",
    "Calendars", "Tasks", "Resources", "Assignments",
]  # fmt: skip
RESOURCE_ORDER = [
    "UID", "ID", "Name", "Type", "IsNull", "Code", "Group", "EmailAddress", "MaxUnits",
    "StandardRate", "StandardRateFormat", "OvertimeRate", "OvertimeRateFormat", "CostPerUse",
    "CalendarUID",
]  # fmt: skip
ASSIGNMENT_ORDER = [
    "UID", "TaskUID", "ResourceUID", "PercentWorkComplete", "ActualWork", "Cost", "Finish",
    "RemainingWork", "Start", "Units", "Work",
]  # fmt: skip


def _in_order(element: ET.Element, order: list[str]) -> bool:
    ranks = [order.index(child.tag.removeprefix(f"{{{NS}}}")) for child in element]
    return ranks == sorted(ranks)


def document(seed: int = 3, n: int = 80) -> PlanDocument:
    """A random network with a summary, resources, assignments, baselines, notes and codes."""
    rng = np.random.default_rng(seed)
    base = random_project(rng, n, mixed=True)
    acts = [replace(a, name=f"Task {a.id} ✓", parent="S") for a in base.activities]
    acts.insert(0, Activity("S", 'Phase <one> & "two"', kind=Kind.SUMMARY))
    project = replace(base, activities=tuple(acts))
    plan = schedule(project)
    baselines = tuple(
        Baseline(
            f"B{b}",
            tuple(
                BaselineEntry(
                    a.id,
                    plan[a.id].start + timedelta(days=b),
                    plan[a.id].finish + timedelta(days=b),
                    a.duration,
                )
                for a in acts[1 :: b + 1]
            ),
        )
        for b in range(3)
    )
    project = replace(project, baselines=baselines)
    resources = (
        Resource("ana", "Ana Díaz", standard_rate=Decimal("85.50"), email="ana@example.com"),
        Resource("bo", "Bo", max_units=0.5, standard_rate=Decimal(60), calendar="crew"),
        Resource("crane", "Crane", kind=ResourceKind.MATERIAL, cost_per_use=Decimal(300)),
    )
    tasks = [a for a in acts if a.kind is Kind.TASK]
    people = [
        Assignment(t.id, ("ana", "bo")[i % 2], units=(1.0, 0.5)[i % 2], actual_work=0)
        for i, t in enumerate(tasks[:30])
    ]
    assignments = (*people, Assignment(tasks[0].id, "crane", units=2.0, work=960))
    return PlanDocument(
        title="Export test",
        plan=project,
        resources=resources,
        assignments=assignments,
        currency="EUR",
        outline_codes={a.id: f"W.{i}" for i, a in enumerate(acts)},
        notes={acts[1].id: "First task\nsecond line \x01 control"},
    )


def test_document_elements_follow_schema_order() -> None:
    root = SafeET.fromstring(to_mspdi(document()))
    assert _in_order(root, PROJECT_ORDER)
    assert all(_in_order(t, TASK_ORDER) for t in root.iter(f"{{{NS}}}Task"))
    assert all(_in_order(r, RESOURCE_ORDER) for r in root.iter(f"{{{NS}}}Resource"))
    assert all(_in_order(a, ASSIGNMENT_ORDER) for a in root.iter(f"{{{NS}}}Assignment"))
    assert len(root.findall(f"{{{NS}}}Resources/{{{NS}}}Resource")) == 3
    assert len(root.findall(f"{{{NS}}}Assignments/{{{NS}}}Assignment")) == 31


def test_the_plain_project_signature_still_works() -> None:
    project = random_project(np.random.default_rng(1), 10)
    root = SafeET.fromstring(to_mspdi(project, "Plain"))
    assert root.findtext(f"{{{NS}}}Name") == "Plain"
    assert root.find(f"{{{NS}}}Resources") is None


def test_markup_and_unsafe_characters_in_texts_are_escaped_or_dropped() -> None:
    """The writer builds the XML as text: every user text is escaped, never markup."""
    doc = document()
    acts = list(doc.plan.activities)
    acts[2] = replace(acts[2], name='R&D <b>"x"</b> \x02\ufffe ok')
    acts[3] = replace(acts[3], name="\x01")  # nothing left: an empty element
    hostile = "</Name></Task><Task><UID>999</UID>"
    res = (replace(doc.resources[0], name=hostile, email="a&b@example.com"), *doc.resources[1:])
    doc = replace(doc, title="Q&A <plan>", plan=replace(doc.plan, activities=tuple(acts)))
    doc = replace(doc, resources=res, notes={acts[1].id: "a < b && c > d"})
    root = SafeET.fromstring(to_mspdi(doc))
    assert root.findtext(f"{{{NS}}}Name") == "Q&A <plan>"
    names = [t.findtext(f"{{{NS}}}Name") for t in root.iter(f"{{{NS}}}Task")]
    assert names[3:5] == ['R&D <b>"x"</b>  ok', ""]
    assert len(names) == len(acts) + 1  # no task smuggled in through a name
    person = root.find(f"{{{NS}}}Resources/{{{NS}}}Resource")
    assert person is not None and person.findtext(f"{{{NS}}}Name") == hostile
    assert person.findtext(f"{{{NS}}}EmailAddress") == "a&b@example.com"
    notes = [t.findtext(f"{{{NS}}}Notes") for t in root.iter(f"{{{NS}}}Task")]
    assert "a < b && c > d" in notes


def test_an_unschedulable_plan_is_still_written() -> None:
    project = Project(
        start=datetime(2027, 1, 4, 8),
        activities=(Activity("A", "A", 480), Activity("B", "B", 480)),
        links=(
            Link("A", "B"),
            Link("B", "A"),
        ),
    )
    root = SafeET.fromstring(to_mspdi(project))
    starts = [t.findtext(f"{{{NS}}}Start") for t in root.iter(f"{{{NS}}}Task")][1:]
    assert starts == ["2027-01-04T08:00:00", "2027-01-04T08:00:00"]


def test_a_max_lag_is_kept_as_a_note_and_listed_as_a_loss() -> None:
    project = Project(
        start=datetime(2027, 1, 4, 8),
        activities=(Activity("A", "Deploy", 480), Activity("B", "Test", 480)),
        links=(Link("A", "B", lag=60, max_lag=960),),
    )
    doc = PlanDocument("Window", project, notes={"B": "Smoke tests"})
    root = SafeET.fromstring(to_mspdi(doc))
    tasks = {t.findtext(f"{{{NS}}}Name"): t for t in root.iter(f"{{{NS}}}Task")}
    note = (
        "Smoke tests\nMaximum lag (not in MS Project): "
        "'Deploy' → 'Test' FS, lag +60 min, at most 960 min"
    )
    assert tasks["Test"].findtext(f"{{{NS}}}Notes") == note
    assert tasks["Test"].findtext(f"{{{NS}}}PredecessorLink/{{{NS}}}LinkLag") == "600"
    (loss,) = max_lag_losses(project)
    assert loss.where == "link A→B FS+60 max+960" and "no maximum lag" in loss.what


@pytest.mark.mpxj
@pytest.mark.skipif(not mpxj_oracle.available(), reason="needs Java, jpype1 and mpxj")
@pytest.mark.parametrize("seed", [3, 11, 29])
def test_mpxj_reads_back_every_count_and_date(seed: int) -> None:
    from tests.engine.mpxj_readback import read_mspdi

    doc = document(seed)
    project = doc.plan
    ours = schedule(project)
    back = read_mspdi(to_mspdi(doc), baselines=3)
    name = {a.id: a.name for a in project.activities}
    assert len(back.tasks) == len(project.activities)
    assert back.links == {(name[k.pred], name[k.succ], k.type.value) for k in project.links}
    for act in project.activities:
        got = back.tasks[act.name]
        assert (got["start"], got["finish"]) == (ours[act.id].start, ours[act.id].finish), act.id
        assert got["constraint_date"] == act.constraint_date
        assert got["deadline"] == act.deadline
        assert back.wbs[act.name] == doc.outline_codes[act.id]
    for b_index, base in enumerate(project.baselines):
        for entry in base.entries:
            assert back.baselines[(b_index, name[entry.activity])] == (entry.start, entry.finish)
    assert sum(1 for k in back.baselines if k[0] < 3) == sum(
        len(b.entries) for b in project.baselines
    )
    by_name = {c.name: c for c in project.calendars}
    assert set(back.calendars) >= set(by_name)
    for cal_name, cal in by_name.items():
        assert back.calendars[cal_name] == {e.day for e in cal.exceptions}
    assert back.resources == {"Ana Díaz": 85.5, "Bo": 60.0, "Crane": 0.0}
    assert len(back.assignments) == len(doc.assignments)
    for item in doc.assignments:
        res = {r.id: r.name for r in doc.resources}[item.resource]
        units, work, start = back.assignments[(name[item.activity], res)]
        expected = (
            item.work
            if item.work is not None
            else round(project.activities[project.index[item.activity]].duration * item.units)
        )
        assert units == pytest.approx(item.units * 100)
        assert work == pytest.approx(expected)
        assert start == ours[item.activity].start
    assert back.notes[name[project.activities[1].id]].startswith("First task\nsecond line")


def test_a_lone_surrogate_in_a_name_is_dropped_and_the_file_still_parses() -> None:
    doc = document()
    acts = list(doc.plan.activities)
    acts[2] = replace(acts[2], name="half \ud800 pair")  # JSON can carry one; XML cannot
    doc = replace(doc, plan=replace(doc.plan, activities=tuple(acts)))
    root = SafeET.fromstring(to_mspdi(doc))
    names = [t.findtext(f"{{{NS}}}Name") for t in root.iter(f"{{{NS}}}Task")]
    assert "half  pair" in names
