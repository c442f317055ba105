"""The organisation's probability × impact matrix (bands and labels), as stored."""

from __future__ import annotations

from django.db import models

from keystage.core.models import BaseModel


class RiskMatrixSet(BaseModel):
    """One organisation's matrix, ``risks.matrix.Matrix`` as a dict (only changed keys).

    No row means the default 5 × 5 matrix. Versioned and journaled like any record;
    administrators and portfolio owners change it.
    """

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="risk_matrix"
    )
    rules = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return "Risk matrix"
