"""The register as the Monte Carlo simulation sees it (``engine.risk.RiskEvent``).

Open and mitigating risks take part, with the residual (post-response) probability and
impacts when a response is in place (the latest response states them, see
``risks.positions``); closed and occurred risks do not (an occurred one is an issue, in
the plan). Delays in working minutes of the project calendar, cost in money.
"""

from __future__ import annotations

from decimal import Decimal

from keystage.engine.risk import RiskEvent, ThreePoint
from keystage.planning.engine import minutes_per_day
from keystage.planning.models import ProjectCalendar
from keystage.portfolio.models import Project
from keystage.risks.models import LIVE_STATUSES
from keystage.risks.positions import Assessment
from keystage.risks.selectors.register import positioned_risks


def _points(values: tuple[Decimal, Decimal, Decimal], scale: float = 1.0) -> ThreePoint:
    low, likely, high = (float(v) * scale for v in values)
    return ThreePoint(low, likely, high)


def risk_events_for_simulation(*, project: Project) -> list[RiskEvent]:
    """One event per live risk, numbered order (``key`` = ``RSK-n``, task ids = ``str(pk)``)."""
    per_day = minutes_per_day(ProjectCalendar.objects.filter(project=project).first())
    events = []
    for risk in positioned_risks(project):
        if risk.status not in LIVE_STATUSES:
            continue
        found: Assessment = risk.after
        events.append(
            RiskEvent(
                key=risk.key,
                probability=float(found.probability),
                task_ids=tuple(sorted(str(t.pk) for t in risk.tasks.all())),
                delay=_points(found.schedule, per_day),
                cost=_points(found.cost),
            )
        )
    return events
