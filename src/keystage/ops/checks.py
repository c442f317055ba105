"""Deployment checks run by `keystage check --deploy` (Django's system-check framework)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from keystage.ops.static import manifest_path


@register(Tags.staticfiles, deploy=True)
def static_manifest_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production serves hashed static files: without the collected manifest every page 500s."""
    manifest = manifest_path()
    if manifest is None or Path(manifest).exists():
        return []
    return [
        Error(
            f"the static files are not collected (no {manifest}), so every page would fail",
            hint="run `keystage migrate` or `keystage serve`, which collect them",
            id="ops.E001",
        )
    ]


@register(Tags.security, deploy=True)
def base_url_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In production, invitation and reset links need the public https:// address."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    url = str(getattr(settings, "KEYSTAGE_BASE_URL", "") or "")
    if url.startswith("https://") and len(url) > len("https://"):
        return []
    return [
        Error(
            f"KEYSTAGE_BASE_URL must be the https:// address users reach, not '{url}'",
            hint="invitation and password-reset links are built from it",
            id="ops.E002",
        )
    ]
