"""Request hygiene applied before any view runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "Null characters are not allowed."
UPLOAD_FORM_ALLOWANCE = 1024 * 1024  # multipart boundaries and the other form fields


class RejectNulCharactersMiddleware:
    """Refuse query parameters containing NUL: no database stores them (PostgreSQL refuses).

    Request bodies are checked field by field by the forms and serializers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Answer 400 naming the parameter, or pass the request on."""
        bad = sorted(
            {
                key
                for key, values in request.GET.lists()
                if "\x00" in key or any("\x00" in v for v in values)
            }
        )
        if bad:
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": "Some fields are not valid.",
                        "errors": {k.replace("\x00", ""): [NUL_MESSAGE] for k in bad},
                    },
                    status=400,
                )
            return HttpResponseBadRequest(NUL_MESSAGE)
        return self.get_response(request)


def accepts_uploads[V: Callable[..., Any]](view: V, limit: int | None = None) -> V:
    """Mark a view (function or ``APIView.as_view()``) whose body may carry a file.

    Such a request may be as large as ``limit`` (default ``KEYSTAGE_ATTACHMENT_MAX_BYTES``)
    plus room for the form around it; every other request is capped at
    ``KEYSTAGE_REQUEST_MAX_BYTES``.
    """
    view.keystage_accepts_uploads = True  # type: ignore[attr-defined]
    if limit is not None:
        view.keystage_upload_limit = limit + UPLOAD_FORM_ALLOWANCE  # type: ignore[attr-defined]
    return view


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _undecodable(value: str) -> bool:
    # WSGI passes header bytes as latin-1 text; what we read must be UTF-8 underneath.
    try:
        value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return True
    return False


class RequestLimitsMiddleware:
    """Refuse, before the body is read: oversized, chunked or malformed bodies, bad headers.

    A ``Content-Length`` over the cap answers 413 before Django reads or spools a byte,
    so a large upload never reaches ``/tmp`` unless the route takes uploads; a body
    without a length (chunked) answers 411; an ``Authorization`` or ``If-Match`` header
    that is not UTF-8 answers 400 instead of failing deep inside authentication.
    """

    HEADERS = {"HTTP_AUTHORIZATION": "Authorization", "HTTP_IF_MATCH": "If-Match"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Check the headers, then pass the request on (the size is checked per view)."""
        for key, name in self.HEADERS.items():
            value = request.META.get(key)
            if value and _undecodable(value):
                return _refuse(request, 400, f"The {name} header is not valid UTF-8.")
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not request.META.get("CONTENT_LENGTH"):
            return _refuse(request, 411, "Send the body with a Content-Length.")
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        """Answer 413 when the declared body is larger than this view accepts."""
        raw = (request.META.get("CONTENT_LENGTH") or "0").strip()
        if not (raw.isascii() and raw.isdigit()):  # "²" is a digit to str.isdigit
            return _refuse(request, 400, "The Content-Length header is not a number.")
        uploads = getattr(view_func, "keystage_accepts_uploads", False)
        limit = upload_limit() if uploads else settings.KEYSTAGE_REQUEST_MAX_BYTES
        limit = getattr(view_func, "keystage_upload_limit", limit)
        if len(raw) > 15 or int(raw) > limit:
            return _refuse(
                request, 413, f"The request is too large: at most {limit:,} bytes are accepted."
            )
        return None


def upload_limit() -> int:
    """The largest body of an upload route: the file limit plus room for the form."""
    return int(settings.KEYSTAGE_ATTACHMENT_MAX_BYTES) + UPLOAD_FORM_ALLOWANCE
