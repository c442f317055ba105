"""One submission of a form saves once: the submission key every form page carries.

A form page renders a random key in a hidden field (:data:`FIELD`). The first POST that
carries it claims it in the shared cache (an atomic ``add``); when its save succeeds the
key remembers where that save went (the URL or flash message the page answered with), for
:data:`REMEMBER_SECONDS`. A second POST with the same key (a double click, a resubmit
after a slow answer, a browser retry) does not call the service again: it gets the
first one's answer. A save that failed releases the key, so the corrected form, which
carries the same key, saves normally.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

FIELD = "submit_key"
REMEMBER_SECONDS = 6 * 3600
WAIT_SECONDS = 5.0  # how long a repeat waits for the first submission to finish
_PENDING = "…pending"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_key() -> str:
    """A fresh submission key for a form being rendered."""
    return secrets.token_urlsafe(18)


def form_key(request: HttpRequest) -> str:
    """The key the rendered form carries: the posted one when it is well-formed, else new."""
    posted = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return posted if _SHAPE.match(posted) else new_key()


class Submission:
    """The submission a POST belongs to (a no-op when the form sent no key)."""

    def __init__(self, request: HttpRequest) -> None:
        raw = request.POST.get(FIELD, "")
        user = getattr(request.user, "pk", None) or "anon"
        self.key = f"ks:submit:{user}:{raw}" if _SHAPE.match(raw) else None
        self.claimed = False

    def repeat_of(self) -> Any:
        """None when this POST may save; else what the first POST with this key answered.

        Waits up to :data:`WAIT_SECONDS` while the first POST is still saving; if it has
        still not finished, answers ``""`` (the caller then says it is being saved).
        """
        if self.key is None:
            return None
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            if cache.add(self.key, _PENDING, REMEMBER_SECONDS):
                self.claimed = True
                return None
            value = cache.get(self.key)
            if value is not None and value != _PENDING:
                return value
            if time.monotonic() >= deadline:
                return ""
            if value == _PENDING:
                time.sleep(0.05)

    def done(self, answer: Any) -> None:
        """Remember what this submission answered (a URL or a flash message)."""
        if self.key is not None and self.claimed:
            cache.set(self.key, answer, REMEMBER_SECONDS)

    def failed(self) -> None:
        """Release the key: the form comes back with errors and may be sent again."""
        if self.key is not None and self.claimed:
            cache.delete(self.key)
            self.claimed = False
