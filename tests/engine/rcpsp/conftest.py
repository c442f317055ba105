"""Shared fixtures: location of the PSPLIB data beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PSPLIB = Path(
    os.environ.get("KEYSTAGE_PSPLIB_DIR")
    or Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "psplib"
)


@pytest.fixture
def psplib_dir() -> Path:
    """Folder of the PSPLIB sets; skip if absent.

    ``<clone>/../shared/benchmarks/psplib`` unless ``KEYSTAGE_PSPLIB_DIR`` names another.
    """
    if not (PSPLIB / "j30").is_dir():
        pytest.skip(f"PSPLIB data not found at {PSPLIB} (expected beside the clone in ../shared)")
    return PSPLIB
