"""Login throttling that tells nothing about which accounts exist.

Failures are counted per username and per client address; the same message
answers a locked-out real account and a made-up one.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

LOCKED_MESSAGE = "Too many failed sign-in attempts. Wait 15 minutes and try again."


def _keys(username: str, address: str) -> list[str]:
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:user:{name}", f"login-fail:addr:{address}"]


def login_locked(username: str, address: str) -> bool:
    """Whether sign-in attempts for this username or from this address are paused."""
    limit = settings.LOGIN_FAILURE_LIMIT
    user_key, addr_key = _keys(username, address)
    return bool((cache.get(user_key) or 0) >= limit or (cache.get(addr_key) or 0) >= limit * 4)


def login_failed(username: str, address: str) -> None:
    """Count one failed attempt."""
    for key in _keys(username, address):
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_succeeded(username: str, address: str) -> None:
    """Forget the failures of this username after a successful sign-in."""
    cache.delete(_keys(username, address)[0])


def client_address(request: object) -> str:
    """The client's address as the server saw it (proxies are not trusted)."""
    meta = getattr(request, "META", {})
    return str(meta.get("REMOTE_ADDR", "unknown"))
