"""Writes for accounts: users, organisations and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from knox.models import AuthToken

from keystage.accounts.models import Organisation, User
from keystage.accounts.roles import OrgRole
from keystage.accounts.throttle import (
    TooManyAttempts,
    attempt_abandoned,
    attempt_begin,
    attempt_failed,
    attempt_succeeded,
)
from keystage.core.errors import DomainError, InvalidInput

__all__ = ["SignInRefused", "TooManyAttempts", "sign_in_check", "token_create", "user_create"]


class SignInRefused(DomainError):
    """Wrong credentials or too many attempts; the message never says which account exists."""

    status_code = 400


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    organisation: Organisation | None = None,
    org_role: str = OrgRole.MEMBER,
    job_title: str = "",
    is_superuser: bool = False,
    check_password_strength: bool = True,
) -> User:
    """Create an account; the password is checked against the validators."""
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput({"username": "This username is taken."})
    if org_role not in OrgRole.values:
        raise InvalidInput({"org_role": f"Choose one of: {', '.join(OrgRole.values)}."})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        org_role=org_role,
        job_title=job_title,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if check_password_strength:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput({"password": exc.messages}) from None
    user.set_password(password)
    try:
        user.full_clean(exclude=["password", "organisation"])
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from None
    user.save()
    return user


def organisation_get_or_create(*, name: str) -> Organisation:
    """The organisation of this name, created if new."""
    organisation, _ = Organisation.objects.get_or_create(name=name)
    return organisation


def sign_in_check(*, username: str, password: str, address: str, request: Any = None) -> User:
    """The user these credentials belong to, through the sign-in throttle.

    The throttle is consulted before the password is hashed (a refused attempt costs
    no hashing); failures and successes are counted per account and client address.
    Raises TooManyAttempts (429) or SignInRefused (400), with the same words for
    real and made-up accounts.
    """
    attempt = attempt_begin(username, address)
    try:
        user = authenticate(request, username=username, password=password)
    except BaseException:
        attempt_abandoned(attempt)
        raise
    if user is None:
        attempt_failed(attempt)
        raise SignInRefused("The username or password is not correct.")
    attempt_succeeded(attempt)
    return user  # type: ignore[return-value]


def token_create(
    *, username: str, password: str, address: str, expires_in_days: int = 30
) -> tuple[Any, str]:
    """Exchange credentials for a hashed, expiring API token; returns (record, secret)."""
    user = sign_in_check(username=username, password=password, address=address)
    return AuthToken.objects.create(user=user, expiry=dt.timedelta(days=expires_in_days))


def token_revoke(*, who: User, token_key: str) -> None:
    """Revoke one of the user's own tokens (others' tokens are not found)."""
    from keystage.core.errors import NotFound

    deleted, _ = AuthToken.objects.filter(user=who, token_key=token_key).delete()
    if not deleted:
        raise NotFound()
