"""Request hygiene applied before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "Null characters are not allowed."


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
