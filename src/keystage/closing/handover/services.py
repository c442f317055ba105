"""Handover services: the handover's details, its checklist, its files and the sign-off.

The project manager (*edit*) writes the details and the checklist; team members
(*contribute*) tick items and attach runbooks. Only the receiving support lead named on
the handover signs it off, once every checklist item is done; from then on the handover,
its checklist and its files are immutable (journaled like every change). Closed projects
refuse everything through the chokepoint.

The open defects handed over are quality's defect records (DEF-n): while the handover is
unsigned they are the project's open defects as they stand; the sign-off freezes them
(key, title, severity, status) into the handover, so it says what support took over.

Separation of duties: the receiving support lead is never a project manager of the
project nor the person who wrote the handover — whoever prepared the handover does not
also accept it. This holds in every organisation (there is no setting to waive it): an
organisation without a separate support function names another member, e.g. an
operations stakeholder, as the receiving lead.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone

from keystage.accounts.roles import Perm, ProjectRole
from keystage.closing.models import ClosingFile, FileTopic, Handover, HandoverItem
from keystage.closing.singleton import bad_links, save_singleton
from keystage.core.audit import audit_record
from keystage.core.errors import Forbidden, InvalidInput
from keystage.core.files import (
    check_upload,
    delete_file_after_commit,
    removal_changes,
    store_upload,
)
from keystage.core.models import AuditAction
from keystage.core.versioning import bump_version, versioned_update
from keystage.portfolio.access import require_open, require_perm
from keystage.portfolio.models import ProjectMembership
from keystage.portfolio.record_kit import RecordKit, RecordSpec
from keystage.quality.models import DefectStatus, Severity
from keystage.quality.selectors.summary import quality_summary

HANDOVER_FIELDS = (
    "support_lead",
    "support_team",
    "support_group",
    "support_contact",
    "support_model",
    "support_hours",
    "runbook_links",
    "notes",
)
MAX_FILES = 50


def handover_of(project: Any) -> Handover | None:
    """The project's handover, if written."""
    return (
        Handover.objects.filter(project=project).select_related("support_lead", "signed_by").first()
    )


def open_defects_of(project: Any) -> list[dict[str, Any]]:
    """The project's open defects from quality's register, worst first, as the handover shows
    and freezes them."""
    return [
        {
            "id": d.id,
            "key": d.key,
            "title": d.title,
            "severity": d.severity,
            "severity_label": str(Severity(d.severity).label),
            "status": d.status,
            "status_label": str(DefectStatus(d.status).label),
            "deliverable": d.deliverable,
            "owner": d.owner,
        }
        for d in quality_summary(project=project).open_defects
    ]


def handed_defects(handover: Handover | None, project: Any) -> list[dict[str, Any]]:
    """The defects the handover hands over: frozen once signed, else the live open ones."""
    if handover is not None and handover.signed:
        return list(handover.handed_defects or [])
    return open_defects_of(project)


def _is_project_manager(project_id: int, user_id: int) -> bool:
    return ProjectMembership.objects.filter(
        project_id=project_id, user_id=user_id, role=ProjectRole.PROJECT_MANAGER
    ).exists()


SAME_PERSON = (
    "The receiving support lead cannot be a project manager of the project or the person "
    "who prepared the handover: name someone from the support side."
)


def _signed_message(handover: Handover) -> str:
    who = (
        handover.signed_by.get_full_name() or handover.signed_by.username
        if handover.signed_by
        else ""
    )
    day = timezone.localtime(handover.signed_at).strftime("%d %b %Y") if handover.signed_at else ""
    return f"The handover was signed off by {who} on {day}; it can no longer change."


def _locked_handover(project: Any) -> Handover | None:
    # Every checklist, file and sign-off write queues on the handover row, so a sign-off
    # never passes beside an item being reopened or a file being added.
    return Handover.objects.select_for_update().filter(project=project).first()


def require_unsigned(project: Any) -> None:
    """Refuse a change once the receiving support lead has signed the handover off (taking
    the handover's row lock for the rest of the caller's transaction)."""
    handover = _locked_handover(project)
    if handover is not None and handover.signed:
        raise InvalidInput({"non_field_errors": _signed_message(handover)})


def _handover_rules(handover: Handover, *, writer: Any = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    lead_id = handover.support_lead_id
    if (
        lead_id is not None
        and not ProjectMembership.objects.filter(
            project_id=handover.project_id, user_id=lead_id
        ).exists()
    ):
        errors["support_lead"] = (
            "The support lead signs on the project: add them to its members first "
            "(a stakeholder role is enough)."
        )
    elif lead_id is not None and (
        lead_id == getattr(writer, "pk", None) or _is_project_manager(handover.project_id, lead_id)
    ):
        errors["support_lead"] = SAME_PERSON
    bad = bad_links(handover.runbook_links)
    if bad:
        errors["runbook_links"] = f"Give one http(s) link per line; not a link: {bad[0][:80]}"
    return errors


@transaction.atomic
def handover_save(*, who: Any, project: Any, version: int | None, data: dict[str, Any]) -> Handover:
    """Write the handover's details, or edit them at ``version``, until it is signed."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    require_unsigned(project)
    return save_singleton(
        Handover,
        who=who,
        project=project,
        version=version,
        data=data,
        fields=HANDOVER_FIELDS,
        label="support handover",
        perm=Perm.EDIT,
        rules=lambda candidate: _handover_rules(candidate, writer=who),
    )


@transaction.atomic
def handover_sign(*, who: Any, project: Any, version: int, comment: str = "") -> Handover:
    """Sign the handover off as the receiving support lead: every checklist item done."""
    require_open(project)
    handover = _locked_handover(project)
    if handover is None:
        raise InvalidInput({"non_field_errors": "There is no handover to sign yet."})
    if handover.signed:
        raise InvalidInput({"non_field_errors": _signed_message(handover)})
    lead = handover.support_lead
    if lead is None:
        raise InvalidInput({"support_lead": "Name the receiving support lead first."})
    if getattr(who, "pk", None) != lead.pk:
        name = lead.get_full_name() or lead.username
        raise Forbidden(f"Only the receiving support lead, {name}, signs the handover off.")
    if _is_project_manager(project.pk, lead.pk):
        # Named while they held another role, and made a project manager since.
        raise InvalidInput({"support_lead": SAME_PERSON})
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise InvalidInput({"comment": "At most 2,000 characters."})
    items = list(HandoverItem.objects.filter(project=project).values_list("title", "done"))
    if not items:
        raise InvalidInput({"non_field_errors": "The handover checklist is empty."})
    open_items = [title for title, done in items if not done]
    if open_items:
        more = f" and {len(open_items) - 3} more" if len(open_items) > 3 else ""
        raise InvalidInput(
            {
                "non_field_errors": f"{len(open_items)} of {len(items)} checklist items are not "
                f"done: {', '.join(open_items[:3])}{more}."
            }
        )
    return versioned_update(
        who=who,
        instance=handover,
        expected_version=version,
        changes={
            "signed_by": who,
            "signed_at": timezone.now(),
            "sign_comment": comment,
            "handed_defects": open_defects_of(project),
        },
        project=project,
        summary=f"Signed off the support handover of {project.code}",
    )


def _check_item(item: HandoverItem) -> None:
    require_unsigned(item.project)


class HandoverItemKit(RecordKit):
    """The kit, plus: no item goes once the handover is signed."""

    def delete(self, *, who: Any, record: Any, version: int) -> None:
        """Remove an item at ``version`` while the handover is unsigned."""
        with transaction.atomic():
            require_perm(who=who, project=record.project, perm=self.spec.write_perm)
            require_unsigned(record.project)
            super().delete(who=who, record=record, version=version)


HANDOVER_ITEMS = HandoverItemKit(
    RecordSpec(
        model=HandoverItem,
        fields=("title", "done", "note"),
        noun="handover item",
        slug="handover-items",
        namespace="closing",
        intro="One thing support needs before it takes over: access, a runbook, a walkthrough.",
        widgets={"note": forms.Textarea(attrs={"rows": 2})},
        check=_check_item,
    )
)


# -- files (runbooks, documentation, training materials) ------------------------------------


@transaction.atomic
def closing_file_add(
    *, who: Any, project: Any, upload: Any, topic: str, session: Any = None
) -> ClosingFile:
    """Attach a file to the handover or to the training (a session's materials)."""
    require_perm(who=who, project=project, perm=Perm.CONTRIBUTE)
    if topic not in FileTopic.values:
        raise InvalidInput({"topic": f"Choose one of: {', '.join(FileTopic.values)}."})
    if topic == FileTopic.HANDOVER:
        require_unsigned(project)
        if session is not None:
            raise InvalidInput({"session": "Handover files belong to no training session."})
    held = ClosingFile.objects.filter(project=project, topic=topic).count()
    upload = check_upload(upload, held=held, max_held=MAX_FILES, holder=f"project's {topic}")
    record = ClosingFile(project=project, topic=topic, session=session, uploaded_by=who)
    changes = store_upload(record, upload)
    audit_record(
        who=who,
        obj=record,
        action=AuditAction.CREATE,
        project=project,
        changes={"topic": [None, topic], **changes},
        summary=f"Attached '{record.original_name}' to the {topic}",
    )
    return record


@transaction.atomic
def closing_file_remove(*, who: Any, record: ClosingFile, version: int) -> None:
    """Remove a file at ``version`` (a signed handover keeps its files)."""
    project = record.project
    require_perm(who=who, project=project, perm=Perm.CONTRIBUTE)
    if record.topic == FileTopic.HANDOVER:
        require_unsigned(project)
    bump_version(record, version)
    audit_record(
        who=who,
        obj=record,
        action=AuditAction.DELETE,
        project=project,
        changes={"topic": [record.topic, None], **removal_changes(record)},
        summary=f"Removed '{record.original_name}' from the {record.topic}",
    )
    delete_file_after_commit(record)
