"""Background jobs of keystage.accounts (run by ``db_worker``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.tasks import task


@task()
def send_password_reset(email: str) -> int:
    """Mail a reset link to each active account with this address; the number of mails."""
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    base = urlsplit(settings.KEYSTAGE_BASE_URL)
    form.save(
        domain_override=base.netloc or "127.0.0.1:8000",
        use_https=base.scheme == "https",
        subject_template_name="accounts/password_reset_subject.txt",
        email_template_name="accounts/password_reset_email.txt",
    )
    return len(list(form.get_users(email)))
