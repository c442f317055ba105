"""Errors raised by the resource-constrained scheduling engine.

Every error names its culprit (the activity, the resource, the cycle) so the
caller can show one readable line to the user.
"""

from __future__ import annotations

from collections.abc import Sequence


class RcpspError(Exception):
    """Base class of every resource-scheduling error."""


class ProblemDefinitionError(RcpspError, ValueError):
    """The problem data is malformed (duplicate ids, unknown references, negative values)."""


class PrecedenceCycleError(RcpspError, ValueError):
    """The links form a cycle; ``activities`` lists the activities on it, in order."""

    def __init__(self, activities: Sequence[str]) -> None:
        self.activities = tuple(activities)
        path = " -> ".join([*self.activities, self.activities[0]]) if self.activities else ""
        super().__init__(f"dependency cycle: {path}")


class TimeLagCycleError(PrecedenceCycleError):
    """Minimum and maximum lags on a cycle of activities ask for more time than they allow.

    ``activities`` lists the cycle in order; ``excess`` is by how many periods the
    minimum lags around it exceed the maximum ones (with the most favourable modes).
    """

    def __init__(self, activities: Sequence[str], excess: int) -> None:
        super().__init__(activities)
        self.excess = excess
        path = " -> ".join([*self.activities, self.activities[0]]) if self.activities else ""
        self.args = (
            f"time lags cannot all hold: {path} (the minimum lags exceed the maximum ones "
            f"by {excess} period{'s' if excess != 1 else ''})",
        )


class DeadlineError(RcpspError, ValueError):
    """An activity's deadline falls before its earliest possible finish."""

    def __init__(self, activity: str, deadline: int, earliest_finish: int) -> None:
        self.activity = activity
        self.deadline = deadline
        self.earliest_finish = earliest_finish
        super().__init__(
            f"activity {activity!r} cannot meet its deadline {deadline}: "
            f"it finishes at {earliest_finish} at the earliest"
        )


class InfeasibleDemandError(RcpspError, ValueError):
    """An activity asks for more than a resource can ever give.

    ``activity`` and ``resource`` name the culprits; ``reason`` says why
    (capacity zero, demand above capacity, budget exceeded, skill nobody has).
    """

    def __init__(self, activity: str, resource: str, reason: str) -> None:
        self.activity = activity
        self.resource = resource
        self.reason = reason
        super().__init__(f"activity {activity!r} cannot be staffed by {resource!r}: {reason}")


class NoFeasibleScheduleError(RcpspError):
    """No schedule was found (e.g. consumable budgets cannot all be met).

    ``proven`` is True when none exists, False when the search merely gave up.
    """

    def __init__(self, message: str, *, proven: bool = True) -> None:
        self.proven = proven
        super().__init__(message)
