"""Password changes and resets: each one revokes the user's tokens and other sessions.

A reset request does the same work whether or not an account has the address: it
counts the request and queues one background job, which looks the address up and
sends the mail. The answer and its timing therefore say nothing about accounts.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from keystage.accounts.models import User
from keystage.accounts.offboarding import access_revoke
from keystage.accounts.throttle import reset_mail_allowed
from keystage.core.audit import audit_record
from keystage.core.errors import InvalidInput
from keystage.core.models import AuditAction


def _set(*, who: Any, user: User, password: str, summary: str) -> int:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput({"new_password1": exc.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    return _revoke_and_journal(who=who, user=user, summary=summary)


def _revoke_and_journal(*, who: Any, user: User, summary: str) -> int:
    revoked = access_revoke(user=user)
    audit_record(
        who=who,
        obj=user,
        action=AuditAction.UPDATE,
        changes={"password": ["…", "…"], "tokens_revoked": [None, revoked]},
        summary=summary,
    )
    return revoked


@transaction.atomic
def password_change(*, who: User, old_password: str, new_password: str) -> int:
    """Change the signed-in user's password; revokes their tokens and all sessions.

    Returns the number of tokens revoked. The caller keeps the session that made the
    change with ``update_session_auth_hash``.
    """
    if not who.check_password(old_password):
        raise InvalidInput({"old_password": "Your current password is not correct."})
    return _set(who=who, user=who, password=new_password, summary="Changed password")


@transaction.atomic
def password_changed_at_console(*, user: User) -> int:
    """Revoke tokens and sessions after ``keystage manage changepassword`` set a password.

    Django's command sets the password itself; this keeps the operator's path from
    leaving old API tokens alive. Returns the number of tokens revoked.
    """
    return _revoke_and_journal(
        who=None, user=user, summary="Changed password at the server's command line"
    )


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> int:
    """Set a new password from a reset link; revokes the user's tokens and sessions."""
    return _set(who=None, user=user, password=password, summary="Reset password by e-mail link")


def password_reset_request(*, email: str, address: str) -> None:
    """Queue the reset mail for ``email`` unless throttled; never says if the account exists.

    Raises TooManyAttempts when the client address asked too often.
    """
    text = (email or "").strip()[:254]
    try:
        validate_email(text)
    except ValidationError:
        raise InvalidInput({"email": "Enter a valid e-mail address."}) from None
    if not reset_mail_allowed(text, address):
        return
    from keystage.accounts.tasks import send_password_reset

    send_password_reset.enqueue(text)
