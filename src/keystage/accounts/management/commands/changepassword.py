"""Django's `changepassword`, which also revokes the user's API tokens and sessions.

`keystage.accounts` is listed before `django.contrib.auth` in INSTALLED_APPS so that
this command replaces Django's own: a password set at the console must end old
access exactly as a change in the app does.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.management.commands import changepassword
from django.db import transaction

from keystage.accounts.models import User
from keystage.accounts.passwords import password_changed_at_console


class Command(changepassword.Command):
    """Change a user's password, then revoke their tokens and end their sessions."""

    def handle(self, *args: Any, **options: Any) -> str:
        """Prompt as Django does; revoke access in the same transaction."""
        with transaction.atomic(using=options["database"]):
            message = str(super().handle(*args, **options))
            username = options["username"] or getpass.getuser()
            user = User.objects.using(options["database"]).get(username=username)
            revoked = password_changed_at_console(user=user)
        return f"{message}; {revoked} API token(s) revoked, every session ended"
