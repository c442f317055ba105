"""The demo's baselines: a project's approved plan, captured through the service like a user's."""

from __future__ import annotations

from keystage.accounts.models import User
from keystage.planning.models import Baseline
from keystage.planning.services.baselines import baseline_capture
from keystage.portfolio.models import Project

APPROVED_PLAN = "Approved plan"


def load_baseline(*, project: Project, pm: User) -> Baseline:
    """Capture the plan as approved at the Planning gate, to measure execution against."""
    return baseline_capture(
        who=pm,
        project=project,
        name=APPROVED_PLAN,
        note="Plan, staffing and budget as approved by the sponsor at the gate to execution.",
    )
