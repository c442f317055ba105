"""Resource utilisation over time: a table per resource and period bucket, and over-allocations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from keystage.engine.rcpsp.problem import PeriodSchedule, Problem


@dataclass(frozen=True)
class UtilisationRow:
    """Use of one resource over ``[start, end)``, in unit-periods.

    ``booked`` comes from this schedule, ``existing`` from other commitments
    (loads); ``capacity`` is the base capacity over the bucket; ``utilisation``
    is ``(booked + existing) / capacity`` (0 when the capacity is 0).
    """

    resource: str
    start: int
    end: int
    booked: int
    existing: int
    capacity: int

    @property
    def utilisation(self) -> float:
        """Share of the capacity in use (can exceed 1 when over-allocated)."""
        return (self.booked + self.existing) / self.capacity if self.capacity else 0.0


@dataclass(frozen=True)
class Overload:
    """A resource asked for more than it has over ``[start, end)`` (``excess`` units at peak)."""

    resource: str
    start: int
    end: int
    excess: int


def usage_matrix(
    problem: Problem, schedule: PeriodSchedule, horizon: int | None = None
) -> np.ndarray:
    """Units booked by the schedule: array ``[resource, period]``."""
    horizon = horizon if horizon is not None else schedule.makespan(problem)
    use = np.zeros((len(problem.renewables), max(horizon, 0)), dtype=np.int64)
    for ms, s, m in zip(problem.mode_table, schedule.starts, schedule.modes, strict=True):
        mode = ms[m]
        for rid, q in mode.demands.items():
            r = problem.resource_index.get(rid)
            if r is not None:
                use[r, s : min(horizon, s + mode.duration)] += q
    return use


def utilisation_table(
    problem: Problem, schedule: PeriodSchedule, *, bucket: int = 1, kind: str | None = None
) -> list[UtilisationRow]:
    """Rows per resource (optionally only of ``kind``, e.g. "person") and bucket of periods."""
    if bucket < 1:
        raise ValueError("bucket must be at least one period")
    horizon = schedule.makespan(problem)
    use = usage_matrix(problem, schedule, horizon)
    rows: list[UtilisationRow] = []
    for r, res in enumerate(problem.renewables):
        if kind is not None and res.kind != kind:
            continue
        free = np.array(res.profile(horizon), dtype=np.int64)
        for start in range(0, horizon, bucket):
            end = min(horizon, start + bucket)
            cap = res.capacity * (end - start)
            rows.append(
                UtilisationRow(
                    res.id,
                    start,
                    end,
                    int(use[r, start:end].sum()),
                    int(cap - free[start:end].sum()),
                    cap,
                )
            )
    return rows


def over_allocations(problem: Problem, schedule: PeriodSchedule) -> list[Overload]:
    """Maximal runs of periods where a resource is booked beyond its free capacity."""
    horizon = schedule.makespan(problem)
    use = usage_matrix(problem, schedule, horizon)
    out: list[Overload] = []
    for r, res in enumerate(problem.renewables):
        excess = use[r] - np.array(res.profile(horizon), dtype=np.int64)
        t = 0
        while t < horizon:
            if excess[t] > 0:
                end = t
                while end < horizon and excess[end] > 0:
                    end += 1
                out.append(Overload(res.id, t, end, int(excess[t:end].max())))
                t = end
            else:
                t += 1
    return out
