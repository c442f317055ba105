"""Writes to the initiation records. Keyword-only, the acting user as ``who=``; every change
is validated as field errors, version-checked (428 without, 409 when stale) and journaled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.errors import Forbidden, InvalidInput
from keystage.initiation import attachments, engine
from keystage.initiation.models import (
    FEASIBILITY_DIMENSIONS,
    BusinessCase,
    CashFlowLine,
    FeasibilityStudy,
    Proposal,
    Recurrence,
    ResearchNote,
    Stakeholder,
)
from keystage.portfolio.access import (
    project_perms,
    require_open,
    require_own_contribution,
    require_perm,
)
from keystage.portfolio.models import Project

PROPOSAL_FIELDS = (
    "objective",
    "problem",
    "options",
    "requested_by",
    "estimated_budget",
    "estimated_duration_days",
)
CASE_FIELDS = (
    "discount_rate",
    "horizon",
    "finance_rate",
    "reinvest_rate",
    "rate_low",
    "rate_high",
    "correlation",
    "simulation_runs",
)
LINE_FIELDS = (
    "name",
    "kind",
    "recurrence",
    "period_start",
    "period_end",
    "amount_low",
    "amount_likely",
    "amount_high",
)
NOTE_FIELDS = ("title", "body", "link")
FEASIBILITY_FIELDS = (
    *(f"{d}_{part}" for d, _ in FEASIBILITY_DIMENSIONS for part in ("score", "findings")),
    "recommendation",
    "conditions",
)
STAKEHOLDER_FIELDS = (
    "name",
    "role",
    "organisation",
    "influence",
    "interest",
    "expectations",
    "strategy",
    "is_key",
)


# ------------------------------------------------------------------ proposal


@transaction.atomic
def proposal_save(
    *, who: User, project: Project, version: int | None, data: dict[str, Any]
) -> Proposal:
    """Write the proposal, or edit it at ``version`` once it exists."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    return records.save_singleton(
        Proposal,
        who=who,
        project=project,
        version=version,
        data=data,
        fields=PROPOSAL_FIELDS,
        label="project proposal",
    )


# ------------------------------------------------------------- business case


def _check_lines_fit(case: BusinessCase, lines: list[CashFlowLine], field: str) -> None:
    for line in lines:
        last = line.period_end if line.period_end is not None else line.period_start
        if last > case.horizon:
            raise InvalidInput(
                {
                    field: f"'{line.name}' runs to period {last}, after the horizon "
                    f"of {case.horizon} periods."
                }
            )
    engine.check_case(case, lines)


def _case_rules(case: BusinessCase) -> dict[str, str]:
    """The simulated discount rate's range holds the rate itself: low ≤ rate ≤ high."""
    low, high, rate = case.rate_low, case.rate_high, case.discount_rate
    if (low is None) != (high is None):
        field = "rate_high" if high is None else "rate_low"
        return {field: "Give both ends of the discount rate's range, or neither."}
    if low is not None and high is not None and rate is not None:
        if Decimal(low) > Decimal(rate):
            return {"rate_low": f"At most the discount rate ({rate} %)."}
        if Decimal(high) < Decimal(rate):
            return {"rate_high": f"At least the discount rate ({rate} %)."}
    return {}


@transaction.atomic
def business_case_save(
    *, who: User, project: Project, version: int | None, data: dict[str, Any]
) -> BusinessCase:
    """Set the discount rate (percent per period) and the horizon (periods), and the
    investment-risk settings: MIRR's finance and reinvestment rates, the simulated
    discount rate's range, the correlation between lines and the number of runs."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    data = records.editable(data, CASE_FIELDS)
    existing = BusinessCase.objects.filter(project=project).first()
    candidate = BusinessCase(project=project)
    for field in CASE_FIELDS:
        setattr(candidate, field, data.get(field, getattr(existing or candidate, field)))
    # The horizon sizes every cash-flow array: its range (1–50) is checked before
    # any allocation and before the version, so a huge value costs nothing.
    records.clean(candidate, exclude=["project"], rules=_case_rules)
    if existing is not None and data.get("horizon") is not None:
        _check_lines_fit(candidate, list(existing.lines.all()), "horizon")
    return records.save_singleton(
        BusinessCase,
        who=who,
        project=project,
        version=version,
        data=data,
        fields=CASE_FIELDS,
        label="business case",
    )


def _check_line(case: BusinessCase, line: CashFlowLine) -> None:
    """Cross-field rules of a line, as field errors, before the database sees it."""
    records.clean(line, exclude=["case"])
    errors: dict[str, str] = {}
    if line.recurrence == Recurrence.ONE_OFF:
        if line.period_end not in (None, line.period_start):
            errors["period_end"] = "Only a recurring line has an end period."
        line.period_end = None
    elif line.period_end is not None and line.period_end < line.period_start:
        errors["period_end"] = (
            f"Must not be before the start period ({line.period_end} < {line.period_start})."
        )
    if line.amount_low > line.amount_likely:
        errors["amount_low"] = "Low must not exceed likely (low ≤ likely ≤ high)."
    if line.amount_likely > line.amount_high:
        errors["amount_high"] = "High must not be below likely (low ≤ likely ≤ high)."
    if line.period_start > case.horizon:
        errors["period_start"] = f"After the horizon of {case.horizon} periods."
    elif line.period_end is not None and line.period_end > case.horizon:
        errors["period_end"] = f"After the horizon of {case.horizon} periods."
    if errors:
        raise InvalidInput(errors)
    others = list(case.lines.exclude(pk=line.pk)) if line.pk else list(case.lines.all())
    engine.check_case(case, [*others, line])


@transaction.atomic
def line_create(*, who: User, project: Project, data: dict[str, Any]) -> CashFlowLine:
    """Add a cost or benefit line to the project's business case."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    case = BusinessCase.objects.filter(project=project).first()
    if case is None:
        raise InvalidInput(
            {"non_field_errors": "Set the business case's discount rate and horizon first."}
        )
    line = CashFlowLine(case=case, **records.editable(data, LINE_FIELDS))
    _check_line(case, line)
    return records.create(
        who=who,
        instance=line,
        project=project,
        fields=LINE_FIELDS,
        summary=f"Added {line.get_kind_display().lower()} '{line.name}' to the business case",
    )


@transaction.atomic
def line_update(
    *, who: User, line: CashFlowLine, version: int, changes: dict[str, Any]
) -> CashFlowLine:
    """Edit a cash-flow line at ``version``."""
    project = line.case.project
    require_perm(who=who, project=project, perm=Perm.EDIT)
    changes = records.editable(changes, LINE_FIELDS)
    candidate = records.with_changes(line, changes)
    _check_line(line.case, candidate)
    if candidate.recurrence == Recurrence.ONE_OFF:
        changes["period_end"] = None
    return records.update(
        who=who,
        instance=line,
        version=version,
        changes=changes,
        project=project,
        summary=f"Edited business-case line '{candidate.name}'",
        candidate=candidate,
    )


@transaction.atomic
def line_delete(*, who: User, line: CashFlowLine, version: int) -> None:
    """Remove a cash-flow line (the journal keeps it)."""
    project = line.case.project
    require_perm(who=who, project=project, perm=Perm.EDIT)
    records.delete(
        who=who,
        instance=line,
        version=version,
        project=project,
        fields=LINE_FIELDS,
        summary=f"Removed business-case line '{line.name}'",
    )


# ------------------------------------------------------------ research notes


@transaction.atomic
def note_create(*, who: User, project: Project, data: dict[str, Any]) -> ResearchNote:
    """Add a research note (team members may contribute)."""
    require_perm(who=who, project=project, perm=Perm.CONTRIBUTE)
    note = ResearchNote(project=project, author=who, **records.editable(data, NOTE_FIELDS))
    return records.create(
        who=who,
        instance=note,
        project=project,
        fields=NOTE_FIELDS,
        summary=f"Added research note '{note.title}'",
    )


@transaction.atomic
def note_update(
    *, who: User, note: ResearchNote, version: int, changes: dict[str, Any]
) -> ResearchNote:
    """Edit a research note at ``version`` (its author, or the project manager)."""
    require_own_contribution(
        who=who, project=note.project, owner_id=note.author_id, noun="research note"
    )
    return records.update(
        who=who,
        instance=note,
        version=version,
        changes=records.editable(changes, NOTE_FIELDS),
        project=note.project,
        summary=f"Edited research note '{note.title}'",
    )


@transaction.atomic
def note_delete(*, who: User, note: ResearchNote, version: int) -> None:
    """Remove a research note and its attachments (its author, or the project manager)."""
    require_own_contribution(
        who=who, project=note.project, owner_id=note.author_id, noun="research note"
    )
    attachments.remove_with_note(who=who, note=note)
    records.delete(
        who=who,
        instance=note,
        version=version,
        project=note.project,
        fields=NOTE_FIELDS,
        summary=f"Removed research note '{note.title}'",
    )


# ----------------------------------------------------------------- feasibility


@transaction.atomic
def feasibility_save(
    *, who: User, project: Project, version: int | None, data: dict[str, Any]
) -> FeasibilityStudy:
    """Write the feasibility study, or edit it at ``version``."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    return records.save_singleton(
        FeasibilityStudy,
        who=who,
        project=project,
        version=version,
        data=data,
        fields=FEASIBILITY_FIELDS,
        label="feasibility study",
    )


# ---------------------------------------------------------------- stakeholders


@transaction.atomic
def stakeholder_create(*, who: User, project: Project, data: dict[str, Any]) -> Stakeholder:
    """Add a stakeholder to the register."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    stakeholder = Stakeholder(project=project, **records.editable(data, STAKEHOLDER_FIELDS))
    return records.create(
        who=who,
        instance=stakeholder,
        project=project,
        fields=STAKEHOLDER_FIELDS,
        summary=f"Added stakeholder {stakeholder.name}",
    )


@transaction.atomic
def stakeholder_update(
    *, who: User, stakeholder: Stakeholder, version: int, changes: dict[str, Any]
) -> Stakeholder:
    """Edit a stakeholder entry at ``version``."""
    require_perm(who=who, project=stakeholder.project, perm=Perm.EDIT)
    return records.update(
        who=who,
        instance=stakeholder,
        version=version,
        changes=records.editable(changes, STAKEHOLDER_FIELDS),
        project=stakeholder.project,
        summary=f"Edited stakeholder {stakeholder.name}",
    )


@transaction.atomic
def stakeholder_delete(*, who: User, stakeholder: Stakeholder, version: int) -> None:
    """Remove a stakeholder from the register."""
    require_perm(who=who, project=stakeholder.project, perm=Perm.EDIT)
    records.delete(
        who=who,
        instance=stakeholder,
        version=version,
        project=stakeholder.project,
        fields=STAKEHOLDER_FIELDS,
        summary=f"Removed stakeholder {stakeholder.name}",
    )


@transaction.atomic
def stakeholder_sign_off(
    *,
    who: User,
    stakeholder: Stakeholder,
    version: int,
    comment: str = "",
    date: dt.date | None = None,
) -> Stakeholder:
    """Record the stakeholder's due-diligence sign-off, signed by ``who`` (PM or sponsor)."""
    require_open(stakeholder.project)
    perms = project_perms(who, stakeholder.project)
    if Perm.EDIT not in perms and Perm.DECIDE_GATE not in perms:
        raise Forbidden("Only the project manager or the sponsor records a sign-off.")
    day = date or timezone.localdate()
    if day > timezone.localdate():
        raise InvalidInput({"date": "A sign-off cannot be dated in the future."})
    return records.update(
        who=who,
        instance=stakeholder,
        version=version,
        changes={
            "signed_off_by": who,
            "signed_off_date": day,
            "sign_off_comment": (comment or "").strip(),
        },
        project=stakeholder.project,
        summary=f"Recorded the sign-off of {stakeholder.name}",
    )
