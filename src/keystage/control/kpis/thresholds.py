"""The organisation's KPI thresholds: read by every member, changed by administrators and
portfolio owners (the PMO) with the version they read (428 without, 409 when stale);
each change is journaled, and the organisation's open projects are re-checked after it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from keystage.accounts.access import signed_in
from keystage.accounts.models import Organisation
from keystage.accounts.organisation import organisation_of
from keystage.control.kpis.catalogue import CATALOGUE, KpiSpec
from keystage.control.models import KpiThresholdSet
from keystage.core.audit import audit_record, diff_fields
from keystage.core.errors import Conflict, Forbidden, InvalidInput, VersionRequired
from keystage.core.models import AuditAction
from keystage.engine.kpi import DEFAULT_THRESHOLDS, ThresholdError, Thresholds, thresholds_from_dict


def thresholds_of(organisation_id: int | None) -> dict[str, Thresholds]:
    """The organisation's thresholds: its rules over the defaults (the defaults alone
    without an organisation or a stored set)."""
    stored = (
        KpiThresholdSet.objects.filter(organisation_id=organisation_id).first()
        if organisation_id is not None
        else None
    )
    try:
        return thresholds_from_dict(stored.rules if stored else None)
    except ThresholdError:
        return dict(DEFAULT_THRESHOLDS)  # the stored rules were checked on the way in


@dataclass(frozen=True, slots=True)
class ThresholdRow:
    """One KPI's boundaries as the page and the API show them."""

    spec: KpiSpec
    thresholds: Thresholds
    default: Thresholds

    @property
    def is_default(self) -> bool:
        """Whether the organisation keeps the default boundaries."""
        return self.thresholds == self.default


@dataclass(frozen=True, slots=True)
class ThresholdSheet:
    """All boundaries of the organisation, with the version to edit them at."""

    version: int | None
    rows: list[ThresholdRow]
    can_edit: bool


def may_edit_thresholds(who: Any) -> bool:
    """Administrators and portfolio owners set the organisation's thresholds."""
    user = signed_in(who)
    return bool(user is not None and user.is_portfolio_owner)


def threshold_sheet(*, who: Any) -> ThresholdSheet:
    """The signed-in member's organisation's thresholds (404 without an organisation)."""
    organisation = organisation_of(who)
    stored = KpiThresholdSet.objects.filter(organisation=organisation).first()
    current = thresholds_of(organisation.pk)
    rows = [
        ThresholdRow(spec, current[key], DEFAULT_THRESHOLDS[key]) for key, spec in CATALOGUE.items()
    ]
    return ThresholdSheet(stored.version if stored else None, rows, may_edit_thresholds(who))


def _clean(rules: Any) -> dict[str, dict[str, float]]:
    if not isinstance(rules, dict):
        raise InvalidInput({"thresholds": "Give an object: KPI key → {green, amber}."})
    errors: dict[str, str] = {}
    clean: dict[str, dict[str, float]] = {}
    for key, bounds in rules.items():
        try:
            merged = thresholds_from_dict({key: bounds})[key]
        except ThresholdError as exc:
            errors[str(key)] = exc.message
            continue
        if not isinstance(bounds, dict) or set(bounds) - {"green", "amber"}:
            errors[str(key)] = "Give green and amber only."
            continue
        if merged != DEFAULT_THRESHOLDS[key]:
            clean[key] = {"green": merged.green, "amber": merged.amber}
    if errors:
        raise InvalidInput(errors)
    return clean


@transaction.atomic
def thresholds_save(*, who: Any, version: int | None, rules: Any) -> ThresholdSheet:
    """Replace the organisation's thresholds with ``rules`` (``{key: {"green", "amber"}}``;
    a KPI left out keeps, or returns to, its default). The first save needs no version."""
    if not may_edit_thresholds(who):
        raise Forbidden("Only administrators and portfolio owners set the KPI thresholds.")
    user = signed_in(who)
    organisation = Organisation.objects.select_for_update().get(pk=organisation_of(who).pk)
    clean = {**_clean(rules)}
    stored = KpiThresholdSet.objects.filter(organisation=organisation).first()
    if stored is not None and version is None:
        raise VersionRequired()
    if stored is not None and stored.version != version:
        raise Conflict(current=stored)
    before = stored.rules if stored else {}
    if stored is None:
        stored = KpiThresholdSet.objects.create(organisation=organisation, rules=clean)
        action = AuditAction.CREATE
    else:
        if before == clean:
            return threshold_sheet(who=who)
        stored.rules = clean
        stored.version += 1
        stored.save(update_fields=["rules", "version", "updated_at"])
        action = AuditAction.UPDATE
    audit_record(
        who=user,
        obj=stored,
        action=action,
        changes=diff_fields({"rules": before}, {"rules": clean}),
        summary=f"Changed the KPI thresholds of {organisation.name}",
    )
    from keystage.control.kpis.alerts import check_organisation_after_commit

    check_organisation_after_commit(organisation.pk)
    return threshold_sheet(who=who)
