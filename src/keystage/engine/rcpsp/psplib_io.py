"""Read PSPLIB instances (.sm single-mode, .mm multi-mode, .sch RCPSP/max), Patterson
(.rcp) instances and bound tables.

Parsing of the .sm/.mm and .rcp files is delegated to the ``psplib`` package; this
module maps its objects to a :class:`Problem` (activities ``1..N`` named by
their job number, resources ``R1..`` renewable and ``N1..`` non-renewable).
The Patterson format (``.rcp``) is the one of most RCPSP sets published since
PSPLIB (RG30, RG300, DC1, the Patterson set itself): a line ``activities
resources``, a line of capacities, then per activity its duration, its demands,
its number of successors and their numbers.

The .sch reader (:func:`read_sch`) is our own, for the ProGen/max format of
the RCPSP/max sets (UBO, testsets C/D, J10-J30): a header ``jobs renewables
nonrenewables doubly``; one line per activity ``0..jobs+1`` (two dummies)
``job modes successors succ... [lag]...``; one line per activity ``job mode
duration demand...``; a line of capacities. A lag ``[l]`` from ``i`` to
``j`` means ``S_j >= S_i + l``; a negative one is a maximum lag of ``j``
over ``i``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from keystage.engine.network import Activity, Link, LinkType
from keystage.engine.rcpsp.errors import PrecedenceCycleError, ProblemDefinitionError
from keystage.engine.rcpsp.problem import (
    LARGEST,
    MaxLag,
    Mode,
    NonRenewable,
    Problem,
    Renewable,
)


def read_psplib(path: str | Path, instance_format: str = "psplib") -> Problem:
    """Parse a PSPLIB ``.sm`` or ``.mm`` file (or, with ``instance_format="patterson"``,
    a Patterson ``.rcp`` file) into a :class:`Problem`."""
    import psplib

    path = Path(path)
    kind = "Patterson" if instance_format == "patterson" else "PSPLIB"
    try:
        inst = psplib.parse(str(path), instance_format=instance_format)
    except StopIteration:
        raise ProblemDefinitionError(
            f"{path.name}: not a readable {kind} file (it ends early)"
        ) from None
    except (OSError, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise ProblemDefinitionError(f"{path.name}: not a readable {kind} file ({exc})") from exc
    if any(not 0 <= s < len(inst.activities) for act in inst.activities for s in act.successors):
        raise ProblemDefinitionError(f"{path.name}: a successor is not one of the activities")
    for k, act in enumerate(inst.activities):
        if any(len(m.demands) != len(inst.resources) for m in act.modes):
            raise ProblemDefinitionError(
                f"{path.name}: activity {k + 1} has demands for other than the "
                f"{len(inst.resources)} resources with a capacity"
            )
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
        try:
            modes = tuple(
                Mode(m.duration, dict(zip(names, m.demands, strict=True)), label=str(n + 1))
                for n, m in enumerate(act.modes)
            )
        except ProblemDefinitionError as exc:
            raise ProblemDefinitionError(f"{path.name}: activity {aid}, {exc}") from None
        activities.append(Activity(aid))
        modes_of[aid] = modes
        if k in act.successors:
            raise PrecedenceCycleError([aid])
        links.extend(Link(aid, str(s + 1), LinkType.FS, 0) for s in act.successors)
    return Problem(
        tuple(activities),
        tuple(links),
        tuple(renewables),
        tuple(nonrenewables),
        path.stem,
        modes=modes_of,
    )


class _Lines:
    """The non-blank lines of a file with their numbers, for readable errors."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise ProblemDefinitionError(f"{path.name}: not readable ({exc})") from exc
        self.rows = [(k, ln) for k, ln in enumerate(text.splitlines(), 1) if ln.strip()]
        self.pos = 0

    def error(self, number: int, message: str) -> ProblemDefinitionError:
        """An error naming the file and the line."""
        return ProblemDefinitionError(f"{self.name}: line {number}: {message}")

    def next(self, what: str) -> tuple[int, list[str]]:
        """The next line's number and fields; an error naming ``what`` at the end of file."""
        if self.pos >= len(self.rows):
            last = self.rows[-1][0] + 1 if self.rows else 1
            raise self.error(last, f"the file ends before {what}")
        number, line = self.rows[self.pos]
        self.pos += 1
        return number, line.split()

    def ints(self, number: int, fields: list[str], what: str) -> list[int]:
        """``fields`` as integers, or an error naming ``what``."""
        try:
            return [int(f) for f in fields]
        except ValueError:
            raise self.error(number, f"{what} must be whole numbers: {' '.join(fields)}") from None


def read_sch(path: str | Path) -> Problem:
    """Parse an RCPSP/max ``.sch`` file (single mode) into a :class:`Problem`.

    Activities are named by their job number (``0`` and ``jobs+1`` are the
    dummies); a non-negative lag becomes a start-to-start :class:`Link`, a
    negative lag (or one that would close a cycle of links) a :class:`MaxLag`
    the other way. Raises :class:`ProblemDefinitionError` naming the line of a
    malformed file, :class:`~keystage.engine.rcpsp.errors.TimeLagCycleError` when the
    lags contradict each other (the instance is infeasible).
    """
    path = Path(path)
    lines = _Lines(path)
    number, head = lines.next("the header")
    counts = lines.ints(number, head, "the header")
    if len(counts) < 2 or counts[0] < 0 or counts[1] < 0:
        raise lines.error(number, "the header must start with the numbers of jobs and resources")
    jobs, n_res = counts[0], counts[1]
    if len(counts) > 2 and any(counts[2:4]):
        raise lines.error(number, "non-renewable and doubly constrained resources are not read")
    n = jobs + 2
    arcs: list[tuple[int, int, int, int]] = []  # (pred, succ, lag, line)
    for k in range(n):
        number, fields = lines.next(f"the successors of job {k}")
        values = lines.ints(number, fields[:3], "job, modes and successor count")
        if len(values) < 3 or values[0] != k:
            raise lines.error(number, f"expected the successors of job {k}")
        if values[1] != 1:
            raise lines.error(number, f"job {k} has {values[1]} modes; only one is read")
        count = values[2]
        rest = fields[3:]
        if len(rest) != 2 * count:
            raise lines.error(number, f"job {k}: {count} successors need {count} lags")
        succs = lines.ints(number, rest[:count], "successors")
        lags = []
        for token in rest[count:]:
            if not (token.startswith("[") and token.endswith("]")):
                raise lines.error(number, f"job {k}: a lag is written [n], not {token}")
            lags.extend(lines.ints(number, [token[1:-1]], "lags"))
        for s, lag in zip(succs, lags, strict=True):
            if not 0 <= s < n or s == k:
                raise lines.error(number, f"job {k}: no job {s} to follow")
            if abs(lag) > LARGEST:
                raise lines.error(number, f"job {k}: the lag {lag:,} is more than {LARGEST:,}")
            arcs.append((k, s, lag, number))
    durations: list[int] = []
    demands: list[list[int]] = []
    for k in range(n):
        number, fields = lines.next(f"the duration of job {k}")
        values = lines.ints(number, fields, "job, mode, duration and demands")
        if len(values) != 3 + n_res or values[0] != k:
            raise lines.error(number, f"expected job {k}, its mode, duration and {n_res} demands")
        if values[2] < 0 or min(values[3:], default=0) < 0:
            raise lines.error(number, f"job {k}: negative duration or demand")
        if max(values[2:]) > LARGEST:
            raise lines.error(number, f"job {k}: a duration or demand above {LARGEST:,}")
        durations.append(values[2])
        demands.append(values[3:])
    number, fields = lines.next("the capacities")
    caps = lines.ints(number, fields, "capacities")
    if len(caps) != n_res:
        raise lines.error(number, f"expected {n_res} capacities, got {len(caps)}")
    if any(not 0 <= cap <= LARGEST for cap in caps):
        raise lines.error(number, f"a capacity must be from 0 to {LARGEST:,}")
    res = [f"R{r + 1}" for r in range(n_res)]
    ids = [str(k) for k in range(n)]
    links, max_lags = _split_arcs(ids, arcs)
    return Problem(
        tuple(Activity(a) for a in ids),
        tuple(links),
        tuple(Renewable(rid, cap) for rid, cap in zip(res, caps, strict=True)),
        (),
        path.stem,
        modes={
            a: (Mode(d, dict(zip(res, q, strict=True))),)
            for a, d, q in zip(ids, durations, demands, strict=True)
        },
        max_lags=tuple(max_lags),
        deadlines={ids[0]: 0},  # the source dummy is the project start: lags count from 0
    )


def read_instance(path: str | Path) -> Problem:
    """A PSPLIB (.sm/.mm), RCPSP/max (.sch) or Patterson (.rcp) instance, by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".sch":
        return read_sch(path)
    return read_psplib(path, "patterson" if suffix == ".rcp" else "psplib")


def write_sch(problem: Problem, path: str | Path) -> None:
    """Write a single-mode problem with start-to-start lags as an RCPSP/max ``.sch`` file.

    Activities are written in the problem's order as jobs ``0..n-1``, so the
    first and last should be the dummies; links become lags ``[l]``, maximum
    lags negative lags the other way. Raises :class:`ProblemDefinitionError` for
    what the format cannot hold (several modes, other link types, consumables).
    """
    source = problem.activities[0].id
    deadlines = any(a != source or d != 0 for a, d in problem.deadlines.items())
    if problem.is_multi_mode or problem.nonrenewables or problem.releases or deadlines:
        raise ProblemDefinitionError(
            "only single-mode problems without consumables, releases or deadlines fit .sch"
        )
    arcs: list[list[tuple[int, int]]] = [[] for _ in problem.activities]
    for i, j, lk in problem.link_pairs:
        if lk.type is not LinkType.SS:
            raise ProblemDefinitionError(f"link {lk.label}: .sch holds start-to-start lags only")
        arcs[i].append((j, int(lk.lag)))
    for i, j, ml in problem.max_lag_pairs:
        if ml.type is not LinkType.SS:
            raise ProblemDefinitionError(f"maximum lag {ml.label}: .sch holds start-to-start only")
        arcs[j].append((i, -ml.lag))
    res = [r.id for r in problem.renewables]
    lines = [f"{len(problem.activities) - 2}\t{len(res)}\t0\t0"]
    for k, out in enumerate(arcs):
        succ = [str(j) for j, _ in out] + [f"[{lag}]" for _, lag in out]
        lines.append("\t".join([str(k), "1", str(len(out)), *succ]))
    for k, (mode,) in enumerate(problem.mode_table):
        lines.append("\t".join(str(x) for x in (k, 1, mode.duration, *map(mode.demand, res))))
    lines.append("\t".join(str(r.capacity) for r in problem.renewables))
    Path(path).write_text("\n".join(lines) + "\n")


def _split_arcs(
    ids: list[str], arcs: list[tuple[int, int, int, int]]
) -> tuple[list[Link], list[MaxLag]]:
    """Non-negative lags that keep the links acyclic become links, the others maximum lags.

    Arcs are taken in file order, non-negative lags first; one closing a cycle with
    the links taken so far becomes a maximum lag. Such a cycle lies inside one
    strongly connected component of the non-negative arcs, so an arc between two
    components is a link at once and only arcs inside a component (none in an
    acyclic file: linear time) are checked by a search within it.
    """
    component = _components(len(ids), [(i, j) for i, j, lag, _ in arcs if lag >= 0])
    succs: list[set[int]] = [set() for _ in ids]

    def reaches(a: int, b: int) -> bool:
        seen, stack = {a}, [a]
        while stack:
            u = stack.pop()
            if u == b:
                return True
            for v in succs[u] - seen:
                seen.add(v)
                stack.append(v)
        return False

    links: list[Link] = []
    max_lags: list[MaxLag] = []
    for i, j, lag, _line in sorted(arcs, key=lambda arc: arc[2] < 0):
        inside = lag >= 0 and component[i] == component[j]
        if lag >= 0 and not (inside and reaches(j, i)):
            if inside:
                succs[i].add(j)
            links.append(Link(ids[i], ids[j], LinkType.SS, lag))
        else:
            max_lags.append(MaxLag(ids[j], ids[i], -lag, LinkType.SS))
    return links, max_lags


def _components(n: int, arcs: list[tuple[int, int]]) -> list[int]:
    """Strongly connected component of each node (Tarjan's algorithm, iterative)."""
    out: list[list[int]] = [[] for _ in range(n)]
    for i, j in arcs:
        out[i].append(j)
    index = [-1] * n
    low = [0] * n
    component = [-1] * n
    stack: list[int] = []
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        work = [(root, 0)]
        while work:
            u, k = work.pop()
            if k == 0:
                index[u] = low[u] = counter
                counter += 1
                stack.append(u)
            if k < len(out[u]):
                work.append((u, k + 1))
                v = out[u][k]
                if index[v] < 0:
                    work.append((v, 0))
                elif component[v] < 0:
                    low[u] = min(low[u], index[v])
                continue
            if low[u] == index[u]:
                while True:
                    v = stack.pop()
                    component[v] = u
                    if v == u:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[u])
    return component


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


_SOLUTION_TABLE = re.compile(r"^(?P<prefix>.*?)(?P<kind>opt|hrs|lb)\.(sm|mm)$", re.IGNORECASE)
# "1  1  77  Tue Apr  2 16:26:00 1996  R. Kolisch / A. Drexl": the best known, then when and
# who found it (in whatever form)
_HRS_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)(?:\s|$)")
# "1  4  91  85  Klein & Scholl" or "1  1  77  77  *": upper and lower bound, "*" when proven
_LB_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)(?:\s+(\*))?(?:\s.*)?$")


def read_solution_table(path: str | Path) -> dict[str, Bound]:
    """Read any of PSPLIB's solution tables, by its file name's ending.

    ``j30opt.sm`` (optima, :func:`read_optimum_table`), ``j120hrs.sm`` (best
    known makespans and their authors: the lower bound is left at 0) and
    ``j120lb.sm`` (upper and lower bound, ``*`` where they meet). The part
    before the ending (``j120``) prefixes the instance names (``j1201_1``).
    Raises :class:`ValueError` for another file name.
    """
    name = Path(path).name
    m = _SOLUTION_TABLE.match(name)
    if m is None:
        raise ValueError(f"{name} is not a PSPLIB solution table (*opt, *hrs or *lb .sm/.mm)")
    prefix, kind = m.group("prefix"), m.group("kind").lower()
    if kind == "opt":
        return read_optimum_table(path, prefix)
    out: dict[str, Bound] = {}
    for line in Path(path).read_text(errors="replace").splitlines():
        if kind == "hrs" and (h := _HRS_ROW.match(line)):
            par, inst, ms = (int(g) for g in h.groups())
            out[f"{prefix}{par}_{inst}"] = Bound(ms, 0, False)
        elif kind == "lb" and (b := _LB_ROW.match(line)):
            par, inst, ub, lb = (int(g) for g in b.groups()[:4])
            out[f"{prefix}{par}_{inst}"] = Bound(ub, lb, lb >= ub)
    return out


def merge_bounds(old: Bound | None, new: Bound) -> Bound:
    """Two tables' figures for one instance: the shorter best known, the higher lower bound."""
    if old is None:
        return new
    best = min(old.best_known, new.best_known)
    low = max(old.lower_bound, new.lower_bound)
    return Bound(best, low, low >= best or (old.proven_optimal and new.proven_optimal))
