"""Sign-in and password-reset throttling that tells nothing about which accounts exist.

The main rule counts sign-in attempts per *account and client address*: the first
``LOGIN_FAILURE_LIMIT`` failures are free, then each further attempt waits for an
exponential back-off (1 s, 2 s, 4 s … up to ``LOGIN_BACKOFF_MAX_SECONDS``) and only
one attempt at a time is let through. A stranger therefore cannot lock the sponsor
out from the sponsor's own address, and colleagues behind one proxy do not lock
each other out. An address-wide count is much higher and only slows an address
down (one attempt per second), it never locks it.

Every check happens before the password is hashed. Free attempts are slots claimed
with ``cache.add``, which is atomic on every Django cache backend (Redis, Memcached,
the database cache's unique key, the in-process lock), so concurrent attempts cannot
slip past the limit; the address-wide count uses ``add`` + ``incr``. A made-up username is counted
exactly like a real one.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from keystage.core.errors import DomainError

LOCKED_MESSAGE = (
    "Too many failed sign-in attempts. Wait a little and try again; "
    "each further failure doubles the wait (up to 15 minutes)."
)
RESET_LIMITED_MESSAGE = "Too many password-reset requests from here. Try again in an hour."
_TURN_SECONDS = 60  # a crashed attempt frees its turn after this long
_RESET_WINDOW_SECONDS = 60 * 60


class TooManyAttempts(DomainError):
    """Sign-in (or reset) paused by the throttle; the same for real and made-up accounts."""

    status_code = 429


# ------------------------------------------------------------------ counters


def _incr(key: str, timeout: int) -> int:
    """Atomically add one to ``key`` (created at 0 with ``timeout``); the new value."""
    for _ in range(3):
        cache.add(key, 0, timeout=timeout)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr
            continue
    cache.set(key, 1, timeout=timeout)
    return 1


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:40]


# ------------------------------------------------------------------ sign-in


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt admitted by the throttle, to be reported as failed or succeeded.

    ``slot`` is the free attempt it holds (1 … limit), or 0 for the single turn
    allowed after a back-off.
    """

    key: str
    address: str
    slot: int


_IN_FLIGHT, _FAILED = 1, 2


def _account_key(username: str, address: str) -> str:
    return "login:" + _digest(username.strip().lower(), address)


def _address_key(address: str) -> str:
    return "login-addr:" + _digest(address)


def _slots(key: str) -> list[str]:
    return [f"{key}:slot:{n}" for n in range(1, settings.LOGIN_FAILURE_LIMIT + 1)]


def _backoff(level: int) -> int:
    """Seconds to wait after the free failures and ``level`` failed turns: 1, 2, 4 … capped."""
    return int(min(2 ** min(level, 30), settings.LOGIN_BACKOFF_MAX_SECONDS))


def attempt_begin(username: str, address: str) -> Attempt:
    """Admit one sign-in attempt or raise :class:`TooManyAttempts`; call before hashing.

    Free attempts are slots claimed with ``cache.add`` (atomic on every Django cache
    backend: Redis, Memcached, the database's unique key, the in-process lock), so no
    more than the limit can be in flight or failed at once. Past them, one turn at a
    time, once every free attempt has failed and the back-off has passed.
    """
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    addr_key = _address_key(address)
    busy = (cache.get(f"{addr_key}:f") or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
    # A busy address is slowed to one attempt per second, never locked.
    if busy and not cache.add(f"{addr_key}:tick", 1, timeout=1):
        raise TooManyAttempts(LOCKED_MESSAGE)
    key = _account_key(username, address)
    slots = _slots(key)
    for number, slot in enumerate(slots, start=1):
        if cache.add(slot, _IN_FLIGHT, timeout=window):
            return Attempt(key=key, address=address, slot=number)
    if not cache.add(f"{key}:turn", 1, timeout=_TURN_SECONDS):
        raise TooManyAttempts(LOCKED_MESSAGE)
    states = cache.get_many(slots)
    all_failed = all(states.get(slot) == _FAILED for slot in slots)
    if not all_failed or cache.get(f"{key}:block") is not None:
        cache.delete(f"{key}:turn")
        raise TooManyAttempts(LOCKED_MESSAGE)
    return Attempt(key=key, address=address, slot=0)


def attempt_failed(attempt: Attempt) -> None:
    """Record a failure and set the next back-off (before the turn is given back)."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    key = attempt.key
    if attempt.slot:
        # The back-off first, then the mark: when the last free slot reads "failed",
        # a waiting turn already sees the block.
        cache.set(f"{key}:block", 1, timeout=_backoff(0))
        cache.set(f"{key}:slot:{attempt.slot}", _FAILED, timeout=window)  # only its holder writes
    else:  # the turn holder is alone: reading and writing the level is safe
        level = int(cache.get(f"{key}:level") or 0) + 1
        cache.set(f"{key}:level", level, timeout=window)
        cache.set(f"{key}:block", 1, timeout=_backoff(level))
        cache.delete(f"{key}:turn")
    _incr(f"{_address_key(attempt.address)}:f", window)


def attempt_succeeded(attempt: Attempt) -> None:
    """Forget this account's failures from this address after a successful sign-in."""
    parts = [f"{attempt.key}:{part}" for part in ("block", "turn", "level")]
    cache.delete_many([*_slots(attempt.key), *parts])


def attempt_abandoned(attempt: Attempt) -> None:
    """Give the slot or turn back when the attempt ended without an answer (an error)."""
    if attempt.slot:
        cache.delete(f"{attempt.key}:slot:{attempt.slot}")
    else:
        cache.delete(f"{attempt.key}:turn")


# ------------------------------------------------------------------ password reset


def reset_mail_allowed(email: str, address: str) -> bool:
    """Count a reset request; False when this e-mail address had its share of mails.

    Raises :class:`TooManyAttempts` when the client address asked too often (that
    says nothing about any account). The e-mail count is kept whether or not an
    account has this address.
    """
    per_address = _incr("reset-addr:" + _digest(address), _RESET_WINDOW_SECONDS)
    if per_address > settings.PASSWORD_RESET_LIMIT_PER_ADDRESS:
        raise TooManyAttempts(RESET_LIMITED_MESSAGE)
    per_email = _incr("reset-mail:" + _digest(email.strip().lower()), _RESET_WINDOW_SECONDS)
    return per_email <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL


# ------------------------------------------------------------------ client address


@functools.lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for entry in entries:
        with contextlib.suppress(ValueError):  # reported by the system check E001
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
    return tuple(networks)


def _trusted(address: str) -> bool:
    networks = _networks(tuple(settings.KEYSTAGE_TRUSTED_PROXIES))
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(request: Any) -> str:
    """The client's address: ``REMOTE_ADDR``, or the proxy's word for it if the proxy is trusted.

    ``X-Forwarded-For`` counts only when the direct peer is one of
    ``KEYSTAGE_TRUSTED_PROXIES``; then the right-most address that is not itself a
    trusted proxy is the client (addresses further left may be made up by anyone).
    """
    meta = getattr(request, "META", {})
    remote = str(meta.get("REMOTE_ADDR") or "unknown")
    if not settings.KEYSTAGE_TRUSTED_PROXIES or not _trusted(remote):
        return remote
    chain = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for hop in reversed([h for h in chain if h]):
        if _trusted(hop):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return remote
    return remote
