"""Reading MS Project XML: every supported field, the losses, and hostile XML refused fast."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from keystage.engine.cpm import schedule
from keystage.engine.interchange import ResourceKind
from keystage.engine.mspdi import to_mspdi
from keystage.engine.mspdi_read import PlanReadError, duration_minutes, read_mspdi
from keystage.engine.network import ConstraintType, Kind, LagUnit, LinkType
from tests.engine.netgen import random_project

pytestmark = pytest.mark.engine
FIXTURES = Path(__file__).parents[1] / "fixtures" / "plans"


def awkward():
    return read_mspdi((FIXTURES / "awkward.xml").read_bytes())


def test_round_trip_of_random_networks_keeps_every_field_and_every_date() -> None:
    for seed in range(12):
        source = random_project(np.random.default_rng(seed), 40, mixed=True)
        doc = read_mspdi(to_mspdi(source))
        uid = {a.id: str(i) for i, a in enumerate(source.activities, start=1)}
        plan = doc.plan
        for act in source.activities:
            got = plan.activities[plan.index[uid[act.id]]]
            for name in ("duration", "elapsed", "kind", "constraint", "constraint_date"):
                assert getattr(got, name) == getattr(act, name), (seed, act.id, name)
        pairs = {(uid[k.pred], uid[k.succ]): (k.type, k.lag, k.lag_unit) for k in source.links}
        assert {(k.pred, k.succ): (k.type, k.lag, k.lag_unit) for k in plan.links} == pairs
        assert [c.week for c in plan.calendars] == [c.week for c in source.calendars]
        assert [list(c.exceptions) for c in plan.calendars] == [
            sorted(c.exceptions, key=lambda e: e.day) for c in source.calendars
        ]
        before, after = schedule(source), schedule(plan)
        for act in source.activities:
            b, a = before[act.id], after[uid[act.id]]
            assert (b.start, b.finish, b.total_float) == (a.start, a.finish, a.total_float)
        assert doc.losses == ()


def test_outline_summaries_milestones_and_notes() -> None:
    doc = awkward()
    acts = {a.id: a for a in doc.plan.activities}
    assert doc.title == "Ünïcode rollout – Phase 2"
    assert acts["10"].kind is Kind.SUMMARY and acts["12"].kind is Kind.SUMMARY
    assert acts["12"].parent == "10" and acts["13"].parent == "12" and acts["15"].parent is None
    assert acts["15"].kind is Kind.MILESTONE
    assert acts["15"].constraint is ConstraintType.SNET
    assert acts["15"].constraint_date == datetime(2025, 4, 1, 8)
    assert acts["15"].deadline == datetime(2025, 4, 10, 17)
    assert [a.name for a in doc.plan.activities].count("Build") == 2  # duplicate names kept
    assert doc.notes["11"] == "Keep the 👍 emoji"
    assert doc.outline_codes["11"] == "A.1"
    assert doc.currency == "EUR"


def test_durations_lags_and_progress() -> None:
    doc = awkward()
    acts = {a.id: a for a in doc.plan.activities}
    assert acts["11"].duration == 1440 and not acts["11"].elapsed
    assert acts["14"].duration == 2880 and acts["14"].elapsed  # 2 elapsed days
    links = {(k.pred, k.succ): k for k in doc.plan.links}
    assert links["11", "13"].lag_unit is LagUnit.ELAPSED and links["11", "13"].lag == 2880
    assert links["13", "14"].lag_unit is LagUnit.PERCENT and links["13", "14"].lag == 50
    assert links["14", "15"].type is LinkType.FF and links["14", "15"].lag == -480
    assert acts["11"].finished and acts["11"].percent_complete == 100
    assert acts["13"].percent_complete == 40 and acts["13"].remaining == 1440
    assert doc.plan.data_date == datetime(2025, 3, 12, 17)


def test_calendars_base_inheritance_exceptions_and_task_calendars() -> None:
    doc = awkward()
    cals = doc.plan.calendars_by_id
    standard, night = cals["cal-1"], cals["cal-2"]
    assert doc.plan.calendar == "cal-1"
    assert standard.week[5] == () and standard.weekly_minutes == 5 * 480
    assert night.week[0] == standard.week[0]  # inherited from its base
    assert [(s.start, s.end) for s in night.week[5]] == [(1080, 1440)]  # to midnight
    holidays = {e.day.isoformat() for e in standard.exceptions}
    assert {"2025-04-18", "2025-04-21"} <= holidays
    assert {e.day.isoformat() for e in night.exceptions} >= {"2025-03-14", "2025-04-18"}
    assert {a.id: a.calendar for a in doc.plan.activities}["13"] == "cal-2"


def test_resources_assignments_and_baselines() -> None:
    doc = awkward()
    people = {r.id: r for r in doc.resources}
    assert people["1"].name == "Zoë Dupont" and people["1"].email == "zoe@example.com"
    assert people["1"].standard_rate == Decimal("85.5") and people["1"].calendar == "cal-2"
    assert people["2"].kind is ResourceKind.COST and people["3"].kind is ResourceKind.MATERIAL
    assert {(a.activity, a.resource, a.units) for a in doc.assignments} == {
        ("11", "1", 1.0), ("13", "1", 0.5), ("14", "3", 100.0)
    }  # fmt: skip
    assert [b.name for b in doc.plan.baselines] == ["Baseline", "Baseline 10"]
    assert doc.plan.baselines[1].entries[0].start == datetime(2025, 3, 4, 8)


def test_what_cannot_be_represented_is_listed_as_losses() -> None:
    text = "\n".join(f"{loss.where}: {loss.what}" for loss in awkward().losses)
    assert "summary tasks are not linked" in text
    assert "task 3 'Nested summary'" in text
    assert "leveling delay" in text
    assert "cost resource" in text
    assert "recurring exception 'Weekly audit'" in text


def test_the_schedule_of_the_awkward_plan_is_computed() -> None:
    result = schedule(awkward().plan)
    assert result["11"].start == datetime(2025, 3, 3, 8)
    assert result["15"].start >= datetime(2025, 3, 31, 17)


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<Project>&x;</Project>",
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">'.encode()
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + b"]><Project>&i;</Project>",
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "'
        + b"x" * 100_000
        + b'">]><Project>'
        + b"&a;" * 100_000
        + b"</Project>",
    ],
    ids=["xxe", "billion-laughs", "quadratic-blowup"],
)
def test_hostile_xml_is_refused_quickly_with_a_clear_message(payload: bytes) -> None:
    began = time.thread_time()
    with pytest.raises(PlanReadError, match="document type or entities") as caught:
        read_mspdi(payload)
    assert time.thread_time() - began < 1.0
    assert "passwd" not in str(caught.value)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not xml at all", "not well-formed XML"),
        (b"<Workbook/>", "not MS Project XML"),
        (b"<Project><Tasks><Task><UID>1</UID><Duration>soon</Duration></Task></Tasks></Project>",
         "is not a duration"),
        (b"<Project><Tasks><Task><UID>1</UID></Task><Task><UID>1</UID></Task></Tasks></Project>",
         "appears twice"),
    ],
)  # fmt: skip
def test_malformed_files_say_what_is_wrong(payload: bytes, message: str) -> None:
    with pytest.raises(PlanReadError, match=message):
        read_mspdi(payload)


def test_a_plan_without_start_date_or_calendars_still_reads() -> None:
    doc = read_mspdi(
        b"<Project><Tasks><Task><UID>1</UID><ID>1</ID><Name>A</Name>"
        b"<Start>2025-01-06T08:00:00</Start><Duration>PT8H0M0S</Duration></Task></Tasks></Project>"
    )
    assert doc.plan.start == datetime(2025, 1, 6, 8)
    assert any("no start date" in loss.what for loss in doc.losses)


def test_duration_units() -> None:
    assert duration_minutes("PT8H30M0S") == 510
    assert duration_minutes("P2DT1H0M0S", minutes_per_day=450) == 960
    assert duration_minutes("-PT1H0M0S") == -60
    assert duration_minutes("PT0.5H0M0S") == 30


def test_a_large_plan_reads_fast() -> None:
    source = random_project(np.random.default_rng(3), 5000, mixed=True)
    data = to_mspdi(source)
    began = time.thread_time()
    doc = read_mspdi(data)
    assert len(doc.plan.activities) == 5000
    assert len(doc.plan.links) == len(source.links) >= 5000
    assert time.thread_time() - began < 5


def _summary_plan(links: str) -> bytes:
    """A summary S (UID 2) over tasks 3 and 4, a task 1 before it, a task 5 after it."""
    rows = [
        (1, 1, 0, "Before"), (2, 1, 1, "S"), (3, 2, 0, "In one"), (4, 2, 0, "In two"),
        (5, 1, 0, "After"),
    ]  # fmt: skip
    tasks = "".join(
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name><OutlineLevel>{level}"
        f"</OutlineLevel><Summary>{summary}</Summary><Duration>PT8H0M0S</Duration>"
        + links.split("|")[uid - 1]
        + "</Task>"
        for uid, level, summary, name in rows
    )
    return (
        '<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2025-03-03T08:00:00'
        f"</StartDate><Tasks>{tasks}</Tasks></Project>"
    ).encode()


def _pred(uid: int, kind: int) -> str:
    link = f"<PredecessorUID>{uid}</PredecessorUID><Type>{kind}</Type>"
    return f"<PredecessorLink>{link}</PredecessorLink>"


def test_links_on_a_summary_are_set_on_its_work_tasks_when_that_means_the_same() -> None:
    # Before -FS-> S, S -FS-> After, In one -FS-> In two (a task's own link is kept once)
    doc = read_mspdi(_summary_plan(f"|{_pred(1, 1)}||{_pred(3, 1)}|{_pred(2, 1)}"))
    pairs = {(k.pred, k.succ, k.type) for k in doc.plan.links}
    assert pairs == {
        ("1", "3", LinkType.FS), ("1", "4", LinkType.FS), ("3", "4", LinkType.FS),
        ("3", "5", LinkType.FS), ("4", "5", LinkType.FS),
    }  # fmt: skip
    said = [f"{loss.where}: {loss.what}" for loss in doc.losses]
    assert len(said) == 2 and all(s.startswith("task 2 'S'") for s in said)
    result = schedule(doc.plan)
    assert result["5"].start == datetime(2025, 3, 6, 8)  # after both tasks of S


def test_links_on_a_summary_with_no_equivalent_are_dropped_and_listed() -> None:
    # Before -FF-> S (S's latest finish) and S -SS-> After (S's earliest start); In one -> S
    doc = read_mspdi(_summary_plan(f"|{_pred(1, 0)}|{_pred(2, 1)}||{_pred(2, 3)}"))
    assert doc.plan.links == ()
    said = sorted(loss.what for loss in doc.losses)
    assert sum("was dropped: summary tasks are not linked" in s for s in said) == 2
    assert sum("its own sub-task" in s for s in said) == 1


def test_a_link_between_two_large_summaries_is_listed_not_multiplied() -> None:
    """Two summaries of 300 tasks each, linked FS: 90,000 pairs would be links; dropped."""
    rows = [(1, 1, 1, "A")] + [(1 + k, 2, 0, f"A{k}") for k in range(1, 301)]
    rows += [(400, 1, 1, "B")] + [(400 + k, 2, 0, f"B{k}") for k in range(1, 301)]
    tasks = "".join(
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name><OutlineLevel>{level}"
        f"</OutlineLevel><Summary>{summary}</Summary><Duration>PT8H0M0S</Duration>"
        + (_pred(1, 1) if uid == 400 else "")
        + "</Task>"
        for uid, level, summary, name in rows
    )
    doc = read_mspdi(
        (
            '<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2025-03-03T08:00:00'
            f"</StartDate><Tasks>{tasks}</Tasks></Project>"
        ).encode()
    )
    assert doc.plan.links == ()
    assert any("would need 90000 links" in loss.what for loss in doc.losses)
