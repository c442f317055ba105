"""The quality plan's criteria, test runs and defects as record-kit records.

Each is a plain journaled project record (``portfolio.record_kit``) written by the project
manager and the team (*contribute*), read by everyone on the project, refused on a closed
project. :class:`QualityKit` adds what the three share: fields naming a *project member*
(responsible, tester, owner) are usernames in the API, offer the members only in the
forms, and refuse anybody else as a field error.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, cast

from django import forms
from django.db.models import Max, QuerySet
from rest_framework import serializers

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core.errors import InvalidInput, NotFound
from keystage.portfolio.models import Project
from keystage.portfolio.project_events import project_figures_moved
from keystage.portfolio.record_kit import RecordKit, RecordSpec
from keystage.quality.models import Criterion, Defect, TestRun


def members(project: Project) -> QuerySet[User]:
    """The project's members, the people a quality record may name."""
    return User.objects.filter(memberships__project=project).distinct()


class QualityKit(RecordKit):
    """The kit, plus member fields (``people``) and, after each write, the KPIs re-checked."""

    def __init__(self, spec: RecordSpec, *, people: tuple[str, ...] = (), extra: Any = None):
        """``people``: user fields among the spec's; ``extra``: read-only API fields."""
        super().__init__(spec)
        self.people = people
        self.extra: dict[str, serializers.Field] = dict(extra or {})

    def _validate(self, record: Any, project: Any) -> None:
        super()._validate(record, project)
        errors = {
            name: "Choose a member of this project."
            for name in self.people
            if getattr(record, f"{name}_id") is not None
            and not members(project).filter(pk=getattr(record, f"{name}_id")).exists()
        }
        if errors:
            raise InvalidInput(errors)

    def create(self, *, who: Any, project: Any, data: dict[str, Any]) -> Any:
        """Add a record (journaled); the project's KPIs are checked after the commit."""
        record = super().create(who=who, project=project, data=data)
        project_figures_moved(project)
        return record

    def update(self, *, who: Any, record: Any, version: int, changes: dict[str, Any]) -> Any:
        """Edit a record at ``version`` (journaled); the KPIs are checked after the commit."""
        stored = super().update(who=who, record=record, version=version, changes=changes)
        project_figures_moved(record.project)
        return stored

    def delete(self, *, who: Any, record: Any, version: int) -> None:
        """Remove a record at ``version`` (journaled); the KPIs are checked after the commit."""
        super().delete(who=who, record=record, version=version)
        project_figures_moved(record.project)

    def _with_people(self, base: Any, *, write: bool) -> Any:
        attrs: dict[str, Any] = {}
        for name in self.people:
            if write:
                attrs[name] = serializers.SlugRelatedField(
                    slug_field="username",
                    queryset=User.objects.all(),
                    required=False,
                    allow_null=True,
                    help_text="The username of a project member.",
                )
            else:
                attrs[name] = serializers.SlugRelatedField(slug_field="username", read_only=True)
        if not write and self.extra:
            attrs |= self.extra
            fields = [*base.Meta.fields[:1], *self.extra, *base.Meta.fields[1:]]
            attrs["Meta"] = type(
                "Meta",
                (base.Meta,),
                {"fields": fields, "read_only_fields": [*base.Meta.read_only_fields, *self.extra]},
            )
        return type(base.__name__, (base,), attrs)

    @cached_property
    def serializer(self) -> type[serializers.ModelSerializer[Any]]:
        """The read shape, member fields as usernames, plus the ``extra`` fields."""
        return cast(Any, self._with_people(RecordKit.serializer.func(self), write=False))  # type: ignore[attr-defined]

    @cached_property
    def write_serializer(self) -> type[serializers.ModelSerializer[Any]]:
        """The write shape, member fields as usernames."""
        return cast(Any, self._with_people(RecordKit.write_serializer.func(self), write=True))  # type: ignore[attr-defined]

    def project_form(self, project: Any) -> type[forms.Form]:
        """The kit's form for ``project``, its member fields offering the members only."""
        base = super().project_form(project)
        people = self.people

        def __init__(form: Any, *args: Any, **kwargs: Any) -> None:
            base.__init__(form, *args, **kwargs)
            for name in people:
                form.fields[name].queryset = members(project).order_by("username")

        return cast(type[forms.Form], type(base.__name__, (base,), {"__init__": __init__}))


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

CRITERIA = QualityKit(
    RecordSpec(
        model=Criterion,
        fields=("deliverable", "text", "method", "responsible", "planned_date", "order"),
        noun="criterion",
        plural="criteria",
        slug="criteria",
        title_field="text",
        write_perm=Perm.CONTRIBUTE,
        namespace="quality",
        intro="One acceptance criterion of a deliverable and how it is verified: by test, "
        "inspection, demonstration, review or analysis, by whom and when.",
        widgets={"planned_date": DATE},
        references=("deliverable",),
        open_projects_only=True,
    ),
    people=("responsible",),
)


def check_test_run(run: TestRun) -> None:
    """Counts that add up: run ≤ planned, passed + failed + blocked ≤ run."""
    errors: dict[str, str] = {}
    if run.cases_run > run.cases_planned:
        errors["cases_run"] = f"At most the {run.cases_planned} cases planned."
    outcomes = run.passed + run.failed + run.blocked
    if outcomes > run.cases_run:
        field = "passed" if run.passed > run.cases_run else "failed"
        errors[field] = (
            f"Passed, failed and blocked ({outcomes}) cannot exceed the {run.cases_run} cases run."
        )
    if errors:
        raise InvalidInput(errors)


TEST_RUNS = QualityKit(
    RecordSpec(
        model=TestRun,
        fields=(
            "deliverable",
            "name",
            "run_on",
            "tester",
            "cases_planned",
            "cases_run",
            "passed",
            "failed",
            "blocked",
            "notes",
        ),
        noun="test run",
        slug="test-runs",
        title_field="name",
        write_perm=Perm.CONTRIBUTE,
        namespace="quality",
        intro="One run of a deliverable's test cases: how many were planned and run, and "
        "how many passed, failed or were blocked.",
        widgets={"run_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})},
        references=("deliverable",),
        open_projects_only=True,
        check=check_test_run,
    ),
    people=("tester",),
    extra={"pass_rate": serializers.FloatField(read_only=True, allow_null=True)},
)


def check_defect(defect: Defect) -> None:
    """A defect's test run is one of its deliverable's; won't-fix says why."""
    errors: dict[str, str] = {}
    run = defect.test_run
    if run is not None:
        if defect.deliverable_id is None and defect.pk is None:
            defect.deliverable_id = run.deliverable_id  # found in the run's deliverable
        elif defect.deliverable_id is None:
            errors["deliverable"] = f"Name the deliverable '{run.name}' tested."
        elif run.deliverable_id != defect.deliverable_id:
            errors["test_run"] = f"'{run.name}' tested another deliverable."
    if defect.status == "wont_fix" and not defect.resolution:
        errors["resolution"] = "Say why it will not be fixed."
    if errors:
        raise InvalidInput(errors)


DEFECT_KEY = re.compile(r"^\s*DEF-(\d{1,9})\s*$", re.IGNORECASE)


class DefectKit(QualityKit):
    """Defects are numbered DEF-1, DEF-2 … per project, and found by that number too."""

    def _validate(self, record: Any, project: Any) -> None:
        if record.pk is None and not record.number:
            # Serialise numbering on the project row (a no-op lock on SQLite, which
            # serialises writers anyway).
            Project.objects.select_for_update().filter(pk=project.pk).first()
            top = Defect.objects.filter(project=project).aggregate(m=Max("number"))["m"]
            record.number = (top or 0) + 1
        super()._validate(record, project)

    def get_record(self, *, who: Any, project: Any, record_id: Any) -> Any:
        """One defect by its public id or its number (``DEF-7``)."""
        match = DEFECT_KEY.match(str(record_id))
        if match is None:
            return super().get_record(who=who, project=project, record_id=record_id)
        found = self.list_records(who=who, project=project).filter(number=int(match[1])).first()
        if found is None:
            raise NotFound()
        return found


DEFECTS = DefectKit(
    RecordSpec(
        model=Defect,
        fields=(
            "title",
            "description",
            "severity",
            "status",
            "deliverable",
            "test_run",
            "owner",
            "due_date",
            "resolution",
        ),
        noun="defect",
        slug="defects",
        title_field="title",
        write_perm=Perm.CONTRIBUTE,
        namespace="quality",
        intro="A defect found in a deliverable, possibly by one of its test runs; its "
        "severity, who fixes it and by when.",
        widgets={
            "due_date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "resolution": forms.Textarea(attrs={"rows": 2}),
        },
        references=("deliverable", "test_run"),
        read_only=("number",),
        open_projects_only=True,
        check=check_defect,
    ),
    people=("owner",),
    extra={"key": serializers.CharField(read_only=True, help_text="DEF-1, DEF-2 …")},
)
