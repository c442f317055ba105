"""Plans in the formats MPXJ reads (opt-in: ``pytest -m mpxj``): what each keeps, and how
many scheduled dates equal the ones MS Project's rules gave in the file; zip bombs and a
missing MPXJ are refused with a clear message."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from keystage.engine.cpm import schedule
from keystage.engine.mspdi_read import PlanReadError
from keystage.interop import mpxj_convert
from keystage.interop.readers import read_plan, read_plan_with_dates

FIXTURES = Path(__file__).parents[1] / "fixtures" / "plans"


def _kept(name: str) -> tuple[tuple[int, ...], float]:
    document, dates = read_plan_with_dates((FIXTURES / name).read_bytes(), name)
    plan = document.plan
    result = schedule(plan)
    leaves = [a for a in plan.activities if a.id in dates and a.kind.value != "summary"]
    same = sum((result[a.id].start, result[a.id].finish) == dates[a.id] for a in leaves)
    counts = (
        len(plan.activities), len(plan.links), len(plan.calendars), len(document.resources),
        len(document.assignments),
    )  # fmt: skip
    return counts, 100 * same / max(len(leaves), 1)


@pytest.mark.parametrize(
    ("name", "least"),
    [
        ("sched40.xml", 90),
        *(
            pytest.param(name, least, marks=pytest.mark.mpxj)
            for name, least in (("sched40.pmxml", 90), ("sched40.mpx", 0), ("sched40.xer", 0))
        ),
    ],
)
def test_every_format_keeps_tasks_links_and_calendars(name, least):
    if not name.endswith(".xml") and not mpxj_convert.available():
        pytest.skip("needs Java and mpxj")
    counts, equal = _kept(name)
    print(
        f"{name}: tasks/links/calendars/resources/assignments {counts}, dates equal {equal:.1f} %"
    )
    assert counts[:3] == (40, 49, 1)
    assert equal >= least


@pytest.mark.mpxj
@pytest.mark.skipif(not mpxj_convert.available(), reason="needs Java and mpxj")
def test_the_awkward_plan_survives_mpx_and_xer():
    for name in ("awkward.mpx", "awkward.xer"):
        document = read_plan((FIXTURES / name).read_bytes(), name)
        assert len(document.plan.activities) == 6, name
        assert {a.name for a in document.plan.activities} >= {"Design", "Build", "Go-live"}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bombs_are_refused_before_mpxj_opens_them():
    bomb = _zip({"plan.xml": b"\0" * (20 * 2**20)})  # 20 MB of zeros: ~1000 to 1
    with pytest.raises(PlanReadError, match="compressed more than"):
        mpxj_convert.check_container(bomb)
    many = _zip({f"f{i}.txt": b"x" for i in range(mpxj_convert.MAX_MEMBERS + 1)})
    with pytest.raises(PlanReadError, match="more than 1000 files"):
        mpxj_convert.check_container(many)
    mpxj_convert.check_container(_zip({"plan.xml": b"<Project/>"}))  # a small zip is fine


def test_xml_for_mpxj_with_a_dtd_is_refused():
    with pytest.raises(PlanReadError, match="document type"):
        mpxj_convert.check_container(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')


def test_without_mpxj_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setattr(mpxj_convert.shutil, "which", lambda _: None)
    with pytest.raises(mpxj_convert.MpxjUnavailable, match=r"keystage\[mpxj\].*Java 17"):
        read_plan(b"MPX,Microsoft Project for Windows,4.0,ANSI", "plan.mpx")
