"""Engine tests need no database; the MPXJ cross-check is opt-in (``--mpxj`` or ``-m mpxj``)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked ``mpxj`` unless ``--mpxj`` or the marker expression asks for them."""
    if config.getoption("mpxj") or "mpxj" in (config.option.markexpr or ""):
        return
    opt_in = pytest.mark.skip(reason="opt-in: run with --mpxj or -m mpxj")
    for item in items:
        if "mpxj" in item.keywords:
            item.add_marker(opt_in)
