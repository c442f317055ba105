"""REST endpoints of the handover, the training, the review and the lessons search.

The checklist items, training sessions and lessons are record-kit records (their
endpoints come from the kits); this module has the one-per-project records, the sign-off,
the files, the attendance and the search across projects.
"""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.access import users_visible_to
from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.closing import serializers as s
from keystage.closing.handover import services as handover
from keystage.closing.models import ClosingFile, TrainingSession
from keystage.closing.review import search
from keystage.closing.review.services import review_of, review_save
from keystage.closing.training import services as training
from keystage.core.api import (
    DELETE_PARAMS,
    IF_MATCH,
    PassthroughRenderer,
    expected_version,
    optional_version,
    valid_input,
)
from keystage.core.errors import InvalidInput, NotFound
from keystage.core.files import SERVED_MEDIA_TYPES, file_response
from keystage.core.lookup import get_by_public_id
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.selectors import project_get


class _Conflicts:
    output: type = s.HandoverSerializer

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current record sent with a 409."""
        return self.output(current).data if current is not None else None  # type: ignore[no-any-return]


def support_lead_from(who: Any, data: dict[str, Any]) -> dict[str, Any]:
    """``support_lead`` as a user of the organisation (by username), or None."""
    if "support_lead" not in data:
        return data
    name = (data.get("support_lead") or "").strip()
    if not name:
        return {**data, "support_lead": None}
    user = users_visible_to(who).filter(username=name).first()
    if user is None:
        raise InvalidInput({"support_lead": "No such person in the organisation."})
    return {**data, "support_lead": user}


class HandoverView(_Conflicts, APIView):
    """The project's support handover (one per project)."""

    @extend_schema(summary="Read the support handover", responses=s.HandoverSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Read it (404 until written)."""
        project = project_get(who=actor(request), project_id=project_id)
        found = handover.handover_of(project)
        if found is None:
            raise NotFound("No handover has been written yet.")
        return Response(s.HandoverSerializer(found).data)

    @extend_schema(
        summary="Write the support handover",
        request=s.HandoverWriteSerializer,
        responses=s.HandoverSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, project_id: str) -> Response:
        """Write it, or replace it at ``version`` (409 if stale, 428 if missing, 400 once
        signed)."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id, perm=Perm.EDIT)
        data = support_lead_from(who, valid_input(s.HandoverWriteSerializer, request))
        saved = handover.handover_save(
            who=who, project=project, version=optional_version(request), data=data
        )
        return Response(s.HandoverSerializer(saved).data)


class HandoverSignView(_Conflicts, APIView):
    """The receiving support lead's sign-off."""

    @extend_schema(
        summary="Sign the handover off (the receiving support lead only)",
        request=s.SignSerializer,
        responses=s.HandoverSerializer,
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Sign at the handover's ``version``: 403 for anyone but the support lead, 400
        while checklist items are open."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id)
        data = valid_input(s.SignSerializer, request)
        signed = handover.handover_sign(
            who=who,
            project=project,
            version=expected_version(request),
            comment=data.get("comment", ""),
        )
        return Response(s.HandoverSerializer(signed).data)


def _session(who: Any, project: Any, session_id: Any) -> TrainingSession:
    return get_by_public_id(  # type: ignore[no-any-return]
        TrainingSession.objects.filter(project__in=projects_visible_to(who), project=project),
        session_id,
    )


class ClosingFilesView(APIView):
    """Runbooks, documentation and training materials of the project."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="List the handover and training files",
        responses=s.ClosingFileSerializer(many=True),
        parameters=[OpenApiParameter("topic", str, required=False)],
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Every file, or those of one ``topic`` (handover, training)."""
        project = project_get(who=actor(request), project_id=project_id)
        files = ClosingFile.objects.filter(project=project).select_related("session", "uploaded_by")
        topic = request.query_params.get("topic")
        if topic:
            files = files.filter(topic=topic)
        return Response(s.ClosingFileSerializer(files, many=True).data)

    @extend_schema(
        summary="Attach a file to the handover or the training",
        request={"multipart/form-data": s.ClosingFileUploadSerializer},
        responses={201: s.ClosingFileSerializer},
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Upload ``file`` (at most 20 MB by default) with its ``topic``; training materials
        may name their ``session``."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id, perm=Perm.CONTRIBUTE)
        body: Any = request.data
        topic = str(body.get("topic") or "")
        raw_session = body.get("session") or None
        session = _session(who, project, raw_session) if raw_session else None
        record = handover.closing_file_add(
            who=who, project=project, upload=request.FILES.get("file"), topic=topic, session=session
        )
        return Response(s.ClosingFileSerializer(record).data, status=status.HTTP_201_CREATED)


def _file(request: Request, project_id: str, file_id: str, perm: str) -> ClosingFile:
    who = actor(request)
    project = project_get(who=who, project_id=project_id, perm=perm)
    return get_by_public_id(  # type: ignore[no-any-return]
        ClosingFile.objects.filter(project=project).select_related("project"), file_id
    )


class ClosingFileView(APIView):
    """One file: download or remove."""

    def get_renderers(self) -> list[Any]:
        """JSON, and for the download also the file's own type (errors stay JSON)."""
        if self.request is not None and self.request.method == "GET":
            return [JSONRenderer(), PassthroughRenderer()]
        return [JSONRenderer()]

    @extend_schema(
        summary="Download a handover or training file",
        responses={
            **{(200, media): OpenApiTypes.BINARY for media in SERVED_MEDIA_TYPES},
            404: OpenApiTypes.OBJECT,
        },
    )
    def get(self, request: Request, project_id: str, file_id: str) -> HttpResponseBase:
        """Sent as an attachment with a safe content type."""
        return file_response(_file(request, project_id, file_id, Perm.VIEW))

    @extend_schema(summary="Remove a file", responses={204: None}, parameters=DELETE_PARAMS)
    def delete(self, request: Request, project_id: str, file_id: str) -> Response:
        """Remove it at its version (journaled; a signed handover keeps its files)."""
        record = _file(request, project_id, file_id, Perm.CONTRIBUTE)
        handover.closing_file_remove(
            who=actor(request), record=record, version=expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _training_payload(project: Any) -> dict[str, Any]:
    plan = training.training_plan_of(project)
    rate = training.completion(project)
    return {
        "users_to_train": plan.users_to_train if plan else None,
        "trainees": plan.trainees if plan else "",
        "version": plan.version if plan else None,
        "completion": {**rate.__dict__, "percent": rate.percent},
    }


class TrainingView(APIView):
    """Who must be trained, and how far training has come."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current plan sent with a 409."""
        return _training_payload(current.project) if current is not None else None

    @extend_schema(summary="Read the training plan and completion", responses=s.TrainingSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """The users to train and the completion rate (the plan's fields null until set)."""
        project = project_get(who=actor(request), project_id=project_id)
        return Response(_training_payload(project))

    @extend_schema(
        summary="Set the users to train",
        request=s.TrainingPlanWriteSerializer,
        responses=s.TrainingSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, project_id: str) -> Response:
        """A number, or names one per line (which then count); ``version`` after the first."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id, perm=Perm.EDIT)
        data = valid_input(s.TrainingPlanWriteSerializer, request)
        training.training_plan_save(
            who=who, project=project, version=optional_version(request), data=data
        )
        return Response(_training_payload(project))


def _attendance_payload(session: TrainingSession) -> dict[str, Any]:
    rows = list(session.attendance.select_related("person"))
    return {
        "session": session.public_id,
        "invited": session.invited,
        "attended": len(rows),
        "names": [r.name for r in rows if r.person is None],
        "people": [r.person.username for r in rows if r.person is not None],
        "version": session.version,
    }


class AttendanceView(APIView):
    """Who attended one training session."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current attendance sent with a 409."""
        return _attendance_payload(current) if current is not None else None

    @extend_schema(summary="Read a session's attendance", responses=s.AttendanceOutSerializer)
    def get(self, request: Request, project_id: str, training_session_id: str) -> Response:
        """Names and people who attended, against the people invited."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id)
        return Response(_attendance_payload(_session(who, project, training_session_id)))

    @extend_schema(
        summary="Record a session's attendance",
        request=s.AttendanceSerializer,
        responses=s.AttendanceOutSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, project_id: str, training_session_id: str) -> Response:
        """Replace the attendance at the session's ``version`` (400 above the invited)."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id, perm=Perm.CONTRIBUTE)
        session = _session(who, project, training_session_id)
        data = valid_input(s.AttendanceSerializer, request)
        fresh = training.attendance_set(
            who=who,
            session=session,
            version=expected_version(request),
            names=data.get("names", []),
            people=data.get("people", []),
        )
        return Response(_attendance_payload(fresh))


class ReviewView(APIView):
    """The post-project review meeting (one per project)."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current review sent with a 409."""
        return s.ReviewSerializer(current).data if current is not None else None

    @extend_schema(summary="Read the post-project review", responses=s.ReviewSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Read it (404 until recorded)."""
        project = project_get(who=actor(request), project_id=project_id)
        review = review_of(project)
        if review is None:
            raise NotFound("No post-project review has been recorded yet.")
        return Response(s.ReviewSerializer(review).data)

    @extend_schema(
        summary="Record the post-project review",
        request=s.ReviewWriteSerializer,
        responses=s.ReviewSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, project_id: str) -> Response:
        """Record it, or replace it at ``version`` (409 if stale, 428 if missing)."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id, perm=Perm.EDIT)
        data = valid_input(s.ReviewWriteSerializer, request)
        review = review_save(who=who, project=project, version=optional_version(request), data=data)
        return Response(s.ReviewSerializer(review).data)


class LessonSearchView(APIView):
    """Lessons learned of every project the caller may see."""

    @extend_schema(
        summary="Search the lessons learned across projects",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=False,
                description='Words (all must match); on PostgreSQL also "phrases", or, -word.',
            )
        ],
        responses=s.LessonHitSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """At most 50 lessons, best first (the newest without ``q``)."""
        found = search.lesson_search(who=actor(request), q=request.query_params.get("q", ""))
        return Response(s.LessonHitSerializer(found, many=True).data)
