"""The quality plan started from the scope: one criterion per line of a deliverable's
acceptance criteria, to which the team then adds how, by whom and when each is verified."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import Max

from keystage.accounts.roles import Perm
from keystage.planning.models import Deliverable
from keystage.portfolio.access import require_perm
from keystage.quality.models import Criterion
from keystage.quality.records import CRITERIA

_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s*")


def scope_lines(text: str) -> list[str]:
    """The criteria written in the scope: one per non-empty line, bullets dropped."""
    lines = (_BULLET.sub("", line).strip() for line in text.splitlines())
    return [line[:500] for line in lines if line]


@transaction.atomic
def criteria_from_scope(*, who: Any, deliverable: Deliverable) -> list[Criterion]:
    """Add to the plan each line of the deliverable's criteria it does not hold yet
    (journaled, one by one); the ones already planned are left as they are."""
    project = deliverable.project
    require_perm(who=who, project=project, perm=Perm.CONTRIBUTE)
    CRITERIA.require_open(project)
    # A double-submitted form must not add every line twice.
    Deliverable.objects.select_for_update().filter(pk=deliverable.pk).first()
    planned = Criterion.objects.filter(deliverable=deliverable)
    have = {text.casefold() for text in planned.values_list("text", flat=True)}
    order = planned.aggregate(m=Max("order"))["m"] or 0
    made = []
    for line in scope_lines(deliverable.acceptance_criteria):
        if line.casefold() in have:
            continue
        have.add(line.casefold())
        order += 1
        made.append(
            CRITERIA.create(
                who=who,
                project=project,
                data={"deliverable": deliverable, "text": line, "order": order},
            )
        )
    return made
