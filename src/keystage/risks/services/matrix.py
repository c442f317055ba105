"""The organisation's probability × impact matrix: every member reads it, administrators and
portfolio owners (the PMO) change it with the version they read (428 without, 409 when
stale); each change is journaled. Like the KPI thresholds (``control.kpis.thresholds``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from keystage.accounts.access import signed_in
from keystage.accounts.models import Organisation
from keystage.accounts.organisation import organisation_of
from keystage.core.audit import audit_record, diff_fields
from keystage.core.errors import Conflict, Forbidden, InvalidInput, VersionRequired
from keystage.core.models import AuditAction
from keystage.risks.matrix import (
    DEFAULT_MATRIX,
    DEFAULT_RULES,
    Matrix,
    MatrixError,
    matrix_from_rules,
)
from keystage.risks.models import RiskMatrixSet


def matrix_of(organisation_id: int | None) -> Matrix:
    """The organisation's matrix (the default without an organisation or a stored one)."""
    stored = (
        RiskMatrixSet.objects.filter(organisation_id=organisation_id).first()
        if organisation_id is not None
        else None
    )
    try:
        return matrix_from_rules(stored.rules if stored else None)
    except MatrixError:
        return DEFAULT_MATRIX  # the stored rules were checked on the way in


@dataclass(frozen=True, slots=True)
class MatrixSheet:
    """The organisation's matrix with the version to edit it at."""

    version: int | None
    matrix: Matrix
    can_edit: bool

    @property
    def is_default(self) -> bool:
        """Whether the organisation keeps the default matrix."""
        return self.matrix == DEFAULT_MATRIX


def may_edit_matrix(who: Any) -> bool:
    """Administrators and portfolio owners set the organisation's matrix."""
    user = signed_in(who)
    return bool(user is not None and user.is_portfolio_owner)


def matrix_sheet(*, who: Any) -> MatrixSheet:
    """The signed-in member's organisation's matrix (404 without an organisation)."""
    organisation = organisation_of(who)
    stored = RiskMatrixSet.objects.filter(organisation=organisation).first()
    return MatrixSheet(
        stored.version if stored else None, matrix_of(organisation.pk), may_edit_matrix(who)
    )


@transaction.atomic
def matrix_save(*, who: Any, version: int | None, rules: Any) -> MatrixSheet:
    """Replace the organisation's matrix with ``rules`` (a key left out keeps, or returns
    to, its default). The first save needs no version."""
    if not may_edit_matrix(who):
        raise Forbidden("Only administrators and portfolio owners set the risk matrix.")
    try:
        matrix = matrix_from_rules(rules)
    except MatrixError as exc:
        raise InvalidInput(exc.errors) from None
    organisation = Organisation.objects.select_for_update().get(pk=organisation_of(who).pk)
    clean = {k: v for k, v in matrix.rules().items() if v != DEFAULT_RULES[k]}
    stored = RiskMatrixSet.objects.filter(organisation=organisation).first()
    if stored is not None and version is None:
        raise VersionRequired()
    if stored is not None and stored.version != version:
        raise Conflict(current=stored)
    before = stored.rules if stored else {}
    if stored is None:
        stored = RiskMatrixSet.objects.create(organisation=organisation, rules=clean)
        action = AuditAction.CREATE
    else:
        if before == clean:
            return matrix_sheet(who=who)
        stored.rules = clean
        stored.version += 1
        stored.save(update_fields=["rules", "version", "updated_at"])
        action = AuditAction.UPDATE
    audit_record(
        who=signed_in(who),
        obj=stored,
        action=action,
        changes=diff_fields({"rules": before}, {"rules": clean}),
        summary=f"Changed the risk matrix of {organisation.name}",
    )
    return matrix_sheet(who=who)
