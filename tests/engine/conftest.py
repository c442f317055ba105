"""Engine tests need no database; the MPXJ cross-check is opt-in (``-m mpxj``)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked ``mpxj`` unless the marker expression asks for them."""
    if "mpxj" in (config.option.markexpr or ""):
        return
    opt_in = pytest.mark.skip(reason="opt-in: run with -m mpxj")
    for item in items:
        if "mpxj" in item.keywords:
            item.add_marker(opt_in)
