"""REST endpoints: my notifications (list, mark read), my e-mail preferences, and the
comment thread of a project's record. Thin: parse, call one service, answer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.api import DELETE_PARAMS, IF_MATCH, expected_version, valid_input
from keystage.core.errors import InvalidInput
from keystage.core.lookup import get_by_public_id
from keystage.core.paging import PAGE_PARAMETERS, paged_response
from keystage.core.parsers import StrictJSONParser
from keystage.notifications import comments, services
from keystage.notifications import serializers as s
from keystage.notifications.models import Comment
from keystage.notifications.threads import ThreadRecord, parse_record_key, resolve_record
from keystage.portfolio.access import access_project
from keystage.portfolio.models import Project

RECORD = OpenApiParameter(
    "record",
    OpenApiTypes.STR,
    required=True,
    description="The record commented on, as <kind>:<public id> (kinds: task, deliverable).",
)
UNREAD = OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread ones.")


def _only_unread(request: Request) -> bool:
    """``unread=true`` / ``false`` (absent: false); anything else is a field error."""
    given = request.query_params.getlist("unread")
    if not given:
        return False
    if len(given) > 1 or given[0] not in ("true", "false"):
        raise InvalidInput({"unread": "Give true or false."})
    return given[0] == "true"


class NotificationListView(APIView):
    """My notifications, newest first."""

    @extend_schema(
        summary="List my notifications",
        parameters=[UNREAD, *PAGE_PARAMETERS],
        responses=s.NotificationSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """One page; ``X-Total-Count`` gives the total and ``X-Unread-Count`` the unread."""
        mine = services.notifications_of(actor(request)).select_related("project")
        unread = mine.filter(read_at__isnull=True)
        wanted = unread if _only_unread(request) else mine
        response = paged_response(request, wanted, s.NotificationSerializer)
        response["X-Unread-Count"] = str(unread.count())
        return response


class NotificationReadView(APIView):
    """Mark one of my notifications read."""

    @extend_schema(
        summary="Mark a notification read", request=None, responses=s.NotificationSerializer
    )
    def post(self, request: Request, notification_id: str) -> Response:
        """The notification, now read."""
        done = services.mark_read(who=actor(request), notification_id=notification_id)
        return Response(s.NotificationSerializer(done).data)


class NotificationReadAllView(APIView):
    """Mark all my notifications read."""

    @extend_schema(
        summary="Mark all my notifications read", request=None, responses=s.ReadAllSerializer
    )
    def post(self, request: Request) -> Response:
        """How many were unread."""
        return Response({"marked": services.mark_all_read(who=actor(request))})


class PreferencesView(APIView):
    """Which notification kinds I also get by e-mail."""

    # JSON only: every field is optional, so an empty form body would otherwise pass as
    # "change nothing" whatever was sent.
    parser_classes = [StrictJSONParser]

    @extend_schema(summary="Read my e-mail preferences", responses=s.PreferencesSerializer)
    def get(self, request: Request) -> Response:
        """Kind → e-mail on or off."""
        return Response(services.preferences_of(actor(request)))

    @extend_schema(
        summary="Change my e-mail preferences",
        request=s.PreferencesSerializer,
        responses=s.PreferencesSerializer,
    )
    def put(self, request: Request) -> Response:
        """Set the kinds given; the others stay as they were."""
        data = valid_input(s.PreferencesSerializer, request)
        return Response(services.preferences_save(who=actor(request), email=data))


def _thread(request: Request, project_id: str, perm: str) -> tuple[Project, ThreadRecord]:
    project = access_project(who=actor(request), project_id=project_id, perm=perm)
    kind, record_id = parse_record_key(request.query_params.get("record"))
    return project, resolve_record(project, kind, record_id)


class CommentListView(APIView):
    """The comment thread of one record of the project."""

    output = s.CommentSerializer

    @extend_schema(
        summary="List a record's comments",
        parameters=[RECORD],
        responses=s.CommentSerializer(many=True),
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Oldest first."""
        project, record = _thread(request, project_id, Perm.VIEW)
        rows = comments.thread_comments(project=project, record=record)
        return Response(s.CommentSerializer(rows, many=True).data)

    @extend_schema(
        summary="Comment on a record",
        parameters=[RECORD],
        request=s.CommentWriteSerializer,
        responses={201: s.CommentSerializer},
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Post a comment; ``@username`` tells a project member."""
        project, record = _thread(request, project_id, Perm.CONTRIBUTE)
        data = valid_input(s.CommentWriteSerializer, request)
        comment = comments.comment_create(
            who=actor(request), project=project, record=record, data=data
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    """One comment: read, edit (its author, versioned), remove."""

    output = s.CommentSerializer

    def conflict_payload(self, current: Any) -> dict[str, Any]:
        """The current comment sent with a 409."""
        return dict(s.CommentSerializer(current).data)

    def _comment(
        self, request: Request, project_id: str, comment_id: str, perm: str
    ) -> tuple[Comment, ThreadRecord]:
        project = access_project(who=actor(request), project_id=project_id, perm=perm)
        comment = get_by_public_id(
            Comment.objects.filter(project=project).select_related("author", "project"),
            comment_id,
        )
        return comment, resolve_record(project, comment.record_kind, comment.record_id)

    @extend_schema(summary="Read a comment", responses=s.CommentSerializer)
    def get(self, request: Request, project_id: str, comment_id: str) -> Response:
        """The comment."""
        comment, _ = self._comment(request, project_id, comment_id, Perm.VIEW)
        return Response(s.CommentSerializer(comment).data)

    @extend_schema(
        summary="Edit my comment",
        parameters=[IF_MATCH],
        request=s.CommentWriteSerializer,
        responses=s.CommentSerializer,
    )
    def patch(self, request: Request, project_id: str, comment_id: str) -> Response:
        """New body at ``version`` (409 when it changed meanwhile)."""
        comment, record = self._comment(request, project_id, comment_id, Perm.CONTRIBUTE)
        version = expected_version(request)
        data = valid_input(s.CommentWriteSerializer, request)
        done = comments.comment_update(
            who=actor(request), record=record, comment=comment, version=version, changes=data
        )
        return Response(s.CommentSerializer(done).data)

    @extend_schema(summary="Remove a comment", parameters=DELETE_PARAMS, responses={204: None})
    def delete(self, request: Request, project_id: str, comment_id: str) -> Response:
        """Its author, or the project manager."""
        comment, record = self._comment(request, project_id, comment_id, Perm.CONTRIBUTE)
        comments.comment_delete(
            who=actor(request), record=record, comment=comment, version=expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
