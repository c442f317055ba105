"""The edge cases of docs/scheduling.md against MPXJ's MicrosoftScheduler (opt-in)."""

from __future__ import annotations

from datetime import datetime

import pytest

from keystage.engine.cpm import schedule
from keystage.engine.mspdi import to_mspdi
from keystage.engine.network import Activity, ConstraintType, Kind, Link, Project
from tests.engine import mpxj_oracle

pytestmark = [
    pytest.mark.mpxj,
    pytest.mark.skipif(not mpxj_oracle.available(), reason="needs Java, jpype1 and mpxj"),
]
C = ConstraintType
START = datetime(2025, 3, 3, 8)


@pytest.mark.parametrize("kind", [C.FNLT, C.MFO])
def test_finish_constraint_before_its_work_can_start_matches_ms_project(
    kind: ConstraintType,
) -> None:
    project = Project(
        START,
        (
            Activity("A", "A", 4800, constraint=kind, constraint_date=datetime(2025, 3, 7, 17)),
            Activity("B", "B", 480),
        ),
    )
    ours = schedule(project)
    theirs = mpxj_oracle.schedule_with_mpxj(to_mspdi(project), START)
    for aid in ("A", "B"):
        oracle = theirs[aid]
        assert (ours[aid].early_start, ours[aid].early_finish) == (
            oracle.early_start,
            oracle.early_finish,
        )
        assert (ours[aid].late_start, ours[aid].late_finish) == (
            oracle.late_start,
            oracle.late_finish,
        )
        assert ours[aid].total_float == oracle.total_slack_minutes


def test_milestone_held_by_snet_prints_like_ms_project() -> None:
    monday = datetime(2025, 3, 10, 8)
    project = Project(
        START,
        (
            Activity("M", "M", kind=Kind.MILESTONE, constraint=C.SNET, constraint_date=monday),
            Activity("A", "A", 480),
            Activity("N", "N", kind=Kind.MILESTONE),
            Activity("B", "B", 9600),
        ),
        (Link("A", "N"),),
    )
    ours = schedule(project)
    theirs = mpxj_oracle.schedule_with_mpxj(to_mspdi(project), START)
    for aid in ("M", "N"):
        assert ours[aid].early_start == theirs[aid].early_start
        assert ours[aid].early_finish == theirs[aid].early_finish
        assert ours[aid].total_float == theirs[aid].total_slack_minutes


def test_fnet_without_predecessors_is_the_documented_difference() -> None:
    project = Project(
        START,
        (
            Activity("A", "A", 2400, constraint=C.FNET, constraint_date=datetime(2025, 3, 5, 17)),
            Activity("B", "B", 4800),
        ),
    )
    ours = schedule(project)
    theirs = mpxj_oracle.schedule_with_mpxj(to_mspdi(project), START)
    assert theirs["A"].early_start == datetime(2025, 2, 27, 8)  # MS Project: date − duration
    assert ours["A"].early_start == START  # Keystage: held at the project start
