"""Patterson (.rcp) instances: read as PSPLIB reads the same project, wrapped lines and all."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystage.engine.rcpsp.cpsat.solve import Status, optimise
from keystage.engine.rcpsp.errors import ProblemDefinitionError
from keystage.engine.rcpsp.problem import Problem
from keystage.engine.rcpsp.psplib_io import read_instance, read_psplib

# Five activities, one resource of 2; activity 3's successor list wraps onto the next line,
# as in many published files. 2 and 3 cannot overlap (1 + 2 > 2): the optimum is 3 + 2 + 4.
SMALL = """\
5 1
2
0 0 2 2 3
3 1 1 4
2 2 1
4
4 1 1 5
0 0 0
"""


def _as_patterson(p: Problem) -> str:
    """``p`` in the Patterson format, every successor on a line of its own."""
    res = [r.id for r in p.renewables]
    index = {a.id: k + 1 for k, a in enumerate(p.activities)}
    succs: dict[str, list[int]] = {a.id: [] for a in p.activities}
    for link in p.links:
        succs[link.pred].append(index[link.succ])
    lines = [f"{len(p.activities)} {len(res)}", " ".join(str(r.capacity) for r in p.renewables)]
    for a in p.activities:
        (mode,) = p.modes[a.id]
        lines.append(" ".join(str(x) for x in (mode.duration, *map(mode.demand, res))))
        lines.append(str(len(succs[a.id])))
        lines.extend(str(s) for s in succs[a.id])
    return "\n".join(lines) + "\n"


def test_a_patterson_file_is_the_same_project_as_its_psplib_file(
    psplib_dir: Path, tmp_path: Path
) -> None:
    sm = read_psplib(psplib_dir / "j30" / "j3013_1.sm")
    rcp = tmp_path / "j3013_1.rcp"
    rcp.write_text(_as_patterson(sm))
    got = read_instance(rcp)
    assert got.name == "j3013_1"
    assert [a.id for a in got.activities] == [a.id for a in sm.activities]
    assert {(lk.pred, lk.succ) for lk in got.links} == {(lk.pred, lk.succ) for lk in sm.links}
    assert [(r.id, r.capacity) for r in got.renewables] == [
        (r.id, r.capacity) for r in sm.renewables
    ]
    assert all(
        (got.modes[a.id][0].duration, dict(got.modes[a.id][0].demands))
        == (sm.modes[a.id][0].duration, dict(sm.modes[a.id][0].demands))
        for a in sm.activities
    )


def test_wrapped_lines_are_read_and_the_optimum_found(tmp_path: Path) -> None:
    path = tmp_path / "small.rcp"
    path.write_text(SMALL)
    p = read_instance(path)
    assert [a.id for a in p.activities] == ["1", "2", "3", "4", "5"]
    assert {(lk.pred, lk.succ) for lk in p.links} == {
        ("1", "2"), ("1", "3"), ("2", "4"), ("3", "4"), ("4", "5"),
    }  # fmt: skip
    res = optimise(p, time_limit=2.0, num_workers=1)
    assert res.status is Status.OPTIMAL and res.makespan == 9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SMALL[: SMALL.index("4 1 1 5")], "ends early"),
        (SMALL.replace("4 1 1 5", "4 1 1 9"), "successor is not one of the activities"),
        (SMALL.replace("3 1 1 4", "3 x 1 4"), "not a readable Patterson file"),
        ("3 2\n2\n0 0 0 1 2\n3 1 1 1 3\n0 0 0 0\n", "activity 1 has demands for other than"),
        (SMALL.replace("3 1 1 4", "3000000000 1 1 4"), "activity 2, mode '1': duration"),
    ],
)
def test_a_broken_patterson_file_is_refused_by_name(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "broken.rcp"
    path.write_text(text)
    with pytest.raises(ProblemDefinitionError, match=message) as err:
        read_instance(path)
    assert "broken.rcp" in str(err.value)


def test_an_activity_that_follows_itself_is_a_named_cycle(tmp_path: Path) -> None:
    """Found by mutating real files: a self-successor was a CPM error, not the engine's."""
    from keystage.engine.rcpsp.errors import PrecedenceCycleError

    path = tmp_path / "loop.rcp"
    path.write_text(SMALL.replace("3 1 1 4", "3 1 1 2"))
    with pytest.raises(PrecedenceCycleError, match="2 -> 2"):
        read_instance(path)
