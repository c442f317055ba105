"""Computed timing of every activity in instants, shared by both scheduling paths."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from keystage.engine.calendars import IntArray


@dataclass(frozen=True)
class Timing:
    """Instants are minutes from ``origin`` (a midnight); floats in working minutes."""

    origin: date
    start: int
    finish: int
    es: IntArray
    ef: IntArray
    ls: IntArray
    lf: IntArray
    total_float: IntArray
    free_float: IntArray
    duration: IntArray
    finished: npt.NDArray[np.bool_]
    driving: IntArray  # indices of the links that set their successor's early start
    reason: list[str]  # what sets the early start when no link does
    late_driving: IntArray  # indices of the links that set their predecessor's late finish
    late_reason: list[str]  # what sets the late finish when no link does
    working: Callable[[IntArray, IntArray], IntArray]  # project-calendar minutes in [a, b)
    alap: npt.NDArray[np.bool_]
    # maximum lags: links whose limit pulls their predecessor's early start, and links
    # whose limit sets their successor's late finish
    pulled: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    late_pulled: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
