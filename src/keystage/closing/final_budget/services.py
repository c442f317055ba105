"""Writing the final budget: the project manager's explanations and release note (versioned),
and the reconciliation that records every figure as it is (journaled, numbered)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.closing.final_budget.figures import fingerprint
from keystage.closing.final_budget.selectors import final_budget_of
from keystage.closing.models import BudgetReconciliation, FinalBudget
from keystage.core.audit import audit_record
from keystage.core.errors import Conflict, InvalidInput
from keystage.core.models import AuditAction
from keystage.core.versioning import versioned_update
from keystage.portfolio.access import access_project
from keystage.portfolio.lifecycle import Stage
from keystage.portfolio.models import Project

MAX_EXPLANATION = 2000
MAX_NOTE = 2000


def require_closing(project: Project, what: str) -> None:
    """The final budget and report belong to the Closing stage."""
    if project.stage != Stage.CLOSING:
        raise InvalidInput(
            {
                "non_field_errors": [
                    f"{project.code} is in {Stage(project.stage).label}; {what} in Closing."
                ]
            }
        )


def _clean_explanations(raw: Any, keys: set[str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise InvalidInput({"explanations": ["Give an object: category key → explanation."]})
    errors: list[str] = []
    clean: dict[str, str] = {}
    for key, text in raw.items():
        if key not in keys:
            errors.append(f"'{str(key)[:40]}' is not a category of this budget.")
        elif not isinstance(text, str):
            errors.append(f"The explanation of '{key}' must be text.")
        elif len(text) > MAX_EXPLANATION:
            errors.append(
                f"The explanation of '{key}' is longer than {MAX_EXPLANATION} characters."
            )
        elif text.strip():
            clean[key] = text.strip()
    if errors:
        raise InvalidInput({"explanations": errors})
    return clean


@transaction.atomic
def final_budget_update(
    *, who: User, project_id: Any, version: int, data: dict[str, Any]
) -> FinalBudget:
    """Save the explanations (merged per category: an empty text removes one) and the
    release note, if the caller saw the current version (409 otherwise). PM only."""
    project = access_project(who=who, project_id=project_id, perm=Perm.EDIT)
    require_closing(project, "the final budget is explained")
    Project.objects.select_for_update().filter(pk=project.pk).first()
    view = final_budget_of(project)
    keys = {c["key"] for c in view.figures["categories"]}
    unknown = set(data) - {"explanations", "release_note"}
    if unknown:
        raise InvalidInput({name: ["Not a field of the final budget."] for name in sorted(unknown)})
    changes: dict[str, Any] = {}
    if "explanations" in data:
        given = _clean_explanations(data["explanations"], keys)
        merged = dict(view.explanations)
        for key in data["explanations"]:
            merged.pop(key, None)
        merged.update(given)
        changes["explanations"] = merged
    if "release_note" in data:
        note = data["release_note"]
        if not isinstance(note, str):
            raise InvalidInput({"release_note": ["Give text."]})
        if len(note) > MAX_NOTE:
            raise InvalidInput({"release_note": [f"At most {MAX_NOTE} characters."]})
        changes["release_note"] = note.strip()
    stored, created = FinalBudget.objects.get_or_create(project=project)
    if created:
        audit_record(
            who=who,
            obj=stored,
            action=AuditAction.CREATE,
            project=project,
            changes={},
            summary="Started the final budget",
        )
    return versioned_update(
        who=who,
        instance=stored,
        expected_version=version,
        changes=changes,
        project=project,
        summary="Explained the final budget",
    )


@transaction.atomic
def final_budget_reconcile(*, who: User, project_id: Any, version: int) -> BudgetReconciliation:
    """Record the reconciliation: the figures and explanations as they are now, with who and
    when. Refused while time is unapproved or purchases are not invoiced (named), while a
    variance has no explanation, or when nothing changed since the last reconciliation."""
    project = access_project(who=who, project_id=project_id, perm=Perm.EDIT)
    require_closing(project, "the final budget is reconciled")
    Project.objects.select_for_update().filter(pk=project.pk).first()
    view = final_budget_of(project)
    if view.version != version:
        raise Conflict(current=FinalBudget.objects.filter(project=project).first())
    if view.pending:
        raise InvalidInput(
            {"non_field_errors": ["Not ready to reconcile — " + "; ".join(view.pending) + "."]}
        )
    unexplained = [
        c["label"]
        for c in view.figures["categories"]
        if c["key"] != "contingency"
        and c["variance"] not in ("0.00", "-0.00")
        and not view.explanations.get(c["key"])
    ]
    if unexplained:
        raise InvalidInput(
            {"explanations": ["Explain the variance of: " + ", ".join(unexplained) + "."]}
        )
    if view.current and view.latest is not None:
        raise InvalidInput(
            {
                "non_field_errors": [
                    f"Reconciliation {view.latest.number} already records these figures; "
                    "nothing has changed since."
                ]
            }
        )
    last = BudgetReconciliation.objects.filter(project=project).aggregate(m=Max("number"))["m"]
    number = (last or 0) + 1
    figures = {
        **view.figures,
        "explanations": view.explanations,
        "release_note": view.release_note,
    }
    record = BudgetReconciliation(
        project=project,
        number=number,
        reconciled_by=who,
        reconciled_by_label=who.display_name,
        figures=figures,
        fingerprint=fingerprint(view.figures, view.explanations, view.release_note),
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise Conflict(
            current=None, message="Someone reconciled the budget at the same moment; reload."
        ) from None
    audit_record(
        who=who,
        obj=record,
        action=AuditAction.CREATE,
        project=project,
        changes={
            "number": [None, number],
            "actual_cost": [None, view.figures["actual_cost"]],
            "cost_baseline": [None, view.figures["cost_baseline"]],
        },
        summary=f"Reconciled the final budget ({number})",
    )
    return record
