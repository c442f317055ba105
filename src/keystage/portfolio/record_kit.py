"""The record kit: one declaration of a simple journaled project record, the rest generated.

A stage record that is just fields on a project (a risk, an issue, a lesson …) is
declared once as a :class:`RecordSpec`; :class:`RecordKit` builds from it

- the services ``create`` / ``update`` / ``delete`` (keyword-only, ``who=``): the
  permission through ``portfolio.access.require_perm`` (the stage rule sits in the
  chokepoint), validation, compare-and-set version and the journal through
  ``core.records``;
- the selectors ``list`` / ``get`` through ``portfolio.access.projects_visible_to``;
- a read ModelSerializer and a write ModelSerializer (every field optional on PATCH,
  ``version`` alongside), the DRF list/detail views (``record_api.record_views``:
  summaries, If-Match, 428/409 on PATCH and DELETE) and their two URL patterns;
- the HTML list page and the form page (``core.web.record_form_page``) with three URLs;
- the access-matrix declaration of those routes (:meth:`RecordKit.access_routes`).

DRF is imported by the API parts only, on first use: the services are imported at
start-up by other apps' ``ready()`` (gate checks, report sections), and DRF's serializers
are half a second of every ``keystage`` command's start-up.

It lives in ``portfolio`` rather than ``core`` because it needs the project chokepoint,
which sits above ``core``. A record with rules of its own (who may change it, derived
fields) keeps hand-written services and passes them to ``record_views`` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.errors import DomainError, InvalidInput
from keystage.core.formfields import formfield
from keystage.core.lookup import get_by_public_id
from keystage.core.versioning import parse_version
from keystage.core.web import page_error, record_form_page
from keystage.portfolio.access import is_closed, project_perms, projects_visible_to, require_perm
from keystage.portfolio.selectors import project_get

if TYPE_CHECKING:
    from rest_framework import serializers
    from rest_framework.views import APIView


def _verbose(record: Any, name: str) -> str:
    return str(record._meta.get_field(name).verbose_name)


@dataclass(frozen=True)
class RecordSpec:
    """What a simple journaled project record is: its model, fields, words and permissions.

    ``model`` has a ``project`` foreign key and extends ``core.models.BaseModel``;
    ``fields`` are the ones people edit (and the journal records); ``noun`` is lower
    case as it reads mid-sentence ("change request"); ``slug`` is the URL segment
    ("change-requests"); ``title_field`` names the record in messages and lists.
    """

    model: type[Any]
    fields: tuple[str, ...]
    noun: str
    slug: str
    plural: str = ""
    title_field: str = "title"
    read_perm: str = Perm.VIEW
    write_perm: str = Perm.CONTRIBUTE
    intro: str = ""
    #: The app's URL namespace for the pages ("" when mounted without one).
    namespace: str = ""
    widgets: dict[str, Any] = field(default_factory=dict)
    #: Foreign keys (among ``fields``) to records of the same project: the API takes and
    #: shows their public ids, the form offers the project's records only, and the
    #: services refuse a record of another project as a field error.
    references: tuple[str, ...] = ()
    #: Further fields the API shows but nobody edits through the kit (a file's name …).
    read_only: tuple[str, ...] = ()
    #: Refuse writes while the project is closed, completed or cancelled.
    open_projects_only: bool = False
    #: Whole-record rules: ``check(record)`` on the new or edited copy (its ``project``
    #: set) raises ``InvalidInput`` with field messages; called after the field rules.
    check: Callable[[Any], None] | None = None

    @property
    def nouns(self) -> str:
        """The plural noun, lower case."""
        return self.plural or f"{self.noun}s"

    @property
    def name(self) -> str:
        """The route-name stem: the slug with underscores ("change_request")."""
        return self.slug.replace("-", "_")

    @property
    def id_kwarg(self) -> str:
        """The URL parameter naming one record: the noun with underscores ("change_request_id"),
        so that two kinds of record never share a parameter name in the routes or the schema."""
        return "_".join(self.noun.replace("-", " ").split()) + "_id"


class RecordKit:
    """Services, selectors, serializers, views and URLs generated from one :class:`RecordSpec`."""

    def __init__(self, spec: RecordSpec) -> None:
        """Keep the spec; the parts are built on first use."""
        self.spec = spec

    # -- selectors (reads) -------------------------------------------------------------

    def list_records(self, *, who: Any, project: Any) -> QuerySet[Any]:
        """The project's records, through the project chokepoint."""
        return self.spec.model._default_manager.filter(
            project__in=projects_visible_to(who), project=project
        ).select_related("project")

    def get_record(self, *, who: Any, project: Any, record_id: Any) -> Any:
        """One record of the project by its public id (NotFound otherwise)."""
        return get_by_public_id(self.list_records(who=who, project=project), record_id)

    # -- services (writes) ----------------------------------------------------------------

    def _label(self, record: Any) -> str:
        return f"{self.spec.noun} '{getattr(record, self.spec.title_field, record)}'"

    def require_open(self, project: Any) -> None:
        """Refuse a write on a closed, completed or cancelled project (``open_projects_only``)."""
        if self.spec.open_projects_only and is_closed(project):
            raise InvalidInput(
                {
                    "non_field_errors": f"{project.code} is {project.get_status_display().lower()}"
                    f" ({project.get_stage_display()}): its {self.spec.nouns} can no longer "
                    "change."
                }
            )

    def _validate(self, record: Any, project: Any) -> None:
        """The project is open, the field rules, the references, the spec's own check."""
        spec = self.spec
        self.require_open(project)
        records.clean(record)
        errors = {
            name: f"Choose one of this project's {_verbose(record, name)}s."
            for name in spec.references
            if getattr(record, f"{name}_id") is not None
            and getattr(record, name).project_id != project.pk
        }
        if errors:
            raise InvalidInput(errors)
        if spec.check is not None:
            spec.check(record)

    def create(self, *, who: Any, project: Any, data: dict[str, Any]) -> Any:
        """Add a record to ``project`` (the write permission), validated and journaled."""
        spec = self.spec
        with transaction.atomic():
            require_perm(who=who, project=project, perm=spec.write_perm)
            data = records.editable(data, spec.fields)
            record = spec.model(project=project, **data)
            self._validate(record, project)
            return records.create(
                who=who,
                instance=record,
                project=project,
                fields=spec.fields,
                summary=f"Added {self._label(record)}",
            )

    def update(self, *, who: Any, record: Any, version: int, changes: dict[str, Any]) -> Any:
        """Edit a record at ``version`` (409 when it changed meanwhile), journaled."""
        spec = self.spec
        with transaction.atomic():
            require_perm(who=who, project=record.project, perm=spec.write_perm)
            changes = records.editable(changes, spec.fields)
            candidate = records.with_changes(record, changes)
            self._validate(candidate, record.project)
            return records.update(
                who=who,
                instance=record,
                version=version,
                changes=changes,
                project=record.project,
                summary=f"Edited {self._label(candidate)}",
                candidate=candidate,
            )

    def delete(self, *, who: Any, record: Any, version: int) -> None:
        """Remove a record at ``version``; the journal keeps its last values."""
        spec = self.spec
        with transaction.atomic():
            require_perm(who=who, project=record.project, perm=spec.write_perm)
            self.require_open(record.project)
            records.delete(
                who=who,
                instance=record,
                version=version,
                project=record.project,
                fields=spec.fields,
                summary=f"Removed {self._label(record)}",
            )

    # -- API ---------------------------------------------------------------------------------

    @cached_property
    def serializer(self) -> type[serializers.ModelSerializer[Any]]:
        """The read shape: public id as ``id``, the fields, version and timestamps."""
        from rest_framework import serializers

        spec = self.spec
        meta = type(
            "Meta",
            (),
            {
                "model": spec.model,
                "fields": [
                    "id",
                    *spec.fields,
                    *spec.read_only,
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "read_only_fields": [
                    "id",
                    *spec.fields,
                    *spec.read_only,
                    "version",
                    "created_at",
                    "updated_at",
                ],
            },
        )
        attrs = {
            "id": serializers.UUIDField(source="public_id", read_only=True),
            **{name: self._reference_field(name, read_only=True) for name in spec.references},
            "Meta": meta,
            "__doc__": f"One {spec.noun}.",
        }
        return type(f"{self._class_stem}Serializer", (serializers.ModelSerializer,), attrs)

    @cached_property
    def write_serializer(self) -> type[serializers.ModelSerializer[Any]]:
        """The write shape: the fields (model rules) and ``version`` (required on PATCH)."""
        from rest_framework import serializers

        spec = self.spec
        meta = type("Meta", (), {"model": spec.model, "fields": [*spec.fields, "version"]})
        attrs = {
            "version": serializers.IntegerField(min_value=1, required=False),
            **{name: self._reference_field(name) for name in spec.references},
            "Meta": meta,
            "__doc__": f"Add {spec.noun}s; on PATCH every field is optional and "
            "``version`` is required.",
        }
        return type(f"{self._class_stem}WriteSerializer", (serializers.ModelSerializer,), attrs)

    def _reference_field(self, name: str, *, read_only: bool = False) -> Any:
        """A reference by public id (which project it belongs to is the services' check)."""
        from rest_framework import serializers

        model_field = self.spec.model._meta.get_field(name)
        if read_only:
            return serializers.SlugRelatedField(slug_field="public_id", read_only=True)
        return serializers.SlugRelatedField(
            slug_field="public_id",
            queryset=model_field.related_model._default_manager.all(),
            required=not model_field.blank,
            allow_null=model_field.null,
            help_text=f"The public id of one of the project's {model_field.verbose_name}s.",
        )

    @property
    def _class_stem(self) -> str:
        return "".join(part.title() for part in self.spec.noun.split())

    @cached_property
    def api_views(self) -> tuple[type[APIView], type[APIView]]:
        """The list/create and read/edit/remove DRF views."""
        from keystage.portfolio.record_api import record_views

        spec = self.spec
        return record_views(
            noun=spec.noun,
            plural=spec.plural or None,
            id_kwarg=spec.id_kwarg,
            lookup_kwarg="record_id",
            output=self.serializer,
            write=self.write_serializer,
            perm=spec.write_perm,
            list_fn=self.list_records,
            get_fn=self.get_record,
            create_fn=self.create,
            update_fn=self.update,
            delete_fn=self.delete,
            instance_kwarg="record",
        )

    def api_urls(self, prefix: str = "projects/<str:project_id>/") -> list[URLPattern]:
        """``<prefix><slug>/`` and ``<prefix><slug>/<noun>_id/`` (under /api/v1/)."""
        list_view, detail_view = self.api_views
        stem = f"{prefix}{self.spec.slug}/"
        one = f"<str:{self.spec.id_kwarg}>/"
        return [
            path(stem, list_view.as_view(), name=f"{self.spec.slug}-list"),
            path(stem + one, detail_view.as_view(), name=f"{self.spec.slug}-detail"),
        ]

    # -- pages -------------------------------------------------------------------------------

    @cached_property
    def form_class(self) -> type[forms.ModelForm[Any]]:
        """The HTML form: the fields with the model's rules, and the version hidden."""
        spec = self.spec
        meta = type(
            "Meta",
            (),
            {
                "model": spec.model,
                "fields": list(spec.fields),
                "widgets": spec.widgets,
                "formfield_callback": formfield,
            },
        )
        attrs = {
            "version": forms.IntegerField(required=False, widget=forms.HiddenInput),
            "Meta": meta,
        }
        return type(f"{self._class_stem}Form", (forms.ModelForm,), attrs)

    def project_form(self, project: Any) -> type[forms.Form]:
        """The form for one project: its reference fields offer that project's records only."""
        base = self.form_class
        references = self.spec.references

        def __init__(form: Any, *args: Any, **kwargs: Any) -> None:
            base.__init__(form, *args, **kwargs)
            for name in references:
                field = form.fields[name]
                field.queryset = field.queryset.filter(project=project)
                field.to_field_name = "public_id"

        return cast(type[forms.Form], type(base.__name__, (base,), {"__init__": __init__}))

    def _url(self, suffix: str, *args: Any) -> str:
        stem = f"{self.spec.namespace}:" if self.spec.namespace else ""
        return reverse(f"{stem}{self.spec.name}{suffix}", args=args)

    def page_views(self) -> tuple[Callable[..., HttpResponse], ...]:
        """The list page, the new-record page and the edit/remove page."""
        spec = self.spec
        kit = self

        @login_required
        @require_GET
        def list_page(request: HttpRequest, project_id: str) -> HttpResponse:
            who = actor(request)
            try:
                project = project_get(who=who, project_id=project_id, perm=spec.read_perm)
            except DomainError as exc:
                return page_error(request, exc)
            rows = [
                (getattr(r, spec.title_field), kit._url("-edit", project.public_id, r.public_id))
                for r in kit.list_records(who=who, project=project)
            ]
            context = {
                "project": project,
                "title": spec.nouns.capitalize(),
                "intro": spec.intro,
                "rows": rows,
                "can_write": spec.write_perm in project_perms(request.user, project),
                "create_url": kit._url("-create", project.public_id),
            }
            return render(request, "portfolio/record_list.html", context)

        @login_required
        @require_http_methods(["GET", "POST"])
        def create_page(request: HttpRequest, project_id: str) -> HttpResponse:
            who = actor(request)
            try:
                project = project_get(who=who, project_id=project_id, perm=spec.write_perm)
            except DomainError as exc:
                return page_error(request, exc)
            return record_form_page(
                request,
                project,
                form_class=kit.project_form(project),
                initial=None,
                save=lambda data, v: kit.create(who=who, project=project, data=data),
                title=f"New {spec.noun}",
                intro=spec.intro,
                back_url=kit._url("", project.public_id),
            )

        @login_required
        @require_http_methods(["GET", "POST"])
        def edit_page(request: HttpRequest, project_id: str, **ids: str) -> HttpResponse:
            who = actor(request)
            record_id = ids[spec.id_kwarg]
            try:
                project = project_get(who=who, project_id=project_id, perm=spec.write_perm)
                record = kit.get_record(who=who, project=project, record_id=record_id)
            except DomainError as exc:
                return page_error(request, exc)
            initial = {f: getattr(record, f) for f in spec.fields} | {"version": record.version}
            return record_form_page(
                request,
                project,
                form_class=kit.project_form(project),
                initial=initial,
                save=lambda data, v: kit.update(
                    who=who, record=record, version=parse_version(v), changes=data
                ),
                remove=lambda v: kit.delete(who=who, record=record, version=parse_version(v)),
                title=f"{spec.noun.capitalize()} — {getattr(record, spec.title_field)}",
                intro=spec.intro,
                back_url=kit._url("", project.public_id),
            )

        list_page.__doc__ = f"The project's {spec.nouns}."
        create_page.__doc__ = f"Add {spec.noun}."
        edit_page.__doc__ = f"Edit or remove {spec.noun}."
        return list_page, create_page, edit_page

    def page_urls(
        self,
        prefix: str = "projects/<uuid:project_id>/",
        list_view: Callable[..., HttpResponse] | None = None,
    ) -> list[URLPattern]:
        """``<slug>/``, ``<slug>/new/`` and ``<slug>/<noun>_id/`` pages.

        ``list_view`` replaces the generic list page (a record with a table of its own).
        """
        list_page, create_page, edit_page = self.page_views()
        list_page = list_view or list_page
        stem, name = f"{prefix}{self.spec.slug}/", self.spec.name
        return [
            path(stem, list_page, name=name),
            path(stem + "new/", create_page, name=f"{name}-create"),
            path(stem + f"<uuid:{self.spec.id_kwarg}>/", edit_page, name=f"{name}-edit"),
        ]

    # -- access matrix -------------------------------------------------------------------------

    def access_routes(
        self, api_namespace: str = "api"
    ) -> dict[str, tuple[str, tuple[str, ...], bool]]:
        """The generated routes' declarations for the access matrix: name → (scope, methods, api).

        Every route is project-scoped: reads need ``read_perm``, writes ``write_perm``.
        ``api_namespace`` is where ``api_urls`` are mounted (``/api/v1/``: "api").
        """
        stem = f"{self.spec.namespace}:" if self.spec.namespace else ""
        api = f"{api_namespace}:" if api_namespace else ""
        name = self.spec.name
        return {
            f"{stem}{name}": ("project", ("GET",), False),
            f"{stem}{name}-create": ("project", ("GET", "POST"), False),
            f"{stem}{name}-edit": ("project", ("GET", "POST"), False),
            f"{api}{self.spec.slug}-list": ("project", ("GET", "POST"), True),
            f"{api}{self.spec.slug}-detail": ("project", ("GET", "PATCH", "DELETE"), True),
        }
