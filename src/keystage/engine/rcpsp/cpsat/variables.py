"""Decision variables: start/end per activity, one optional interval per mode, makespan."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from keystage.engine.rcpsp.compiled import Compiled


@dataclass
class Variables:
    """Handles on the CP-SAT variables of one model."""

    starts: list[cp_model.IntVar]
    ends: list[cp_model.IntVar]
    intervals: list[cp_model.IntervalVar]
    mode_lits: list[list[cp_model.IntVar]]
    mode_intervals: list[list[cp_model.IntervalVar]]
    makespan: cp_model.IntVar


def create_variables(
    model: cp_model.CpModel,
    c: Compiled,
    earliest: list[int],
    latest: list[int],
    lower_bound: int,
    horizon: int,
) -> Variables:
    """Create variables with start windows ``[earliest, latest]`` and makespan in ``[lb, horizon]``.

    A single-mode activity gets one fixed-size interval. A multi-mode activity
    gets a presence literal and an optional fixed-size interval per mode, all
    sharing its start, plus a variable-size master interval.
    """
    starts, ends, intervals, lits, mode_ivs = [], [], [], [], []
    for i in range(c.n):
        durs = c.dur[i]
        lo, hi = earliest[i], max(earliest[i], latest[i])
        s = model.new_int_var(lo, hi, f"s{i}")
        if len(durs) == 1:
            e = model.new_int_var(lo + durs[0], hi + durs[0], f"e{i}")
            iv = model.new_interval_var(s, durs[0], e, f"iv{i}")
            lit = model.new_constant(1)
            lits.append([lit])
            mode_ivs.append([iv])
        else:
            d = model.new_int_var_from_domain(
                cp_model.Domain.from_values(sorted(set(durs))), f"d{i}"
            )
            e = model.new_int_var(lo + min(durs), hi + max(durs), f"e{i}")
            iv = model.new_interval_var(s, d, e, f"iv{i}")
            row = [model.new_bool_var(f"m{i}_{m}") for m in range(len(durs))]
            lits.append(row)
            mode_ivs.append(
                [
                    model.new_optional_fixed_size_interval_var(s, dm, row[m], f"iv{i}_{m}")
                    for m, dm in enumerate(durs)
                ]
            )
            model.add(d == sum(dm * row[m] for m, dm in enumerate(durs)))
        starts.append(s)
        ends.append(e)
        intervals.append(iv)
    makespan = model.new_int_var(lower_bound, max(lower_bound, horizon), "makespan")
    return Variables(starts, ends, intervals, lits, mode_ivs, makespan)
