"""Objectives: shortest makespan, or a weighted blend of finish, cost and load."""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

from keystage.engine.rcpsp.cpsat.variables import Variables


def minimise_makespan(model: cp_model.CpModel, v: Variables) -> None:
    """Minimise the latest finish."""
    model.minimize(v.makespan)


def minimise_weighted(
    model: cp_model.CpModel,
    v: Variables,
    mode_costs: Sequence[Sequence[int]],
    *,
    finish_weight: int,
    cost_weight: int,
    load_weight: int = 0,
    load_terms: Sequence[cp_model.LinearExprT] = (),
) -> None:
    """Minimise ``finish_weight*makespan + cost_weight*cost + load_weight*sum(load_terms)``.

    ``mode_costs[i][m]`` is the (integer) cost of doing activity ``i`` in mode ``m``;
    ``load_terms`` are expressions such as the peak load of each person.
    """
    cost = sum(
        int(cost) * lit
        for row, costs in zip(v.mode_lits, mode_costs, strict=True)
        for lit, cost in zip(row, costs, strict=True)
        if cost
    )
    model.minimize(finish_weight * v.makespan + cost_weight * cost + load_weight * sum(load_terms))
