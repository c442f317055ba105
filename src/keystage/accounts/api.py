"""REST endpoints for the signed-in user, the directory and API tokens."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from knox.models import AuthToken
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts import services
from keystage.accounts.access import users_visible_to
from keystage.accounts.actor import actor
from keystage.accounts.serializers import (
    MeSerializer,
    TokenCreatedSerializer,
    TokenCreateSerializer,
    TokenSerializer,
    UserBriefSerializer,
)
from keystage.accounts.throttle import client_address


class MeView(APIView):
    """The signed-in user."""

    @extend_schema(summary="Read the signed-in user", responses=MeSerializer)
    def get(self, request: Request) -> Response:
        """Who am I."""
        return Response(MeSerializer(actor(request)).data)


@extend_schema_view(get=extend_schema(summary="List my organisation's users"))
class UserListView(generics.ListAPIView):
    """People of my organisation, to invite into projects."""

    serializer_class = UserBriefSerializer
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        """Scoped by the chokepoint."""
        qs = users_visible_to(self.request.user).order_by("username")
        search = self.request.query_params.get("search", "").strip()
        if search:
            qs = qs.filter(username__icontains=search) | qs.filter(last_name__icontains=search)
        return qs


class TokenListCreateView(APIView):
    """Personal API tokens: create one with your credentials, list your own."""

    def get_permissions(self):  # type: ignore[no-untyped-def]
        """Creating a token needs credentials, not a session."""
        if self.request.method == "POST":
            return [AllowAny()]
        return super().get_permissions()

    def get_throttles(self):  # type: ignore[no-untyped-def]
        """No per-address rate: the sign-in throttle counts per account and address."""
        return []

    @extend_schema(summary="List my API tokens", responses=TokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        """My tokens that have not expired."""
        tokens = AuthToken.objects.filter(user=request.user, expiry__gt=timezone.now())
        return Response(TokenSerializer(tokens.order_by("-created"), many=True).data)

    @extend_schema(
        summary="Create an API token",
        request=TokenCreateSerializer,
        responses={201: TokenCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        """Exchange username and password for a token (shown once)."""
        data = TokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record, secret = services.token_create(
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            address=client_address(request),
            expires_in_days=data.validated_data["expires_in_days"],
        )
        body = {
            "token": secret,
            "token_key": record.token_key,
            "created": record.created,
            "expiry": record.expiry,
        }
        return Response(TokenCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class TokenRevokeView(APIView):
    """Revoke one of my tokens."""

    @extend_schema(summary="Revoke an API token", responses={204: None})
    def delete(self, request: Request, token_key: str) -> Response:
        """Revoke it now."""
        services.token_revoke(who=actor(request), token_key=token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)
