"""Shared fixtures: location of the PSPLIB data beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

PSPLIB = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "psplib"


@pytest.fixture
def psplib_dir() -> Path:
    """Folder of the PSPLIB sets (``<clone>/../shared/benchmarks/psplib``); skip if absent."""
    if not (PSPLIB / "j30").is_dir():
        pytest.skip(f"PSPLIB data not found at {PSPLIB} (expected beside the clone in ../shared)")
    return PSPLIB
