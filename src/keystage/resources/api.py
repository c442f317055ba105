"""REST endpoints of resources: the skill catalogue, people (profile, skills, absences),
and a project's equipment and procurement. Thin: parse, call one service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.api import (
    DELETE_PARAMS,
    IF_MATCH,
    expected_version,
    optional_version,
    valid_input,
)
from keystage.portfolio.record_api import record_views
from keystage.resources import selectors, services, supplies
from keystage.resources import serializers as s
from keystage.resources.access import person_lookup
from keystage.resources.selectors import PersonView

USER_ID = OpenApiParameter(
    "user_id", str, OpenApiParameter.PATH, description="User id (UUID) or username."
)


class _Conflicts:
    output: type = s.SkillSerializer

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current record sent with a 409."""
        return self.output(current).data if current is not None else None  # type: ignore[no-any-return]


# ------------------------------------------------------------------ skills


class SkillListCreateView(APIView):
    """The organisation's skill catalogue."""

    @extend_schema(summary="List the skills", responses=s.SkillSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Every skill, by name."""
        return Response(s.SkillSerializer(selectors.skill_list(who=actor(request)), many=True).data)

    @extend_schema(
        summary="Add a skill", request=s.SkillWriteSerializer, responses={201: s.SkillSerializer}
    )
    def post(self, request: Request) -> Response:
        """Add a skill (names are unique, ignoring case)."""
        data = valid_input(s.SkillWriteSerializer, request)
        skill = services.skill_create(who=actor(request), **data)
        return Response(s.SkillSerializer(skill).data, status=status.HTTP_201_CREATED)


class SkillDetailView(_Conflicts, APIView):
    """One skill of the catalogue; administrators and portfolio owners edit and remove."""

    @extend_schema(summary="Read a skill", responses=s.SkillSerializer)
    def get(self, request: Request, skill_id: str) -> Response:
        """Read it."""
        skill = selectors.skill_get(who=actor(request), skill_id=skill_id)
        return Response(s.SkillSerializer(skill).data)

    @extend_schema(
        summary="Edit a skill at its version",
        request=s.SkillWriteSerializer,
        responses=s.SkillSerializer,
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request, skill_id: str) -> Response:
        """Rename or describe it at ``version``."""
        skill = selectors.skill_get(who=actor(request), skill_id=skill_id)
        data = valid_input(s.SkillWriteSerializer, request, partial=True)
        skill = services.skill_update(
            who=actor(request), skill=skill, version=expected_version(request), changes=data
        )
        return Response(s.SkillSerializer(skill).data)

    @extend_schema(summary="Remove a skill", responses={204: None}, parameters=DELETE_PARAMS)
    def delete(self, request: Request, skill_id: str) -> Response:
        """Remove it, with everyone's level in it."""
        skill = selectors.skill_get(who=actor(request), skill_id=skill_id)
        services.skill_delete(who=actor(request), skill=skill, version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# ------------------------------------------------------------------- people


def _person_response(request: Request, view: PersonView) -> Response:
    return Response(s.PersonSerializer(view, context={"who": actor(request)}).data)


class PersonConflicts:
    """A 409 on a profile or skills sends the person as stored now."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The person whose profile changed."""
        if current is None:
            return None
        who = actor(getattr(self, "request", None))
        view = selectors.person_get(who=who, user_id=current.user.public_id)
        return s.PersonSerializer(view, context={"who": who}).data  # type: ignore[no-any-return]


class PersonListView(APIView):
    """People of my organisation as resources."""

    @extend_schema(
        summary="List the people",
        responses=s.PersonSerializer(many=True),
        parameters=[
            OpenApiParameter("skill", str, description="Only people with this skill (id or name)."),
            OpenApiParameter("min_level", int, description="With 'skill': at least this level."),
        ],
    )
    def get(self, request: Request) -> Response:
        """Everyone visible to me, with profile, skills and upcoming absences."""
        who = actor(request)
        skill, level = selectors.skill_filter(
            who=who,
            skill=request.query_params.get("skill"),
            min_level=request.query_params.get("min_level"),
        )
        people = selectors.people_list(who=who, skill=skill, min_level=level)
        return Response(s.PersonSerializer(people, many=True, context={"who": who}).data)


class PersonDetailView(PersonConflicts, APIView):
    """One colleague's resource profile: capacity, rate, title, personal calendar."""

    @extend_schema(summary="Read a person", responses=s.PersonSerializer, parameters=[USER_ID])
    def get(self, request: Request, user_id: str) -> Response:
        """Profile values (the defaults until set), skills and upcoming absences."""
        view = selectors.person_get(who=actor(request), user_id=user_id, today=dt.date.today())
        return _person_response(request, view)

    @extend_schema(
        summary="Edit a person's profile",
        request=s.ProfileWriteSerializer,
        responses=s.PersonSerializer,
        parameters=[USER_ID, IF_MATCH],
    )
    def patch(self, request: Request, user_id: str) -> Response:
        """Change it: yourself, or anyone as administrator or portfolio owner."""
        who = actor(request)
        person = person_lookup(who, user_id)
        data = valid_input(s.ProfileWriteSerializer, request, partial=True)
        services.profile_update(
            who=who, person=person, version=optional_version(request), changes=data
        )
        return _person_response(
            request, selectors.person_get(who=who, user_id=person.public_id, today=dt.date.today())
        )


def _skills_body(view: PersonView) -> dict[str, Any]:
    return s.PersonSkillsSerializer({"version": view.version, "skills": view.skills}).data  # type: ignore[return-value]


class PersonSkillsView(PersonConflicts, APIView):
    """A person's skills and levels, as one set."""

    @extend_schema(
        summary="Read a person's skills", responses=s.PersonSkillsSerializer, parameters=[USER_ID]
    )
    def get(self, request: Request, user_id: str) -> Response:
        """The skills with their levels, and the profile version to send with a change."""
        return Response(_skills_body(selectors.person_get(who=actor(request), user_id=user_id)))

    @extend_schema(
        summary="Replace a person's skills",
        request=s.PersonSkillsWriteSerializer,
        responses=s.PersonSkillsSerializer,
        parameters=[USER_ID, IF_MATCH],
    )
    def put(self, request: Request, user_id: str) -> Response:
        """Replace the set (skills left out are removed) at the profile's ``version``."""
        who = actor(request)
        person = person_lookup(who, user_id)
        data = valid_input(s.PersonSkillsWriteSerializer, request)
        services.person_skills_replace(
            who=who,
            person=person,
            levels=[(item["skill"], item["level"]) for item in data["skills"]],
            version=optional_version(request),
        )
        return Response(_skills_body(selectors.person_get(who=who, user_id=person.public_id)))


class AbsenceListCreateView(APIView):
    """A person's holidays and leave."""

    @extend_schema(
        summary="List a person's absences",
        responses=s.AbsenceSerializer(many=True),
        parameters=[USER_ID],
    )
    def get(self, request: Request, user_id: str) -> Response:
        """All of them, earliest first."""
        who = actor(request)
        person = person_lookup(who, user_id)
        return Response(
            s.AbsenceSerializer(selectors.absence_list(who=who, person=person), many=True).data
        )

    @extend_schema(
        summary="Add an absence",
        request=s.AbsenceWriteSerializer,
        responses={201: s.AbsenceSerializer},
        parameters=[USER_ID],
    )
    def post(self, request: Request, user_id: str) -> Response:
        """Record one (no overlap with another absence of the person)."""
        who = actor(request)
        person = person_lookup(who, user_id)
        data = valid_input(s.AbsenceWriteSerializer, request)
        absence = services.absence_create(who=who, person=person, data=data)
        return Response(s.AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)


class AbsenceDetailView(_Conflicts, APIView):
    """One absence."""

    output = s.AbsenceSerializer

    def _absence(self, request: Request, user_id: str, absence_id: str) -> Any:
        who = actor(request)
        person = person_lookup(who, user_id)
        return selectors.absence_get(who=who, person=person, absence_id=absence_id)

    @extend_schema(summary="Read an absence", responses=s.AbsenceSerializer, parameters=[USER_ID])
    def get(self, request: Request, user_id: str, absence_id: str) -> Response:
        """Read it."""
        return Response(s.AbsenceSerializer(self._absence(request, user_id, absence_id)).data)

    @extend_schema(
        summary="Edit an absence at its version",
        request=s.AbsenceWriteSerializer,
        responses=s.AbsenceSerializer,
        parameters=[USER_ID, IF_MATCH],
    )
    def patch(self, request: Request, user_id: str, absence_id: str) -> Response:
        """Change it at ``version``."""
        absence = self._absence(request, user_id, absence_id)
        data = valid_input(s.AbsenceWriteSerializer, request, partial=True)
        absence = services.absence_update(
            who=actor(request), absence=absence, version=expected_version(request), changes=data
        )
        return Response(s.AbsenceSerializer(absence).data)

    @extend_schema(
        summary="Remove an absence", responses={204: None}, parameters=[USER_ID, *DELETE_PARAMS]
    )
    def delete(self, request: Request, user_id: str, absence_id: str) -> Response:
        """Remove it."""
        absence = self._absence(request, user_id, absence_id)
        services.absence_delete(
            who=actor(request), absence=absence, version=expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- equipment


EquipmentListCreateView, EquipmentDetailView = record_views(
    noun="equipment item",
    id_kwarg="equipment_id",
    output=s.EquipmentSerializer,
    write=s.EquipmentWriteSerializer,
    perm=Perm.EDIT,
    list_fn=lambda *, who, project: selectors.equipment_list(who=who, project_id=project),
    get_fn=lambda *, who, project, equipment_id: selectors.equipment_get(
        who=who, project_id=project, equipment_id=equipment_id
    ),
    create_fn=supplies.equipment_create,
    update_fn=supplies.equipment_update,
    delete_fn=supplies.equipment_delete,
    instance_kwarg="item",
)


# -------------------------------------------------------------- procurement


ProcurementListCreateView, ProcurementDetailView = record_views(
    noun="procurement item",
    id_kwarg="procurement_id",
    output=s.ProcurementSerializer,
    write=s.ProcurementWriteSerializer,
    perm=Perm.EDIT,
    list_fn=lambda *, who, project: selectors.procurement_list(who=who, project_id=project),
    get_fn=lambda *, who, project, procurement_id: selectors.procurement_get(
        who=who, project_id=project, item_id=procurement_id
    ),
    create_fn=supplies.procurement_create,
    update_fn=supplies.procurement_update,
    delete_fn=supplies.procurement_delete,
    instance_kwarg="item",
)
