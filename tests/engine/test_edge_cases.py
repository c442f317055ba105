"""Edge cases found on random networks: finish constraints before the start, FNET without
predecessors, milestones held by start constraints, and errors that name the culprit."""

from __future__ import annotations

from datetime import datetime

import pytest

from keystage.engine.calendars import Calendar, Shift
from keystage.engine.cpm import schedule
from keystage.engine.errors import ImpossibleConstraintError, TooLongError
from keystage.engine.network import Activity, ConstraintType, Kind, Link, Project
from keystage.engine.planfile import PlanError, parse_plan

C = ConstraintType
START = datetime(2025, 3, 3, 8, 0)  # Monday
CALENDARS = (Calendar("standard"), Calendar("own"))
PATHS = pytest.mark.parametrize("own", [None, "own"], ids=["vectorised", "scalar"])


def _project(*acts: Activity, links: tuple[Link, ...] = (), **kw: object) -> Project:
    return Project(START, acts, links, calendars=CALENDARS, **kw)  # type: ignore[arg-type]


@PATHS
@pytest.mark.parametrize("kind", [C.FNLT, C.MFO])
def test_finish_constraint_after_the_start_is_met_by_starting_before_it(
    own: str | None, kind: ConstraintType
) -> None:
    # Friday 17:00 of the first week, ten days of work: MS Project starts on 24 February.
    project = _project(
        Activity("A", duration=4800, calendar=own, constraint=kind,
                 constraint_date=datetime(2025, 3, 7, 17)),
        Activity("B", duration=480),
    )  # fmt: skip
    result = schedule(project)
    assert result["A"].start == datetime(2025, 2, 24, 8)
    assert result["A"].finish == datetime(2025, 3, 7, 17)
    assert result["A"].total_float == 0 and result["A"].driver == "constraint"
    assert result["B"].start == START and result["B"].total_float == 4 * 480


@PATHS
def test_finish_constraint_date_before_the_start_is_refused_with_its_own_date(
    own: str | None,
) -> None:
    project = _project(
        Activity("A", duration=480, calendar=own, constraint=C.FNLT,
                 constraint_date=datetime(2025, 2, 28, 17)),
    )  # fmt: skip
    with pytest.raises(ImpossibleConstraintError) as caught:
        schedule(project)
    assert str(caught.value) == (
        "activity 'A': constraint date 2025-02-28 17:00 is before the project start"
    )


def test_finish_constraint_minus_duration_before_the_data_date_is_refused() -> None:
    project = _project(
        Activity("A", duration=4800, constraint=C.FNLT, constraint_date=datetime(2025, 3, 14, 17)),
        data_date=datetime(2025, 3, 10, 8),
    )
    with pytest.raises(ImpossibleConstraintError, match="minus the duration is before the data"):
        schedule(project)


@PATHS
def test_fnet_without_predecessors_is_held_at_the_project_start(own: str | None) -> None:
    # Decision (docs/scheduling.md): no work before the project start; MS Project would
    # start on 27 February (date minus duration).
    project = _project(
        Activity("A", duration=2400, calendar=own, constraint=C.FNET,
                 constraint_date=datetime(2025, 3, 5, 17)),
        Activity("B", duration=4800),
    )  # fmt: skip
    result = schedule(project)
    assert result["A"].start == START
    assert result["A"].finish == datetime(2025, 3, 7, 17)
    assert result["A"].driver == "project start"
    later = _project(
        Activity("A", duration=2400, calendar=own, constraint=C.FNET,
                 constraint_date=datetime(2025, 3, 14, 17)),
    )  # fmt: skip
    assert schedule(later)["A"].start == datetime(2025, 3, 10, 8)


@PATHS
@pytest.mark.parametrize("kind", [C.SNET, C.MSO])
def test_milestone_with_a_start_constraint_is_shown_at_the_start_of_its_day(
    own: str | None, kind: ConstraintType
) -> None:
    monday = datetime(2025, 3, 10, 8)
    project = _project(
        Activity("M", kind=Kind.MILESTONE, calendar=own, constraint=kind, constraint_date=monday),
        Activity("B", duration=4800),
        Activity("C", duration=480),
        links=(Link("M", "B"),),
    )
    result = schedule(project)
    m = result["M"]
    assert (m.start, m.finish, m.early_start, m.early_finish) == (monday,) * 4
    assert (m.late_start, m.late_finish) == (monday, monday)  # critical: same position
    assert m.total_float == 0 and result["B"].start == monday
    assert result["B"].finish == datetime(2025, 3, 21, 17)


@PATHS
def test_milestone_after_work_is_still_shown_at_the_end_of_that_work(own: str | None) -> None:
    project = _project(
        Activity("A", duration=480),
        Activity("M", kind=Kind.MILESTONE, calendar=own),
        links=(Link("A", "M"),),
    )
    assert schedule(project)["M"].start == datetime(2025, 3, 3, 17)


@PATHS
def test_work_beyond_the_horizon_names_the_activity_and_its_duration(own: str | None) -> None:
    project = _project(
        Activity("small", duration=480),
        Activity("huge", name="Typo", duration=480 * 10**9, calendar=own),
    )
    with pytest.raises(TooLongError) as caught:
        schedule(project)
    assert caught.value.activity_id == "huge"
    message = str(caught.value)
    assert message.startswith("activity 'huge': its duration of 480,000,000,000 working minutes")
    assert "1,000,000,000 days of 8 hours" in message and "200 years" in message
    assert "check the unit" in message


def test_a_thin_calendar_names_the_activity_too() -> None:
    thin = Calendar("thin", ((Shift.parse("08:00-08:01"),), (), (), (), (), (), ()))
    project = Project(
        START, (Activity("A", duration=5_000_000),), calendars=(thin,), calendar="thin"
    )
    with pytest.raises(TooLongError, match=r"activity 'A': .* on calendar 'thin' \(1 working"):
        schedule(project)


PLAN = """[project]
start = 2025-03-03

[[activities]]
id = "A"
duration = "1d"

[[activities]]
id = "B"
duration = "1d"
predecessors = ["A"]
"""


def _error(text: str) -> str:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, "plan.toml")
    return str(caught.value)


def test_a_duplicate_id_points_at_the_duplicate() -> None:
    text = PLAN + '\n[[activities]]\nid = "A"\nduration = "2d"\n'
    assert _error(text) == "plan.toml:14: activity id 'A' is used twice"


def test_a_link_to_an_unknown_activity_names_the_line() -> None:
    inline = PLAN.replace('["A"]', '["Z"]')
    assert _error(inline) == "plan.toml:9: link Z→B FS refers to unknown activity 'Z'"
    table = PLAN + '\n[[links]]\nfrom = "B"\nto = "A"\n\n[[links]]\nfrom = "A"\nto = "Q"\n'
    assert _error(table) == "plan.toml:17: links[1] refers to unknown activity 'Q'"
    parent = PLAN.replace('id = "B"\n', 'id = "B"\nparent = "P"\n')
    assert _error(parent) == "plan.toml:9: parent of 'B' refers to unknown activity 'P'"
