"""Build RCPSP problems in tests: a network activity paired with its modes, and the problem."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from keystage.engine.network import Activity, Link
from keystage.engine.rcpsp.problem import Mode, NonRenewable, Problem, Renewable

Job = tuple[Activity, tuple[Mode, ...]]


def job(aid: str, modes: Iterable[Mode]) -> Job:
    """Activity ``aid`` with its alternative modes."""
    return Activity(aid), tuple(modes)


def act(aid: str, d: int, **demands: int) -> Job:
    """A single-mode activity lasting ``d`` periods with ``demands``."""
    return job(aid, (Mode(d, demands),))


def problem_of(
    jobs: Sequence[Job],
    links: Iterable[Link] = (),
    renewables: Iterable[Renewable] = (),
    nonrenewables: Iterable[NonRenewable] = (),
    name: str = "",
) -> Problem:
    """The problem over ``jobs`` (activities and the mode table split apart)."""
    return Problem(
        tuple(a for a, _ in jobs),
        tuple(links),
        tuple(renewables),
        tuple(nonrenewables),
        name,
        modes={a.id: ms for a, ms in jobs},
    )
