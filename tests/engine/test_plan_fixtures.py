"""Every plan fixture read through the readers: the counts kept and the share of tasks the
engine schedules on the dates the file carries (MS Project's rules, via MPXJ's scheduler).

The fixtures are written by ``tests/fixtures/plans/make_fixtures.py``. Files in formats
MPXJ converts are opt-in (``-m mpxj``) and converted in this process's JVM (started once).
Each floor below 100 % names its reason; ``docs/import.md`` keeps the table.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from keystage.engine.calendars import Calendar, CalendarException
from keystage.engine.mspdi import to_mspdi
from keystage.engine.mspdi_read import PlanReadError
from keystage.engine.network import Project
from keystage.interop import mpxj_convert
from tests.engine import mpxj_oracle
from tests.engine.netgen import random_project
from tests.fixtures.plans.awkward_plans import UNICODE_NAMES
from tests.fixtures.plans.kept import fixtures, kept

pytestmark = pytest.mark.engine

# Reasons for floors below 100 % (and for counts below what the plan was written with):
PRIMAVERA_SUMMARY_LINKS = "MPXJ's Primavera writers keep 1 of the 3 links on summary tasks"
ELAPSED_START = "MPXJ's scheduler starts an elapsed-duration task at the next working time"
DAYS_ONLY = "MPXJ's MPX and SDEF writers keep days only"
SDEF = "SDEF holds no summaries, resources or assignments, and days only"
PLANNER = "Planner holds no task calendars: MPXJ moves their durations to the project calendar"
SDEF_DAYS = "SDEF holds whole-day durations and calendars without hours"
NOT_ANALYSED = "not analysed (docs/import.md)"

# name: ((tasks, links, calendars, resources, assignments, baselines), least % of dates equal)
EXPECTED: dict[str, tuple[tuple[int, ...], float | None]] = {
    # sched40: 40 tasks, 49 links, 1 calendar (random network, seed 40)
    "sched40.xml": ((40, 49, 1, 0, 0, 0), 95),  # ALAP pairs, docs/scheduling.md
    "sched40.pmxml": ((40, 49, 1, 0, 0, 1), 95),  # PMXML's project baseline
    "sched40.xer": ((40, 49, 1, 0, 0, 0), 82.5),  # NOT_ANALYSED
    "sched40.mpx": ((40, 49, 1, 0, 0, 0), 72.5),  # DAYS_ONLY, NOT_ANALYSED
    "sched40.sdef": ((40, 49, 1, 0, 0, 0), 7.5),  # SDEF_DAYS
    # nested: 11 tasks (4 summaries), 7 + 3 summary links (set on the 8 pairs they hold)
    "nested.xml": ((11, 15, 1, 2, 5, 0), 100),
    "nested.mpx": ((11, 15, 1, 2, 5, 0), 100),
    "nested.planner": ((11, 15, 1, 2, 5, 0), 100),
    "nested.pmxml": ((11, 9, 1, 2, 5, 1), 85.7),  # PRIMAVERA_SUMMARY_LINKS
    "nested.xer": ((11, 9, 1, 2, 5, 0), 85.7),  # PRIMAVERA_SUMMARY_LINKS
    "nested.sdef": ((7, 7, 1, 0, 0, 0), 57.1),  # SDEF: the summaries and their links are gone
    "nested.toml": ((11, 7, 2, 0, 0, 0), None),  # TOML adds the standard calendar
    "nested.csv": ((11, 7, 1, 2, 5, 0), None),
    "nested.xlsx": ((11, 7, 1, 2, 5, 0), None),
    # elapsed: 7 tasks (2 with elapsed durations), 7 links (3 elapsed lags, 1 percent lag)
    **{
        f"elapsed.{s}": ((7, 7, 1, 2, 4, int(s == "pmxml")), 14.2)
        for s in ("xml", "pmxml", "xer", "mpx", "planner")
    },  # ELAPSED_START
    "elapsed.sdef": ((7, 7, 1, 0, 0, 0), 14.2),
    "elapsed.toml": ((7, 7, 2, 0, 0, 0), None),
    # calendars: 6 tasks on 4 calendars (3 of them their own), 3 people on calendars
    "calendars.xml": ((6, 6, 6, 3, 5, 0), 100),  # +2 resource calendars MPXJ derives
    "calendars.pmxml": ((6, 6, 6, 3, 5, 1), 100),
    "calendars.xer": ((6, 6, 6, 3, 5, 0), 100),
    "calendars.mpx": ((6, 6, 6, 3, 5, 0), 50),  # DAYS_ONLY: night shifts end past a day
    "calendars.planner": ((6, 6, 6, 3, 5, 0), 33.3),  # PLANNER
    "calendars.sdef": ((6, 6, 4, 0, 0, 0), 16.6),  # SDEF, SDEF_DAYS
    "calendars.toml": ((6, 6, 5, 0, 0, 0), None),
    # baselines: 6 tasks, 11 baselines (0-10); only MSPDI and TOML carry them all
    **{
        f"baselines.{s}": ((6, 5, 1, 1, 6, n), 100)
        for s, n in (("xml", 11), ("pmxml", 1), ("xer", 0), ("mpx", 1), ("planner", 0))
    },
    "baselines.sdef": ((6, 5, 1, 0, 0, 0), 100),
    "baselines.toml": ((6, 5, 2, 0, 0, 11), None),
    # unicode and duplicates: names, dates and people all kept
    **{
        f"unicode.{s}": ((9, 8, 1, 3, 5, int(s == "pmxml")), 100)
        for s in ("xml", "pmxml", "xer", "mpx", "planner")
    },
    "unicode.sdef": ((9, 8, 1, 0, 0, 0), 100),
    "unicode.toml": ((9, 8, 2, 0, 0, 0), None),
    "unicode.csv": ((9, 8, 1, 3, 5, 0), None),
    "unicode.xlsx": ((9, 8, 1, 3, 5, 0), None),
    **{
        f"duplicates.{s}": ((8, 6, 1, 2, 5, int(s == "pmxml")), 100)
        for s in ("xml", "pmxml", "xer", "mpx", "planner")
    },
    "duplicates.sdef": ((6, 6, 1, 0, 0, 0), 100),  # SDEF: the two summaries are gone
    "duplicates.toml": ((8, 6, 2, 0, 0, 0), None),
    "duplicates.csv": ((8, 6, 1, 1, 5, 0), None),  # a task list names people: one Alex Martin
    "duplicates.xlsx": ((8, 6, 1, 1, 5, 0), None),
    # hand-written plans
    "awkward.xml": ((6, 6, 2, 3, 3, 2), None),  # no task dates in the file
    "awkward.mpx": ((6, 6, 2, 3, 3, 1), None),
    "awkward.xer": ((6, 5, 2, 3, 3, 0), 100),
    "awkward.sdef": ((4, 3, 2, 0, 0, 0), 100),
    "network60.xml": ((60, 89, 2, 0, 0, 0), None),
    "network60.pmxml": ((60, 89, 2, 0, 0, 1), 26.6),  # NOT_ANALYSED
    "network60.mpx": ((60, 89, 2, 0, 0, 0), 26.6),  # NOT_ANALYSED
}
REFUSED = {"network60.xer": "no start date"}  # an unscheduled XER: nothing to anchor it
OURS = (".xml", ".toml", ".csv", ".xlsx")


def _param(name: str) -> object:
    if name.endswith(OURS):
        return name
    return pytest.param(name, marks=pytest.mark.mpxj)


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Convert with MPXJ in this process's JVM instead of a ``java`` process per file."""
    if not mpxj_oracle.available():
        pytest.skip("needs Java, jpype and mpxj")
    monkeypatch.setattr(mpxj_convert, "to_mspdi_bytes", mpxj_oracle.convert_in_process)


def test_there_are_at_least_30_fixture_plans_and_each_is_listed():
    names = fixtures()
    assert len(names) >= 30
    assert set(names) == set(EXPECTED) | set(REFUSED)
    assert len({n.rsplit(".", 1)[1] for n in names}) >= 9  # formats


@pytest.mark.parametrize("name", [_param(n) for n in sorted(EXPECTED)])
def test_each_fixture_keeps_its_counts_and_dates(name, request):
    if not name.endswith(OURS):
        request.getfixturevalue("in_process")
    counts, least = EXPECTED[name]
    got = kept(name)
    assert got.counts == counts
    if least is None:
        assert got.percent is None
    else:
        assert got.percent is not None and got.percent >= least, got.percent


@pytest.mark.mpxj
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_plan_without_any_date_is_refused_with_a_reason(name, in_process):
    with pytest.raises(PlanReadError, match=REFUSED[name]):
        kept(name)


def test_links_on_summary_tasks_hold_their_work_tasks_and_are_listed():
    document = kept("nested.xml").document
    names = {a.id: a.name for a in document.plan.activities}
    pairs = {(names[k.pred], names[k.succ], k.type.value) for k in document.plan.links}
    # Phase A -> Phase B (FS): every task of A before every task of B
    assert {(p, s, "FS") for p in ("Design", "Specify", "Build", "Test")
            for s in ("Deploy", "Train")} - {("Test", "Deploy", "FS")} <= pairs  # fmt: skip
    assert {("Design", "Build", "SS"), ("Design", "Test", "SS")} <= pairs  # Design -> Sprint A1
    assert {("Build", "Train", "FS"), ("Test", "Train", "FS")} <= pairs  # Sprint A1 -> Train
    said = [loss for loss in document.losses if "summary tasks are not linked" in loss.what]
    assert len(said) == 3 and all("pair(s) of work tasks" in loss.what for loss in said)


@pytest.mark.parametrize("name", ["unicode.xml", "unicode.toml", "unicode.csv", "unicode.xlsx"])
def test_unicode_names_are_kept(name):
    document = kept(name).document
    assert [a.name for a in document.plan.activities] == list(UNICODE_NAMES)
    if not name.endswith(".toml"):  # plan TOML holds no resources
        assert {r.name for r in document.resources} == {"Zoë Dupont", "Łukasz Żółć", "李小龍"}


@pytest.mark.mpxj
@pytest.mark.parametrize(("name", "intact"), [("unicode.pmxml", 8), ("unicode.planner", 8),
                                              ("unicode.xer", 2), ("unicode.mpx", 2)])  # fmt: skip
def test_unicode_names_survive_as_far_as_the_format_holds_them(name, intact, in_process):
    names = [a.name for a in kept(name).document.plan.activities]
    # MPXJ's PMXML and Planner writers replace characters beyond the BMP (emoji); its XER and
    # MPX writers write Windows-1252, so only the Latin names survive: the file lost them.
    assert names[:intact] == list(UNICODE_NAMES[:intact])
    assert all("?" in n or "\ufffd" in n for n in names[intact:])


@pytest.mark.parametrize("name", ["duplicates.xml", "duplicates.toml"])
def test_duplicate_names_stay_distinct_tasks(name):
    document = kept(name).document
    names = sorted(a.name for a in document.plan.activities)
    assert names == ["Build", "Build", "Phase", "Phase", "Review", "Review", "Review", "Review"]
    parents = {a.parent for a in document.plan.activities if a.name == "Build"}
    assert len(parents) == 2  # each Build under its own Phase


def test_a_large_plan_keeps_every_task_link_and_calendar_exception():
    rng = np.random.default_rng(5000)
    project = random_project(rng, 5000, mixed=True)
    holidays = tuple(
        CalendarException(date(2024, 1, 1) + timedelta(days=int(d)))
        for d in sorted(rng.choice(3000, size=400, replace=False))
    )
    calendars = tuple(
        Calendar(c.id, c.week, holidays, c.name) if c.id == "cal" else c for c in project.calendars
    )
    plan = Project(project.start, project.activities, project.links, calendars, "cal")
    assert len(plan.links) >= 5000
    got = kept("large.xml", to_mspdi(plan, name="Large"))
    assert got.counts[:3] == (5000, len(plan.links), 2)
    calendar = got.document.plan.calendars_by_id["cal-1"]
    assert {e.day for e in calendar.exceptions} >= {e.day for e in holidays}
    assert got.percent == 100  # our own dates, written and read back
