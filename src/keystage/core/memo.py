"""A read memo for one request: an expensive read computed once, however many parts ask.

A page or a report often asks the same selector several times (the final report's quality
and acceptance sections and its handover each read the project's quality summary; the
gate checklist reads it again). ``memo_scope()`` opens a memo for the block; inside it,
``memoized(key, compute)`` computes a value once per key and hands the same value back
after. Outside any scope it simply computes.

Scopes nest (an inner scope shares the outer memo), so a report built inside a page that
already opened a scope reuses the page's values. Every journaled write (``audit_record``)
forgets the memo, so a read after a write in the same request never sees stale figures.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("keystage_read_memo", default=None)


@contextmanager
def memo_scope() -> Iterator[None]:
    """Open a read memo for the block (or share the one already open)."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memoized[T](key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``key`` within the open scope (every time outside one)."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def forget_memo() -> None:
    """Drop every value memoised in the open scope (after a write)."""
    memo = _MEMO.get()
    if memo is not None:
        memo.clear()
