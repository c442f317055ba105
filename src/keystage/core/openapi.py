"""OpenAPI post-processing: document the error answers every endpoint can give."""

from __future__ import annotations

import threading
from typing import Any

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: a message, field messages for invalid input, "
    "and the current record for a conflict.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {}},
            "description": "Messages per field.",
        },
        "current": {
            "type": ["object", "null"],
            "description": "The stored record (409 only).",
        },
    },
    "required": ["detail"],
}

DESCRIPTIONS = {
    "400": "Invalid input; `errors` names each field.",
    "401": "Not signed in, or the token is invalid or expired.",
    "403": "Signed in, but the role does not allow this.",
    "404": "No such object, or not visible to you.",
    "409": "Changed by someone else since the given version; `current` holds it.",
    "415": "The body's Content-Type is not one of the request body's media types.",
    "428": "The version being edited is missing (send `version` or If-Match).",
    "429": "Too many attempts; wait and retry.",
}


def _codes(path: str, method: str, operation: dict[str, Any]) -> set[str]:
    codes = {"401", "403"}
    if "{" in path:
        codes.add("404")
    if method in {"post", "patch", "put"} or operation.get("parameters"):
        codes.add("400")
    takes_version = any(
        isinstance(p, dict) and p.get("name") == "If-Match" for p in operation.get("parameters", [])
    )
    if (
        method in {"patch", "delete", "put"}
        or takes_version
        or (method == "post" and (path.endswith("/gates/") or path.endswith("/sign-off/")))
    ):
        codes |= {"409", "428"}
    if path.endswith("/auth/tokens/") and method == "post":
        codes = {"400", "429"}
    if "requestBody" in operation:
        codes.add("415")
    return codes


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular hook: add the Error schema and the 4xx answers to each operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code in sorted(_codes(path, method, operation)):
                operation["responses"].setdefault(code, {"description": DESCRIPTIONS[code], **ref})
    return result


_SCHEMA_LOCK = threading.Lock()


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, generating one schema at a time.

    Its extension registry loads lazily on the first generation and is not
    thread-safe: two first requests at once (the docs page and a client) could
    fail with a 500 on the threaded server.
    """

    @extend_schema(**SCHEMA_KWARGS)  # overriding get drops the parent's decoration
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """The schema, generated under the lock."""
        with _SCHEMA_LOCK:
            return super().get(request, *args, **kwargs)
