"""REST endpoints for projects, members, gates and history. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core.api import IF_MATCH, expected_version
from keystage.core.errors import InvalidInput, NotFound
from keystage.core.lookup import parse_public_id
from keystage.core.paging import PAGE_PARAMETERS, page_bounds, paged_response
from keystage.portfolio import reopen, selectors, services
from keystage.portfolio.access import users_visible_to
from keystage.portfolio.duties import require_manage_roles
from keystage.portfolio.serializers import (
    AuditEntrySerializer,
    GateDecisionCreateSerializer,
    GateDecisionSerializer,
    MembershipCreateSerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
    ProjectCreateSerializer,
    ProjectReopenSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
)


def _valid(serializer_class: type, data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def user_ref(who: Any, ref: Any, field: str) -> User | None:
    """Resolve a user id or username within the caller's organisation."""
    if ref in (None, ""):
        return None
    text = str(ref).strip()
    qs = users_visible_to(who)
    try:
        user = qs.filter(public_id=parse_public_id(text)).first()
    except NotFound:
        user = qs.filter(username=text).first()
    if user is None:
        raise InvalidInput({field: "No such user in your organisation."})
    return user


class ProjectListCreateView(APIView):
    """The portfolio: list visible projects, open a new one."""

    @extend_schema(
        summary="List the projects",
        responses=ProjectSerializer(many=True),
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("stage", str),
            OpenApiParameter("kind", str),
            OpenApiParameter("status", str),
        ],
    )
    def get(self, request: Request) -> Response:
        """Visible projects, filtered."""
        params = request.query_params
        projects = selectors.project_list(
            who=actor(request),
            search=params.get("search", "")[:100],
            stage=params.get("stage", ""),
            kind=params.get("kind", ""),
            status=params.get("status", ""),
        )
        return Response(ProjectSerializer(projects, many=True).data)

    @extend_schema(
        summary="Open a project",
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer},
    )
    def post(self, request: Request) -> Response:
        """Open a project in Initiation."""
        data = _valid(ProjectCreateSerializer, request.data)
        data["project_manager"] = user_ref(
            request.user, data.get("project_manager"), "project_manager"
        )
        data["sponsor"] = user_ref(request.user, data.get("sponsor"), "sponsor")
        project = services.project_create(who=actor(request), **data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(APIView):
    """One project."""

    def conflict_payload(self, current: Any) -> dict[str, Any]:
        """The current state sent with a 409."""
        return ProjectSerializer(current).data  # type: ignore[return-value]

    @extend_schema(summary="Read a project", responses=ProjectSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Read it."""
        project = selectors.project_get(who=actor(request), project_id=project_id)
        return Response(ProjectSerializer(project).data)

    @extend_schema(
        summary="Edit a project at its version",
        request=ProjectUpdateSerializer,
        responses=ProjectSerializer,
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request, project_id: str) -> Response:
        """Edit details, based on a version (409 if stale, 428 if missing)."""
        project = selectors.project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        data = _valid(ProjectUpdateSerializer, request.data)
        data.pop("version", None)
        version = expected_version(request)
        project = services.project_update(
            who=actor(request),
            project=project,
            version=version,
            changes=data,
        )
        return Response(ProjectSerializer(project).data)


class MemberListCreateView(APIView):
    """Members of a project."""

    @extend_schema(summary="List the members", responses=MembershipSerializer(many=True))
    def get(self, request: Request, project_id: str) -> Response:
        """List them."""
        project = selectors.project_get(who=actor(request), project_id=project_id)
        members = selectors.member_list(who=actor(request), project=project)
        return Response(MembershipSerializer(members, many=True).data)

    @extend_schema(
        summary="Add or invite a member",
        request=MembershipCreateSerializer,
        responses={201: MembershipSerializer},
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Invite a person with a role (the sponsor role only from an admin or PMO)."""
        project = selectors.project_get(who=actor(request), project_id=project_id)
        require_manage_roles(request.user, project, "inviting members")
        data = _valid(MembershipCreateSerializer, request.data)
        if data.get("email"):
            membership = services.member_invite(
                who=actor(request),
                project=project,
                email=data["email"],
                role=data["role"],
                full_name=data.get("full_name", ""),
            )
        else:
            membership = services.member_add(
                who=actor(request),
                project=project,
                user=user_ref(request.user, data["user"], "user"),
                role=data["role"],
            )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    """One member of a project."""

    def conflict_payload(self, current: Any) -> dict[str, Any]:
        """The current state sent with a 409."""
        return MembershipSerializer(current).data  # type: ignore[return-value]

    def _membership(self, request: Request, project_id: str, member_id: str, perm: str) -> Any:
        project = selectors.project_get(who=actor(request), project_id=project_id)
        if perm != Perm.VIEW:
            require_manage_roles(request.user, project, "changing members")
        return selectors.member_get(who=actor(request), project=project, membership_id=member_id)

    @extend_schema(summary="Read a member", responses=MembershipSerializer)
    def get(self, request: Request, project_id: str, member_id: str) -> Response:
        """Read it."""
        return Response(
            MembershipSerializer(self._membership(request, project_id, member_id, Perm.VIEW)).data
        )

    @extend_schema(
        summary="Change a member's role",
        request=MembershipUpdateSerializer,
        responses=MembershipSerializer,
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request, project_id: str, member_id: str) -> Response:
        """Change the role."""
        membership = self._membership(request, project_id, member_id, Perm.MANAGE_MEMBERS)
        data = _valid(MembershipUpdateSerializer, request.data)
        membership = services.member_change_role(
            who=actor(request),
            membership=membership,
            version=expected_version(request),
            role=data["role"],
        )
        return Response(MembershipSerializer(membership).data)

    @extend_schema(
        summary="Remove a member",
        responses={204: None},
        parameters=[IF_MATCH, OpenApiParameter("version", int)],
    )
    def delete(self, request: Request, project_id: str, member_id: str) -> Response:
        """Remove the member."""
        membership = self._membership(request, project_id, member_id, Perm.MANAGE_MEMBERS)
        services.member_remove(
            who=actor(request),
            membership=membership,
            version=expected_version(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class GateListCreateView(APIView):
    """The project's gate decisions."""

    def conflict_payload(self, current: Any) -> dict[str, Any]:
        """The current project sent with a 409."""
        return ProjectSerializer(current).data  # type: ignore[return-value]

    @extend_schema(summary="List the gate decisions", responses=GateDecisionSerializer(many=True))
    def get(self, request: Request, project_id: str) -> Response:
        """The gate history, oldest first."""
        project = selectors.project_get(who=actor(request), project_id=project_id)
        gates = selectors.gate_list(who=actor(request), project=project)
        return Response(GateDecisionSerializer(gates, many=True).data)

    @extend_schema(
        summary="Decide a gate",
        request=GateDecisionCreateSerializer,
        responses={201: GateDecisionSerializer},
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Decide the gate (sponsor or administrator); ``version`` is the project's."""
        project = selectors.project_get(
            who=actor(request), project_id=project_id, perm=Perm.DECIDE_GATE
        )
        data = _valid(GateDecisionCreateSerializer, request.data)
        data.pop("version", None)
        decision = services.gate_decide(
            who=actor(request),
            project=project,
            version=expected_version(request),
            **data,
        )
        return Response(GateDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class ProjectReopenView(APIView):
    """Reopen a closed or cancelled project (organisation administrators)."""

    def conflict_payload(self, current: Any) -> dict[str, Any]:
        """The current project sent with a 409."""
        return ProjectSerializer(current).data  # type: ignore[return-value]

    @extend_schema(
        summary="Reopen a closed or cancelled project",
        description="Organisation administrators only, with a reason (journaled). The project "
        "returns, active, to the stage its closing gate left; its members are notified.",
        request=ProjectReopenSerializer,
        responses={200: ProjectSerializer},
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Reopen with ``reason`` and the project's ``version`` (or If-Match)."""
        project = selectors.project_get(who=actor(request), project_id=project_id)
        reopen.require_reopen(actor(request), project)
        data = _valid(ProjectReopenSerializer, request.data)
        reopened = reopen.project_reopen(
            who=actor(request),
            project=project,
            version=expected_version(request),
            reason=data["reason"],
        )
        return Response(ProjectSerializer(reopened).data)


class ProjectHistoryView(APIView):
    """The project's journal."""

    @extend_schema(
        summary="Read the project's history",
        description="Newest first, one page at a time: the total is in X-Total-Count and "
        'the next page in the Link header (rel="next").',
        parameters=PAGE_PARAMETERS,
        responses=AuditEntrySerializer(many=True),
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Every change, newest first, paged by ``limit`` and ``offset``."""
        page_bounds(request)  # bad paging is a 400 before any lookup
        project = selectors.project_get(who=actor(request), project_id=project_id)
        entries = selectors.project_history(who=actor(request), project=project)
        return paged_response(request, entries, AuditEntrySerializer)
