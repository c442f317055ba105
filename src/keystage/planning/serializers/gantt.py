"""API shapes of the Gantt: rows with scheduled and baseline dates, links, baselines.

The view builds the JSON by hand (2,000 rows through DRF fields cost more than the
whole query); these serializers document it, and the schema test checks that both
agree.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.engine.network import ConstraintType, LinkType
from keystage.planning.selectors.gantt import GanttData, GanttKind, GanttTask


class GanttRowSerializer(serializers.Serializer[Any]):
    """One row in WBS order: a task, a milestone or a summary, with its dates."""

    id = serializers.UUIDField()
    row = serializers.IntegerField(help_text="Row number in WBS order, from 1.")
    wbs = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField(help_text="Outline level, 1 = top.")
    kind = serializers.ChoiceField(choices=GanttKind.choices)
    start = serializers.DateTimeField()
    finish = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(help_text="Working minutes.")
    constraint_type = serializers.ChoiceField(choices=ConstraintType.choices())
    constraint_date = serializers.DateField(allow_null=True)
    baseline_start = serializers.DateTimeField(allow_null=True)
    baseline_finish = serializers.DateTimeField(allow_null=True)
    critical = serializers.BooleanField()
    version = serializers.IntegerField(help_text="Send it as If-Match to edit the task.")
    percent_complete = serializers.FloatField(
        help_text="Duration % complete; summaries roll up their sub-tasks'."
    )
    slipped = serializers.BooleanField(help_text="Finishes later than in the baseline shown.")


class GanttLinkSerializer(serializers.Serializer[Any]):
    """A dependency between two rows, by task id; the lags are in working minutes
    (``max_lag_minutes`` null = no maximum). A link with a maximum also says when its
    successor may start (FS, SS) or finish (FF, SF): ``allowed_from`` to ``allowed_until``,
    counted in the project calendar's working time (null without a maximum, or when the
    calendar cannot date it)."""

    predecessor = serializers.UUIDField()
    successor = serializers.UUIDField()
    type = serializers.ChoiceField(choices=LinkType.choices())
    lag_minutes = serializers.IntegerField()
    max_lag_minutes = serializers.IntegerField(allow_null=True)
    allowed_from = serializers.DateTimeField(allow_null=True)
    allowed_until = serializers.DateTimeField(allow_null=True)


class GanttBaselineSerializer(serializers.Serializer[Any]):
    """A baseline that can be shown under the bars."""

    id = serializers.UUIDField()
    number = serializers.IntegerField()
    name = serializers.CharField()


class GanttSerializer(serializers.Serializer[Any]):
    """The Gantt of a project."""

    project = serializers.UUIDField()
    today = serializers.DateField()
    data_date = serializers.DateField()
    baseline = GanttBaselineSerializer(allow_null=True, help_text="The baseline shown, if any.")
    baselines = GanttBaselineSerializer(many=True)
    rows = GanttRowSerializer(many=True)
    links = GanttLinkSerializer(many=True)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _row(task: GanttTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "row": task.row,
        "wbs": task.wbs,
        "name": task.name,
        "level": task.level,
        "kind": str(task.kind),
        "start": task.start.isoformat(),
        "finish": task.finish.isoformat(),
        "duration_minutes": task.duration_minutes,
        "constraint_type": task.constraint_type,
        "constraint_date": _iso(task.constraint_date),
        "baseline_start": _iso(task.baseline_start),
        "baseline_finish": _iso(task.baseline_finish),
        "critical": task.critical,
        "version": task.version,
        "percent_complete": task.percent_complete,
        "slipped": task.slipped,
    }


def gantt_json(data: GanttData, *, today: Any, data_date: Any) -> dict[str, Any]:
    """The Gantt as the JSON :class:`GanttSerializer` describes."""

    def baseline(choice: Any) -> dict[str, Any]:
        return {"id": str(choice.id), "number": choice.number, "name": choice.name}

    return {
        "project": str(data.project.public_id),
        "today": today.isoformat(),
        "data_date": data_date.isoformat(),
        "baseline": baseline(data.baseline) if data.baseline else None,
        "baselines": [baseline(c) for c in data.baselines],
        "rows": [_row(task) for task in data.tasks],
        "links": [
            {
                "predecessor": link.predecessor,
                "successor": link.successor,
                "type": link.type,
                "lag_minutes": link.lag_minutes,
                "max_lag_minutes": link.max_lag_minutes,
                "allowed_from": _iso(link.earliest),
                "allowed_until": _iso(link.latest),
            }
            for link in data.links
        ],
    }
