"""Users and organisations."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from keystage.accounts.roles import OrgRole


class Organisation(models.Model):
    """The company that owns a portfolio of projects."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    currency = models.CharField(
        max_length=3,
        default="EUR",
        validators=[RegexValidator(r"^[A-Z]{3}\Z", "Use a three-letter ISO 4217 code, e.g. EUR.")],
        help_text="ISO 4217 code every amount of the organisation is in.",
    )
    project_managers_open_projects = models.BooleanField(
        default=True,
        help_text="A project manager of one of the organisation's projects may open new ones.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in; belongs to one organisation with an organisation role."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    org_role = models.CharField(max_length=20, choices=OrgRole.choices, default=OrgRole.MEMBER)
    job_title = models.CharField(max_length=120, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Raised to end every session of the user at once (see _get_session_auth_hash).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(org_role__in=OrgRole.values), name="user_org_role_valid"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """The hash a session must carry: the password's, mixed with the session epoch.

        Django ends a session whose hash no longer matches; raising ``session_epoch``
        therefore signs the user out everywhere, as a password change does. Epoch 0
        keeps Django's own hash, so existing sessions survive the upgrade.
        """
        from django.utils.crypto import salted_hmac

        if not self.session_epoch:
            return str(super()._get_session_auth_hash(secret=secret))  # type: ignore[misc]
        return salted_hmac(
            "keystage.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def display_name(self) -> str:
        """Full name when known, else the username."""
        return self.get_full_name() or self.username

    @property
    def is_org_admin(self) -> bool:
        """Administrators see and may do everything in their organisation."""
        return self.is_superuser or self.org_role == OrgRole.ADMIN

    @property
    def is_portfolio_owner(self) -> bool:
        """Portfolio owners (PMO) see every project of their organisation."""
        return self.is_org_admin or self.org_role == OrgRole.PORTFOLIO_OWNER


class CalendarToken(models.Model):
    """A person's secret calendar-feed token: only its SHA-256 digest is stored.

    One per person; rotating replaces it, revoking deletes it (the old URL then answers 404).
    """

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="calendar_token", primary_key=True
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The token's first characters, to tell it.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
