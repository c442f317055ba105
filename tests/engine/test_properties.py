"""Property tests on random networks (hypothesis drives the seeds and sizes)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from keystage.engine.compiler import FROM_FINISH, TO_FINISH, compile_project
from keystage.engine.cpm import cpm_positions, schedule
from keystage.engine.network import Link, LinkType, Project
from tests.engine.netgen import positions, random_project

SETTINGS = settings(max_examples=150, deadline=None)
seeds = st.integers(0, 2**32 - 1)
sizes = st.integers(2, 60)

OPPOSITE = {LinkType.FS: LinkType.FS, LinkType.SS: LinkType.FF, LinkType.FF: LinkType.SS,
            LinkType.SF: LinkType.SF}  # fmt: skip


def unconstrained(seed: int, n: int) -> Project:
    return random_project(np.random.default_rng(seed), n, constraints=False)


@SETTINGS
@given(seeds, sizes)
def test_every_link_is_respected(seed: int, n: int) -> None:
    project = unconstrained(seed, n)
    pos = positions(project, schedule(project))
    for link in project.links:
        p_es, p_ef = pos[link.pred][:2]
        s_es, s_ef = pos[link.succ][:2]
        before = p_ef if FROM_FINISH[link.type] else p_es
        after = s_ef if TO_FINISH[link.type] else s_es
        assert after >= before + link.lag, link


@SETTINGS
@given(seeds, sizes)
def test_floats_are_never_negative_without_constraints(seed: int, n: int) -> None:
    result = schedule(unconstrained(seed, n))
    for act in result.activities:
        assert act.total_float >= 0
        assert 0 <= act.free_float <= act.total_float
        assert act.critical == (act.total_float == 0)


@SETTINGS
@given(seeds, sizes)
def test_a_critical_path_runs_from_start_to_finish(seed: int, n: int) -> None:
    project = unconstrained(seed, n)
    result = schedule(project)
    path = [result[a] for a in result.longest_path]
    assert path, "the longest path is never empty"
    assert all(a.total_float == 0 for a in path)
    assert any(a.early_finish == result.finish for a in path)
    assert any(not a.driver.startswith("link") for a in path)  # where the chain begins
    on_path = set(result.longest_path)
    for act in path:  # every path activity except the first is driven by another one
        if act.driver.startswith("link"):
            assert act.driver.split()[1].split("→")[0] in on_path


@SETTINGS
@given(seeds, sizes)
def test_forward_on_reversed_network_is_the_backward_pass(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    base = random_project(rng, n, constraints=False)
    types = [LinkType.FS, LinkType.SS, LinkType.FF]
    links = tuple(Link(k.pred, k.succ, types[i % 3], abs(k.lag)) for i, k in enumerate(base.links))
    project = Project(base.start, base.activities, links, base.calendars, base.calendar)
    reverse = Project(
        base.start,
        base.activities,
        tuple(Link(k.succ, k.pred, OPPOSITE[k.type], k.lag) for k in links),
        base.calendars,
        base.calendar,
    )
    c, r = compile_project(project), compile_project(reverse)
    fwd, rev = cpm_positions(c), cpm_positions(r)
    n_act = c.n
    assert fwd.finish - c.start_pos == rev.finish - r.start_pos
    assert np.array_equal(rev.es[:n_act] - r.start_pos, fwd.finish - fwd.lf[:n_act])
    assert np.array_equal(rev.total_float[:n_act], fwd.total_float[:n_act])


@SETTINGS
@given(seeds, sizes)
def test_scalar_path_agrees_with_vectorised_path(seed: int, n: int) -> None:
    from keystage.engine.mixed import mixed_timing
    from keystage.engine.rollup import assemble

    project = random_project(np.random.default_rng(seed), n)
    fast = schedule(project)
    scalar = assemble(project, mixed_timing(project), None)
    assert fast == scalar
