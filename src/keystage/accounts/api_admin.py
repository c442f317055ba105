"""REST endpoints for organisation admins: the organisation's users and their access."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts import offboarding, organisation
from keystage.accounts.actor import actor
from keystage.accounts.serializers import (
    ManagedUserSerializer,
    ManagedUserUpdateSerializer,
    OrganisationSerializer,
    OrganisationUpdateSerializer,
    RevokedSerializer,
)
from keystage.core.api import IF_MATCH, expected_version, valid_input
from keystage.core.parsers import StrictJSONParser


class StrictLimitOffset(LimitOffsetPagination):
    """``limit`` (1–500) and ``offset`` (0–10⁶) checked: a malformed value is a 400."""

    max_limit = 500

    def _number(self, request: Request, name: str, low: int, high: int) -> int | None:
        raw = request.query_params.getlist(name)
        if not raw:
            return None
        try:
            value = int(raw[-1])
        except ValueError:
            value = low - 1
        if len(raw) > 1 or not low <= value <= high:
            raise ValidationError({name: [f"Give one whole number from {low} to {high}."]})
        return value

    def get_limit(self, request: Request) -> int | None:
        """The page size, checked."""
        value = self._number(request, self.limit_query_param, 1, self.max_limit)
        return self.default_limit if value is None else value

    def get_offset(self, request: Request) -> int:
        """The offset, checked."""
        return self._number(request, self.offset_query_param, 0, 1_000_000) or 0


class ManagedUserListView(generics.ListAPIView):
    """Every user of my organisation, active or not (organisation admins only)."""

    serializer_class = ManagedUserSerializer
    pagination_class = StrictLimitOffset

    @extend_schema(summary="List my organisation's users (admins)")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Paginated with ``limit``/``offset``."""
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        """Scoped by the service (Forbidden for non-admins)."""
        return offboarding.managed_users(who=actor(self.request))


class ManagedUserDetailView(APIView):
    """One user of my organisation: read, deactivate/reactivate, change role."""

    def conflict_payload(self, current: Any) -> dict[str, Any]:
        """The stored user, for a 409."""
        fresh = offboarding.managed_user_get(who=actor(self.request), user_id=current.public_id)
        return dict(ManagedUserSerializer(fresh).data)

    @extend_schema(
        summary="Read one of my organisation's users (admins)", responses=ManagedUserSerializer
    )
    def get(self, request: Request, user_id: str) -> Response:
        """The user with role, state, last sign-in and token count."""
        user = offboarding.managed_user_get(who=actor(request), user_id=user_id)
        return Response(ManagedUserSerializer(user).data)

    @extend_schema(
        summary="Deactivate, reactivate or change the role of a user (admins)",
        request=ManagedUserUpdateSerializer,
        responses=ManagedUserSerializer,
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request, user_id: str) -> Response:
        """Send ``is_active`` and/or ``org_role`` with the version you read."""
        who = actor(request)
        user = offboarding.managed_user_get(who=who, user_id=user_id)
        data = valid_input(ManagedUserUpdateSerializer, request, partial=True)
        version = expected_version(request)
        offboarding.managed_user_update(who=who, user=user, version=version, **data)
        fresh = offboarding.managed_user_get(who=who, user_id=user_id)
        return Response(ManagedUserSerializer(fresh).data)


class ManagedUserRevokeView(APIView):
    """End all of a user's API tokens and sessions (organisation admins only)."""

    @extend_schema(
        summary="Revoke all API tokens and sessions of a user (admins)",
        request=None,
        responses=RevokedSerializer,
    )
    def post(self, request: Request, user_id: str) -> Response:
        """Revoke now; returns how many tokens were revoked."""
        who = actor(request)
        user = offboarding.managed_user_get(who=who, user_id=user_id)
        count = offboarding.managed_user_revoke_access(who=who, user=user)
        return Response(RevokedSerializer({"tokens_revoked": count}).data)


class OrganisationView(APIView):
    """My organisation's settings: everyone reads them, administrators change them."""

    # JSON only: in a form body DRF reads a blank optional field as "not sent", so a blank
    # currency would pass as "no change" instead of being refused.
    parser_classes = [StrictJSONParser]

    def conflict_payload(self, current: Any) -> dict[str, Any]:
        """The stored settings, for a 409."""
        return dict(OrganisationSerializer(current).data)

    @extend_schema(summary="Read my organisation's settings", responses=OrganisationSerializer)
    def get(self, request: Request) -> Response:
        """Name, currency and whether project managers open projects."""
        return Response(OrganisationSerializer(organisation.organisation_of(actor(request))).data)

    @extend_schema(
        summary="Change my organisation's settings (admins)",
        request=OrganisationUpdateSerializer,
        responses=OrganisationSerializer,
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request) -> Response:
        """Send ``currency`` and/or ``project_managers_open_projects`` with the version."""
        data = valid_input(OrganisationUpdateSerializer, request, partial=True)
        data.pop("version", None)
        fresh = organisation.organisation_settings_update(
            who=actor(request), version=expected_version(request), changes=data
        )
        return Response(OrganisationSerializer(fresh).data)
