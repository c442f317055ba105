"""Read PSPLIB instances (.sm single-mode, .mm multi-mode) and their bound tables.

Parsing of the instance files is delegated to the ``psplib`` package; this
module maps its objects to a :class:`Problem` (activities ``1..N`` named by
their job number, resources ``R1..`` renewable and ``N1..`` non-renewable).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from keystage.engine.network import Activity, Link, LinkType
from keystage.engine.rcpsp.errors import ProblemDefinitionError
from keystage.engine.rcpsp.problem import Mode, NonRenewable, Problem, Renewable


def read_psplib(path: str | Path) -> Problem:
    """Parse a PSPLIB ``.sm`` or ``.mm`` file into a :class:`Problem`."""
    import psplib

    path = Path(path)
    try:
        inst = psplib.parse(str(path), instance_format="psplib")
    except (OSError, ValueError, IndexError) as exc:
        raise ProblemDefinitionError(f"{path.name}: not a readable PSPLIB file ({exc})") from exc
    ren_ids: list[str] = []
    renewables: list[Renewable] = []
    nonrenewables: list[NonRenewable] = []
    names: list[str] = []
    for res in inst.resources:
        if res.renewable:
            rid = f"R{len(renewables) + 1}"
            renewables.append(Renewable(rid, res.capacity))
            ren_ids.append(rid)
        else:
            rid = f"N{len(nonrenewables) + 1}"
            nonrenewables.append(NonRenewable(rid, res.capacity))
        names.append(rid)
    activities = []
    modes_of: dict[str, tuple[Mode, ...]] = {}
    links: list[Link] = []
    for k, act in enumerate(inst.activities):
        aid = str(k + 1)
        modes = tuple(
            Mode(m.duration, dict(zip(names, m.demands, strict=True)), label=str(n + 1))
            for n, m in enumerate(act.modes)
        )
        activities.append(Activity(aid))
        modes_of[aid] = modes
        links.extend(Link(aid, str(s + 1), LinkType.FS, 0) for s in act.successors)
    return Problem(
        tuple(activities),
        tuple(links),
        tuple(renewables),
        tuple(nonrenewables),
        path.stem,
        modes=modes_of,
    )


@dataclass(frozen=True)
class Bound:
    """Reference figures for one instance: best known makespan, lower bound, proven or not."""

    best_known: int
    lower_bound: int
    proven_optimal: bool


def read_bounds_csv(path: str | Path) -> dict[str, Bound]:
    """Read ``instance,best_known,lower_bound,proven_optimal`` rows (missing bound = 0)."""
    out: dict[str, Bound] = {}
    with Path(path).open(newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["instance"]] = Bound(
                int(row["best_known"]),
                int(row["lower_bound"] or 0),
                row["proven_optimal"] == "1",
            )
    return out


def read_optimum_table(path: str | Path, prefix: str) -> dict[str, Bound]:
    """Read a PSPLIB ``*opt.mm``/``*opt.sm`` table (parameter, instance, makespan, ...).

    Rows with makespan 16384 (no feasible schedule) are skipped. Instance names
    are ``{prefix}{parameter}_{instance}``, e.g. ``j1010_1``.
    """
    out: dict[str, Bound] = {}
    row = re.compile(r"^\s*(\d+)\s*,?\s+(\d+)\s*,?\s+(\d+)\s*,?\s+[\d.]+\s*$")
    for line in Path(path).read_text().splitlines():
        m = row.match(line)
        if not m:
            continue
        par, inst, ms = (int(g) for g in m.groups())
        if ms >= 16384:
            continue
        out[f"{prefix}{par}_{inst}"] = Bound(ms, ms, True)
    return out
