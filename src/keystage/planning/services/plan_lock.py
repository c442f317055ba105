"""The one lock that serialises writes to a project's plan.

Every write to a plan reschedules it in the same transaction: it reads all tasks, links and
the calendar, computes the critical path and stores every task's dates. Two such
transactions running side by side on PostgreSQL each compute from a snapshot without the
other's change (the stored dates then ignore one edit) and update the same task rows in
different orders (deadlocks). So every plan write first locks the project's row — before
it reads any plan row — and holds it to commit: writers of one plan queue, each sees
everything the previous one committed, and writers of different projects do not wait for
each other.

``plan_write`` is the chokepoint for the services: it opens the transaction, checks the
project-edit permission, takes the lock, re-reads the records the caller passed in (they
were read before the lock) and only then runs the service. The schedule-run job, which
writes dates outside the services, calls :func:`plan_lock` itself.

On PostgreSQL the lock is ``SELECT … FOR NO KEY UPDATE`` on the project row: it conflicts
with itself and with updates of the project, but not with inserts of rows that merely
reference the project (journal entries, notes), so unrelated work does not queue behind a
plan edit. SQLite ignores row locks; its transactions are ``IMMEDIATE`` (see the
settings), so the whole transaction already holds the database's write lock from its
first statement and writers are serialised there too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from keystage.accounts.roles import Perm
from keystage.core.errors import Conflict
from keystage.portfolio.access import require_perm
from keystage.portfolio.models import Project

REFRESHED = ("task", "dependency", "holiday")


def plan_lock(project: Project) -> Project:
    """Lock ``project``'s plan for the rest of the current transaction (call it first).

    Refreshes the project's start date from the locked row (the schedule starts there).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("plan_lock() must be called inside transaction.atomic().")
    no_key = connection.features.has_select_for_no_key_update
    locked = (
        Project.objects.select_for_update(no_key=no_key).only("pk", "start_date").get(pk=project.pk)
    )
    project.start_date = locked.start_date
    return project


def plan_write[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """Run a plan-writing service in one transaction, with the edit permission and the lock.

    The service is called with keyword arguments ``who`` and ``project``; records it is
    given (``task``, ``dependency``, ``holiday``) are re-read under the lock, so its checks
    see what the previous writer committed (a record deleted meanwhile is a conflict).
    """

    @functools.wraps(service)
    def locked(*args: P.args, **kwargs: P.kwargs) -> R:
        project: Project = kwargs["project"]  # type: ignore[assignment]
        with transaction.atomic():
            require_perm(who=kwargs["who"], project=project, perm=Perm.EDIT)
            plan_lock(project)
            for name in REFRESHED:
                record: Any = kwargs.get(name)
                if record is not None:
                    fresh = type(record)._default_manager.filter(pk=record.pk).first()
                    if fresh is None:
                        raise Conflict(
                            current=None,
                            message="This record was just deleted by someone else; reload.",
                        )
                    kwargs[name] = fresh
            return service(*args, **kwargs)

    locked.plan_write = True  # type: ignore[attr-defined]  # the chokepoint test looks for it
    return locked
