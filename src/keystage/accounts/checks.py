"""System checks for the accounts settings (run by `keystage check` and at start-up)."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def trusted_proxies_are_addresses(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every entry of KEYSTAGE_TRUSTED_PROXIES is an IP address or a CIDR range."""
    errors = []
    for entry in getattr(settings, "KEYSTAGE_TRUSTED_PROXIES", []):
        try:
            ipaddress.ip_network(str(entry).strip(), strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"KEYSTAGE_TRUSTED_PROXIES: '{entry}' is not an IP address or CIDR range.",
                    hint="List the reverse proxies' addresses, e.g. 10.0.0.1,10.0.1.0/24.",
                    id="keystage.accounts.E001",
                )
            )
    return errors
