"""REST plumbing shared by every app: error mapping and version handling."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from keystage.core.errors import Conflict, DomainError, InvalidInput
from keystage.core.versioning import parse_version

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The version you edit (alternative to the 'version' field).",
)
DELETE_PARAMS = [IF_MATCH, OpenApiParameter("version", int)]


def valid_input(serializer_class: type, request: Request, partial: bool = False) -> dict[str, Any]:
    """The checked input, without the version (which travels separately)."""
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    data.pop("version", None)
    return data


def optional_version(request: Request) -> int | None:
    """The version if the client sent one (the first write of a singleton needs none)."""
    data = request.data if hasattr(request.data, "get") else {}
    if request.headers.get("If-Match") or data.get("version") not in (None, ""):
        return expected_version(request)
    return None


def expected_version(request: Request) -> int:
    """The version the client based its edit on: ``If-Match`` header or ``version`` field."""
    header = request.headers.get("If-Match")
    if header:
        return parse_version(header)
    data = request.data if hasattr(request, "data") else {}
    raw = data.get("version") if hasattr(data, "get") else None
    if raw is None:
        raw = request.query_params.get("version")
    return parse_version(raw)


def flat_errors(errors: Any, prefix: str = "") -> dict[str, list[Any]]:
    """Field errors as ``{field: [messages]}`` whatever their nesting: a nested serializer's
    errors go under dotted names (``thresholds.cpi.green``, ``rows.2.hours``), so every
    client reads one shape, the one the schema describes."""
    if isinstance(errors, dict):
        out: dict[str, list[Any]] = {}
        for key, value in errors.items():
            out.update(flat_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(errors, list | tuple) and any(isinstance(e, dict | list) for e in errors):
        out = {}
        for index, value in enumerate(errors):
            if value:
                out.update(flat_errors(value, f"{prefix}.{index}" if prefix else str(index)))
        return out
    messages = list(errors) if isinstance(errors, list | tuple) else [errors]
    return {prefix or "non_field_errors": messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain errors to clear 4xx bodies: ``{"detail": ..., "errors": {field: [...]}}``."""
    if isinstance(exc, InvalidInput):
        return Response(
            {"detail": "Some fields are not valid.", "errors": flat_errors(exc.errors)},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Conflict):
        body: dict[str, Any] = {"detail": exc.message, "current": None}
        view = context.get("view")
        if exc.current is not None and view is not None and hasattr(view, "conflict_payload"):
            body["current"] = view.conflict_payload(exc.current)
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        data = response.data
        response.data = {
            "detail": "Some fields are not valid.",
            "errors": flat_errors(data),
        }
    return response


class PassthroughRenderer(BaseRenderer):
    """Lets a client ask for a downloaded file's own type; errors still go out as JSON."""

    media_type = "*/*"
    format = "file"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        """Error bodies as JSON text (the file itself bypasses rendering)."""
        return json.dumps(data).encode() if data is not None else b""
