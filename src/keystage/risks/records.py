"""Risks, their responses and issues as record-kit records (``portfolio.record_kit``).

The kit gives each the journaled, versioned services, the API and the form pages; this
module adds what the kit does not know: owners are members of the project (the API names
them by username; anyone else is a field error, whether or not the account exists), a
risk's tasks are tasks of its project, numbers ``RSK-n`` / ``ISS-n`` per project, and the
matrix positions (before and after the responses) on every risk the API returns.

Everyone with *contribute* (the project manager, team members) raises and edits risks,
responses and issues; everyone on the project reads them. Escalation, the import from
initiation and "the risk occurred" are in ``risks.services.register``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from rest_framework import serializers
from rest_framework.views import APIView

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core.audit import audit_record
from keystage.core.errors import InvalidInput
from keystage.core.models import AuditAction
from keystage.core.versioning import compare_and_set
from keystage.notifications.models import NotificationKind
from keystage.notifications.services import notify
from keystage.planning.models import Task
from keystage.portfolio.models import Project, ProjectMembership
from keystage.portfolio.record_api import record_views
from keystage.portfolio.record_kit import RecordKit, RecordSpec
from keystage.risks.models import Issue, IssueStatus, Risk, RiskResponse
from keystage.risks.positions import attach, with_positions
from keystage.risks.services.matrix import matrix_of

NOT_A_MEMBER = "Choose a member of this project."
DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})
IMPACTS = (
    "schedule_low",
    "schedule_likely",
    "schedule_high",
    "cost_low",
    "cost_likely",
    "cost_high",
)


def member_or_error(project: Project, value: Any) -> User | None:
    """The project member ``value`` names (a username or a user), None for none; a field
    error for anyone else — the same words whether the account exists or not."""
    if value in (None, ""):
        return None
    username = value.username if isinstance(value, User) else str(value)
    found = (
        ProjectMembership.objects.filter(project=project, user__username=username)
        .select_related("user")
        .first()
    )
    if found is None:
        raise InvalidInput({"owner": NOT_A_MEMBER})
    return found.user


def check_three_points(record: Any) -> None:
    """Low ≤ likely ≤ high for the schedule and the cost impact."""
    errors = {}
    for what in ("schedule", "cost"):
        low, likely, high = (getattr(record, f"{what}_{k}") for k in ("low", "likely", "high"))
        if None not in (low, likely, high) and not low <= likely <= high:
            errors[f"{what}_likely"] = (
                f"The {what} impact needs low ≤ likely ≤ high (got {low}, {likely}, {high})."
            )
    if errors:
        raise InvalidInput(errors)


class OwnerField(serializers.CharField):
    """A project member by username (read: the username)."""

    def to_representation(self, value: Any) -> str:
        """The owner's username."""
        return str(getattr(value, "username", value))


def _owner(read_only: bool = False) -> OwnerField:
    if read_only:
        return OwnerField(read_only=True, allow_null=True)
    return OwnerField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The username of a member of the project (empty: nobody yet).",
    )


class OwnedKit(RecordKit):
    """A kit whose records have an ``owner`` among the project's members."""

    #: Extra read-only fields of the API: name → serializer field.
    extra_read: dict[str, Any] = {}
    extra_write: dict[str, Any] = {}
    #: The notification a new owner gets (None: owners are not told).
    owner_kind: str | None = None

    def _tell_owner(self, who: Any, record: Any, before: int | None) -> None:
        """Tell a new owner (not the one who made the change) the record is theirs now."""
        if self.owner_kind is None or record.owner_id is None or record.owner_id == before:
            return
        project = record.project
        noun = self.spec.noun
        name = f"risks:{self.spec.slug}-detail"
        detail = reverse(name, args=[project.public_id, record.public_id])
        notify(
            [record.owner], kind=self.owner_kind, project=project, actor=who,
            text=f"{project.code}: {noun} {record.key} '{record.title}' is yours now "
            f"(assigned by {getattr(who, 'display_name', '') or who}).",
            url=detail,
        )  # fmt: skip

    def _owner_in(self, project: Project, data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        if "owner" in data:
            data["owner"] = member_or_error(project, data["owner"])
        return data

    def create(self, *, who: Any, project: Any, data: dict[str, Any]) -> Any:
        """The kit's create after the owner is resolved, the project locked for numbering."""
        with transaction.atomic():
            Project.objects.select_for_update().filter(pk=project.pk).first()
            made = super().create(who=who, project=project, data=self._owner_in(project, data))
            self._tell_owner(who, made, None)
            return made

    def update(self, *, who: Any, record: Any, version: int, changes: dict[str, Any]) -> Any:
        """The kit's update after the owner is resolved; a new owner is told."""
        with transaction.atomic():
            before = type(record).objects.filter(pk=record.pk).values_list("owner_id", flat=True)
            previous = next(iter(before), None)
            fresh = super().update(
                who=who, record=record, version=version,
                changes=self._owner_in(record.project, changes),
            )  # fmt: skip
            self._tell_owner(who, fresh, previous)
            return fresh

    def _serializer(self, *, write: bool) -> type[serializers.Serializer[Any]]:
        spec = self.spec
        model_fields = [f for f in spec.fields if f != "owner"]
        extra = self.extra_write if write else self.extra_read
        names = (
            [*model_fields, "owner", "version", *extra]
            if write
            else [
                "id",
                *extra,
                *model_fields,
                "owner",
                *spec.read_only,
                "version",
                "created_at",
                "updated_at",
            ]
        )
        meta = type(
            "Meta",
            (),
            {"model": spec.model, "fields": names} | ({} if write else {"read_only_fields": names}),
        )
        attrs: dict[str, Any] = {"Meta": meta, "owner": _owner(read_only=not write), **extra}
        if write:
            attrs["version"] = serializers.IntegerField(min_value=1, required=False)
        else:
            attrs["id"] = serializers.UUIDField(source="public_id", read_only=True)
        for name in spec.references:
            attrs[name] = self._reference_field(name, read_only=not write)
        stem = self._class_stem + ("WriteSerializer" if write else "Serializer")
        attrs["__doc__"] = (
            f"Add {spec.noun}s; on PATCH every field is optional and ``version`` is required."
            if write
            else f"One {spec.noun}."
        )
        return type(stem, (serializers.ModelSerializer,), attrs)

    @cached_property
    def serializer(self) -> type[serializers.ModelSerializer[Any]]:  # type: ignore[override]
        """The read shape, the owner by username."""
        return self._serializer(write=False)  # type: ignore[return-value]

    @cached_property
    def write_serializer(self) -> type[serializers.ModelSerializer[Any]]:  # type: ignore[override]
        """The write shape, the owner by username."""
        return self._serializer(write=True)  # type: ignore[return-value]

    def project_form(self, project: Any) -> type[forms.Form]:
        """The kit's form; the owner is chosen among the project's members."""
        base = super().project_form(project)

        def __init__(form: Any, *args: Any, **kwargs: Any) -> None:
            base.__init__(form, *args, **kwargs)
            owner = form.fields["owner"]
            owner.queryset = User.objects.filter(memberships__project=project).order_by(
                "first_name", "last_name", "username"
            )
            owner.to_field_name = "username"
            owner.label_from_instance = lambda u: u.display_name
            self._form_init(form, project)

        return type(base.__name__, (base,), {"__init__": __init__})

    def _form_init(self, form: Any, project: Project) -> None:
        """More per-project form set-up (subclasses)."""


# -- risks -----------------------------------------------------------------------------------

RISK_FIELDS = (
    "title",
    "category",
    "cause",
    "event",
    "effect",
    "owner",
    "probability",
    *IMPACTS,
    "proximity",
    "status",
)


class PositionSerializer(serializers.Serializer[Any]):
    """A risk's place on the organisation's matrix."""

    probability = serializers.DecimalField(max_digits=4, decimal_places=3)
    probability_level = serializers.IntegerField()
    impact_level = serializers.IntegerField()
    score = serializers.IntegerField()
    rating = serializers.ChoiceField(choices=["low", "medium", "high"])
    exposure = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="Probability × expected cost impact."
    )


class _Position(serializers.Field):  # type: ignore[type-arg]
    def __init__(self, which: str, **kwargs: Any) -> None:
        self.which = which
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> dict[str, Any]:
        if not hasattr(value, "before_at"):
            attach(value, matrix_of(value.project.organisation_id))
        found, at = getattr(value, self.which), getattr(value, f"{self.which}_at")
        return {
            "probability": str(found.probability),
            "probability_level": at.probability_level,
            "impact_level": at.impact_level,
            "score": at.score,
            "rating": at.rating,
            "exposure": str(found.exposure),
        }


def _position_field(which: str, help_text: str) -> Any:
    from drf_spectacular.utils import extend_schema_field

    return extend_schema_field(PositionSerializer)(_Position)(which, help_text=help_text)


class _Tasks(serializers.SlugRelatedField):  # type: ignore[type-arg]
    pass


class RiskKit(OwnedKit):
    """Risks: numbered, linked to tasks of their project, placed on the matrix."""

    owner_kind = NotificationKind.RISK_OWNED

    extra_read = {
        "key": serializers.CharField(read_only=True, help_text="RSK-n, per project."),
        "source": serializers.CharField(read_only=True),
        "tasks": serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True),
        "before": _position_field("before", "Before the responses."),
        "after": _position_field("after", "After the responses (the latest one's residual)."),
        "issue": serializers.SlugRelatedField(slug_field="public_id", read_only=True),
    }
    extra_write = {
        "tasks": serializers.SlugRelatedField(
            slug_field="public_id",
            many=True,
            required=False,
            queryset=Task.objects.all(),
            help_text="Public ids of the tasks of this project it would hit.",
        )
    }

    def list_records(self, *, who: Any, project: Any) -> QuerySet[Any]:
        """The project's risks with owner, tasks and responses read in bulk."""
        return (
            super()
            .list_records(who=who, project=project)
            .select_related("owner", "issue")
            .prefetch_related("tasks", "responses__owner")
        )

    def rows(self, *, who: Any, project: Any) -> list[Risk]:
        """The project's risks with their matrix positions."""
        return with_positions(
            list(self.list_records(who=who, project=project)), matrix_of(project.organisation_id)
        )

    @staticmethod
    def _tasks(project: Project, tasks: Sequence[Task] | None) -> list[Task] | None:
        if tasks is None:
            return None
        tasks = list(tasks)
        foreign = [t for t in tasks if t.project_id != project.pk]
        if foreign:
            raise InvalidInput({"tasks": "Choose tasks of this project only."})
        return tasks

    def create(self, *, who: Any, project: Any, data: dict[str, Any]) -> Any:
        """Add a risk (numbered, journaled) and link its tasks."""
        data = dict(data)
        tasks = self._tasks(project, data.pop("tasks", None))
        with transaction.atomic():
            risk = super().create(who=who, project=project, data=data)
            if tasks:
                risk.tasks.set(tasks)
                self._journal_tasks(who, risk, [], tasks)
        return risk

    def update(self, *, who: Any, record: Any, version: int, changes: dict[str, Any]) -> Any:
        """Edit a risk at ``version``; a change of its tasks is journaled and versioned too."""
        changes = dict(changes)
        tasks = self._tasks(record.project, changes.pop("tasks", None))
        with transaction.atomic():
            fresh = super().update(who=who, record=record, version=version, changes=changes)
            before = list(fresh.tasks.all())
            if tasks is not None and {t.pk for t in tasks} != {t.pk for t in before}:
                if fresh.version == version:  # nothing else changed: this edit is the version
                    fresh = compare_and_set(fresh, version, {})
                fresh.tasks.set(tasks)
                self._journal_tasks(who, fresh, before, tasks)
        return fresh

    @staticmethod
    def _journal_tasks(who: Any, risk: Risk, before: list[Task], after: list[Task]) -> None:
        names = [[f"{t.wbs_code} {t.name}".strip() for t in ts] for ts in (before, after)]
        audit_record(
            who=who,
            obj=risk,
            action=AuditAction.UPDATE,
            project=risk.project,
            changes={"tasks": names},
            summary=f"Linked {risk.key} to {len(after)} task(s)",
        )

    @cached_property
    def form_class(self) -> type[forms.ModelForm[Any]]:  # type: ignore[override]
        """The kit's form plus the tasks it would hit."""
        base = super().form_class
        tasks = forms.ModelMultipleChoiceField(
            queryset=Task.objects.none(),
            required=False,
            help_text="The tasks it would hit.",
            widget=forms.SelectMultiple(attrs={"size": 6}),
        )
        return type(base.__name__, (base,), {"tasks": tasks})

    def _form_init(self, form: Any, project: Project) -> None:
        field = form.fields["tasks"]
        field.queryset = Task.objects.filter(project=project, is_summary=False).order_by("row")
        field.to_field_name = "public_id"
        field.label_from_instance = lambda t: f"{t.wbs_code} {t.name}".strip()
        if form.instance is not None and form.initial.get("tasks") is None:
            form.initial.setdefault("tasks", [])

    @cached_property
    def api_views(self) -> tuple[type[APIView], type[APIView]]:
        """The kit's views; lists carry the matrix positions read once."""
        spec = self.spec
        return record_views(
            noun=spec.noun,
            id_kwarg=spec.id_kwarg,
            lookup_kwarg="record_id",
            output=self.serializer,
            write=self.write_serializer,
            perm=spec.write_perm,
            list_fn=self.rows,
            get_fn=self.get_record,
            create_fn=self.create,
            update_fn=self.update,
            delete_fn=self.delete,
            instance_kwarg="record",
        )


RISKS = RiskKit(
    RecordSpec(
        model=Risk,
        fields=RISK_FIELDS,
        noun="risk",
        slug="risks",
        write_perm=Perm.CONTRIBUTE,
        namespace="risks",
        intro="Because of a cause, an event may happen, with an effect. Probability 0 to 1; "
        "impacts in working days and money, each low / likely / high.",
        widgets={"proximity": DATE, "cause": TEXT, "event": TEXT, "effect": TEXT},
        open_projects_only=True,
        check=check_three_points,
    )
)

# -- responses ---------------------------------------------------------------------------------

RESPONSES = OwnedKit(
    RecordSpec(
        model=RiskResponse,
        fields=(
            "risk",
            "strategy",
            "description",
            "owner",
            "due_date",
            "cost",
            "status",
            "probability",
            *IMPACTS,
        ),
        noun="risk response",
        slug="risk-responses",
        title_field="description",
        write_perm=Perm.CONTRIBUTE,
        namespace="risks",
        intro="Avoid, mitigate, transfer or accept; the probability and impacts are where the "
        "risk stands once this response (and the earlier ones) are carried out.",
        widgets={"due_date": DATE},
        references=("risk",),
        open_projects_only=True,
        check=check_three_points,
    )
)

# -- issues --------------------------------------------------------------------------------------


def check_issue(issue: Issue) -> None:
    """A resolved or closed issue says how it was resolved."""
    if issue.status in (IssueStatus.RESOLVED, IssueStatus.CLOSED) and not issue.resolution.strip():
        raise InvalidInput({"resolution": "Say how it was resolved before resolving it."})


class IssueKit(OwnedKit):
    """Issues: numbered, the risk they came from and the escalation shown."""

    owner_kind = NotificationKind.ISSUE_OWNED

    extra_read = {
        "key": serializers.CharField(read_only=True, help_text="ISS-n, per project."),
        "risk": serializers.SlugRelatedField(slug_field="public_id", read_only=True),
        "escalated_at": serializers.DateTimeField(read_only=True, allow_null=True),
        "escalated_by": OwnerField(read_only=True, allow_null=True),
        "escalation_reason": serializers.CharField(read_only=True),
    }

    def list_records(self, *, who: Any, project: Any) -> QuerySet[Any]:
        """The project's issues with owner and risk read in bulk."""
        return (
            super()
            .list_records(who=who, project=project)
            .select_related("owner", "risk", "escalated_by")
        )


ISSUES = IssueKit(
    RecordSpec(
        model=Issue,
        fields=("title", "description", "severity", "owner", "due_date", "status", "resolution"),
        noun="issue",
        slug="issues",
        write_perm=Perm.CONTRIBUTE,
        namespace="risks",
        intro="Something that has gone wrong and needs an owner and an answer.",
        widgets={"due_date": DATE, "description": TEXT, "resolution": TEXT},
        open_projects_only=True,
        check=check_issue,
    )
)
