"""Inviting people who have no account yet: create it and mail a link to set a password."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from keystage.accounts.models import Organisation, User
from keystage.core.errors import InvalidInput


def clean_email(email: str) -> str:
    """A normalised address, or a field error on ``email``."""
    address = (email or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidInput({"email": "Enter a valid e-mail address."}) from None
    return address.lower()


def _free_username(email: str) -> str:
    base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0])[:120] or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def user_invite(
    *, organisation: Organisation, email: str, full_name: str, invited_by: User, context: str
) -> User:
    """The organisation's account for ``email``, created (without a password) if new.

    A new account gets an e-mail with a one-time link to choose its password,
    sent after the surrounding transaction commits.
    """
    address = clean_email(email)
    existing = User.objects.filter(organisation=organisation, email__iexact=address).first()
    if existing is not None:
        return existing
    first, _, last = (full_name or "").strip().partition(" ")
    user = User(
        username=_free_username(address),
        email=address,
        first_name=first[:150],
        last_name=last[:150],
        organisation=organisation,
    )
    user.set_unusable_password()
    user.save()
    link = settings.KEYSTAGE_BASE_URL.rstrip("/") + reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    body = render_to_string(
        "accounts/invitation_email.txt",
        {"user": user, "invited_by": invited_by, "context": context, "link": link},
    )
    transaction.on_commit(
        lambda: send_mail(
            f"{invited_by.display_name} invited you to Keystage",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
    )
    return user
