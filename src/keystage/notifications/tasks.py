"""Background jobs of keystage.notifications (run by ``db_worker``)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task

from keystage.notifications.models import Notification


@task()
def send_notification_email(notification_id: str) -> int:
    """Mail one notification to its recipient if they still want e-mail of its kind;
    the number of mails sent (0 or 1)."""
    from keystage.notifications.services import email_wanted

    notification = (
        Notification.objects.select_related("recipient", "project")
        .filter(public_id=notification_id)
        .first()
    )
    if notification is None:
        return 0
    user = notification.recipient
    if not user.is_active or not user.email or not email_wanted(user, notification.kind):
        return 0
    base = settings.KEYSTAGE_BASE_URL.rstrip("/")
    link = f"{base}{notification.url}" if notification.url.startswith("/") else ""
    where = f"[{notification.project.code}] " if notification.project else ""
    body = notification.text + (f"\n\n{link}" if link else "")
    body += "\n\nTurn these e-mails off in Keystage: your notification settings."
    return send_mail(
        f"{where}{notification.text}"[:150],
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
