"""The project's quality in one read: the plan, acceptance, test runs and defects.

:func:`quality_summary` serves the Quality tab, the KPIs, the Closing gate and — for the
final report and the support handover — anything that needs the figures without the
pages: defects by severity and status, the open defects, the test pass rate, and each
deliverable's acceptance (decision, signer, day, conditions, criteria met) from its latest
sign-off. It takes a project the caller may already see (no permission check here).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch

from keystage.core.memo import memoized
from keystage.planning.models import Deliverable
from keystage.portfolio.models import Project
from keystage.quality.models import Criterion, Defect, DefectStatus, Severity, SignOff, TestRun
from keystage.quality.models.defects import OPEN_STATUSES
from keystage.quality.models.sign_offs import ACCEPTING


@dataclass(frozen=True, slots=True)
class CriterionRow:
    """One criterion of the plan and its verdict in the latest sign-off (None: not judged)."""

    id: str
    text: str
    method: str
    method_label: str
    responsible: str
    planned_date: dt.date | None
    met: bool | None


@dataclass(frozen=True, slots=True)
class Acceptance:
    """A deliverable and where its acceptance stands (from its latest sign-off)."""

    id: str
    name: str
    due_date: dt.date | None
    status: str
    status_label: str
    decision: str
    decision_label: str
    signed_by: str
    signed_on: dt.date | None
    conditions: str
    comment: str
    criteria: tuple[CriterionRow, ...]
    sign_offs: int
    runs: int
    pass_rate: float | None

    @property
    def accepted(self) -> bool:
        """Accepted, with or without conditions."""
        return self.decision in ACCEPTING

    @property
    def criteria_met(self) -> int:
        """Criteria the latest sign-off found met."""
        return sum(1 for c in self.criteria if c.met)


@dataclass(frozen=True, slots=True)
class OpenDefect:
    """A defect that still needs work."""

    id: str
    key: str
    title: str
    severity: str
    status: str
    deliverable: str
    owner: str
    due_date: dt.date | None


@dataclass(frozen=True, slots=True)
class QualitySummary:
    """The project's quality figures (see the module docstring)."""

    deliverables: tuple[Acceptance, ...]
    #: severity → status → count, every severity and status present (zeros included).
    defects: dict[str, dict[str, int]]
    open_defects: tuple[OpenDefect, ...]
    #: Passed ÷ run over each deliverable's latest test run, in % (None: nothing run).
    pass_rate: float | None
    cases_run: int
    cases_passed: int
    test_runs: int
    criteria_planned: int
    criteria_total: int

    @property
    def accepted(self) -> int:
        """Deliverables accepted (with or without conditions)."""
        return sum(1 for d in self.deliverables if d.accepted)

    @property
    def open_by_severity(self) -> dict[str, int]:
        """Open defects per severity, worst first."""
        return {
            s: sum(n for st, n in self.defects[s].items() if st in OPEN_STATUSES)
            for s in Severity.values
        }

    @property
    def critical_open(self) -> int:
        """Critical defects still open."""
        return self.open_by_severity[Severity.CRITICAL]


def _name(user: object | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username  # type: ignore[attr-defined]


def latest_runs(project: Project) -> dict[int, TestRun]:
    """Each deliverable's latest test run (a retest supersedes the run before it)."""
    found: dict[int, TestRun] = {}
    for run in TestRun.objects.filter(project=project).order_by("run_on", "id"):
        found[run.deliverable_id] = run
    return found


def quality_summary(*, project: Project) -> QualitySummary:
    """The quality figures of ``project`` (a handful of queries, whatever its size).

    Computed once per read scope (``keystage.core.memo``): the final report, the gate
    checklist and the Closing pages open one, so their several sections share one summary.
    """
    return memoized(("quality_summary", project.pk), lambda: _compute_summary(project))


def _compute_summary(project: Project) -> QualitySummary:
    latest = {
        s.deliverable_id: s
        for s in SignOff.objects.filter(project=project, superseded_by__isnull=True)
        .prefetch_related("results")
        .order_by("created_at", "id")
    }
    counts = Counter(
        SignOff.objects.filter(project=project).values_list("deliverable_id", flat=True)
    )
    runs = latest_runs(project)
    run_counts = Counter(
        TestRun.objects.filter(project=project).values_list("deliverable_id", flat=True)
    )
    deliverables = Deliverable.objects.filter(project=project).prefetch_related(
        Prefetch(
            "quality_criteria",
            queryset=Criterion.objects.select_related("responsible").order_by("order", "id"),
        )
    )
    rows = []
    planned = total = 0
    for d in deliverables:
        sign_off = latest.get(d.pk)
        verdicts = {r.criterion_id: r.met for r in sign_off.results.all()} if sign_off else {}
        criteria = tuple(
            CriterionRow(
                id=str(c.public_id),
                text=c.text,
                method=c.method,
                method_label=c.get_method_display(),
                responsible=_name(c.responsible),
                planned_date=c.planned_date,
                met=verdicts.get(c.pk),
            )
            for c in d.quality_criteria.all()
        )
        total += len(criteria)
        planned += sum(1 for c in criteria if c.responsible and c.planned_date)
        run = runs.get(d.pk)
        rows.append(
            Acceptance(
                id=str(d.public_id),
                name=d.name,
                due_date=d.due_date,
                status=d.status,
                status_label=d.get_status_display(),
                decision=sign_off.decision if sign_off else "",
                decision_label=sign_off.get_decision_display() if sign_off else "Not signed off",
                signed_by=sign_off.signed_by if sign_off else "",
                signed_on=sign_off.signed_on if sign_off else None,
                conditions=sign_off.conditions if sign_off else "",
                comment=sign_off.comment if sign_off else "",
                criteria=criteria,
                sign_offs=counts.get(d.pk, 0),
                runs=run_counts.get(d.pk, 0),
                pass_rate=run.pass_rate if run else None,
            )
        )
    grid = {s: dict.fromkeys(DefectStatus.values, 0) for s in Severity.values}
    defects = Defect.objects.filter(project=project).select_related("deliverable", "owner")
    open_rows = []
    for defect in defects:
        grid[defect.severity][defect.status] += 1
        if defect.is_open:
            open_rows.append(
                OpenDefect(
                    id=str(defect.public_id),
                    key=defect.key,
                    title=defect.title,
                    severity=defect.severity,
                    status=defect.status,
                    deliverable=defect.deliverable.name if defect.deliverable else "",
                    owner=_name(defect.owner),
                    due_date=defect.due_date,
                )
            )
    worst = {s: i for i, s in enumerate(Severity.values)}
    open_rows.sort(key=lambda r: (worst[r.severity], r.due_date or dt.date.max, r.key))
    run_total = sum(r.cases_run for r in runs.values())
    passed = sum(r.passed for r in runs.values())
    return QualitySummary(
        deliverables=tuple(rows),
        defects=grid,
        open_defects=tuple(open_rows),
        pass_rate=passed / run_total * 100 if run_total else None,
        cases_run=run_total,
        cases_passed=passed,
        test_runs=sum(run_counts.values()),
        criteria_planned=planned,
        criteria_total=total,
    )
