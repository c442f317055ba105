"""Writes of notifications: ``notify`` (the one function other apps call), marking read,
and each person's e-mail preferences."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from keystage.accounts.access import signed_in
from keystage.accounts.models import User
from keystage.core.errors import InvalidInput
from keystage.core.lookup import get_by_public_id
from keystage.notifications.models import EmailPreference, Notification, NotificationKind
from keystage.portfolio.models import Project

TEXT_MAX = Notification._meta.get_field("text").max_length or 500
URL_MAX = Notification._meta.get_field("url").max_length or 500


def email_wanted(user: User, kind: str) -> bool:
    """Whether ``user`` wants e-mail for ``kind`` (yes unless turned off)."""
    pref = EmailPreference.objects.filter(user=user, kind=kind).values_list("email", flat=True)
    return next(iter(pref), True)


def notify(
    recipients: Iterable[User | None],
    *,
    kind: str,
    project: Project | None = None,
    text: str,
    url: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Tell each recipient once (inactive accounts and ``actor`` — who caused it — are
    skipped); e-mail goes through a background job after the commit, never inline,
    to those who have not turned it off for ``kind``."""
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    unique: dict[int, User] = {}
    for user in recipients:
        if user is None or not user.is_active or (actor is not None and user.pk == actor.pk):
            continue
        unique.setdefault(user.pk, user)
    text = " ".join(str(text).split())[:TEXT_MAX]
    url = str(url)[:URL_MAX]
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, project=project, text=text, url=url)
            for user in unique.values()
        ]
    )
    mailed = [n for n in created if n.recipient.email and email_wanted(n.recipient, kind)]
    if mailed:
        from keystage.notifications.tasks import send_notification_email

        public_ids = [str(n.public_id) for n in mailed]
        transaction.on_commit(lambda: [send_notification_email.enqueue(pid) for pid in public_ids])
    return created


def notifications_of(who: Any) -> Any:
    """The signed-in user's own notifications, newest first (the one scope)."""
    user = signed_in(who)
    if user is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def mark_read(*, who: Any, notification_id: Any) -> Notification:
    """Mark one of one's own notifications read (404 for anybody else's)."""
    notification = get_by_public_id(notifications_of(who), notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def mark_all_read(*, who: Any) -> int:
    """Mark all one's unread notifications read; how many were unread."""
    return notifications_of(who).filter(read_at__isnull=True).update(read_at=timezone.now())


def preferences_of(user: User) -> dict[str, bool]:
    """Kind → whether e-mail is sent, for every kind."""
    stored = dict(EmailPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: stored.get(kind, True) for kind in NotificationKind.values}


@transaction.atomic
def preferences_save(*, who: Any, email: dict[str, Any]) -> dict[str, bool]:
    """Turn e-mail on or off per kind for the signed-in user; the stored preferences."""
    user = signed_in(who)
    if user is None:
        raise InvalidInput({"email": "Sign in first."})
    unknown = sorted(set(email) - set(NotificationKind.values))
    if unknown:
        raise InvalidInput({k: "Not a notification kind." for k in unknown})
    bad = sorted(k for k, v in email.items() if not isinstance(v, bool))
    if bad:
        raise InvalidInput({k: "Give true or false." for k in bad})
    for kind, wanted in email.items():
        EmailPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": wanted})
    return preferences_of(user)


def tell_project_reopened(project: Project, *, who: Any, reason: str) -> None:
    """Tell every member of ``project`` (not who reopened it) that it is open again, why,
    and in which stage (registered with ``portfolio.project_events`` in ``apps``)."""
    from django.urls import reverse

    members = User.objects.filter(memberships__project=project)
    notify(
        members,
        kind=NotificationKind.PROJECT_REOPENED,
        project=project,
        text=f"{project.code} was reopened in {project.get_stage_display()} by "
        f"{getattr(who, 'display_name', 'an administrator')}: {reason}",
        url=reverse("portfolio:project-detail", args=[project.public_id]),
        actor=who,
    )
