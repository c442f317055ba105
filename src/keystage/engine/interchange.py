"""A plan as it travels between Keystage and other tools: the interchange document.

Every reader (MSPDI, the formats MPXJ converts, plan TOML, CSV/XLSX task lists)
returns a :class:`PlanDocument`; every writer takes one. The schedule itself is
the engine's :class:`~keystage.engine.network.Project` (activities, links,
calendars, baselines, progress); the document adds what scheduling does not
need — resources, assignments, outline codes, notes — and the list of items the
reader found but could not represent (:class:`Loss`), so that a preview can show
them before anything is written.

Pure data: no Django, no I/O. Money is a :class:`~decimal.Decimal` in the
document's currency; work and durations are whole minutes, as in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from keystage.engine.network import Project


class ResourceKind(StrEnum):
    """What a resource is: people or equipment that work, consumables, or a fixed cost."""

    WORK = "work"
    MATERIAL = "material"
    COST = "cost"


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource of the plan; ``id`` is unique within the document."""

    id: str
    name: str
    kind: ResourceKind = ResourceKind.WORK
    max_units: float = 1.0  # 1.0 = one full-time person
    standard_rate: Decimal = Decimal(0)  # per hour of work
    overtime_rate: Decimal = Decimal(0)
    cost_per_use: Decimal = Decimal(0)
    calendar: str | None = None  # a calendar id of the document's project
    email: str = ""
    group: str = ""


@dataclass(frozen=True, slots=True)
class Assignment:
    """A resource working on an activity."""

    activity: str
    resource: str
    units: float = 1.0
    work: int | None = None  # planned work in minutes; None = duration × units
    actual_work: int = 0
    cost: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Loss:
    """Something the source holds that Keystage cannot represent, and what the reader did."""

    where: str  # "task 12 'Cut-over'", "calendar 'Night shift'", "file"
    what: str  # "a link to summary task 3 was moved to its first child"


@dataclass(frozen=True)
class PlanDocument:
    """A whole plan: the schedule plus resources, assignments and what was lost on the way."""

    title: str
    plan: Project
    resources: tuple[Resource, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    currency: str = ""
    source_format: str = ""  # "mspdi", "mpp", "toml", "csv", ...
    outline_codes: dict[str, str] = field(default_factory=dict)  # activity id -> WBS code
    notes: dict[str, str] = field(default_factory=dict)  # activity id -> notes
    losses: tuple[Loss, ...] = ()

    def __post_init__(self) -> None:
        ids = set(self.plan.index)
        resource_ids: set[str] = set()
        for resource in self.resources:
            if resource.id in resource_ids:
                raise ValueError(f"resource {resource.id!r} appears twice")
            resource_ids.add(resource.id)
        for assignment in self.assignments:
            if assignment.activity not in ids:
                raise ValueError(f"an assignment names unknown activity {assignment.activity!r}")
            if assignment.resource not in resource_ids:
                raise ValueError(f"an assignment names unknown resource {assignment.resource!r}")


__all__ = ["Assignment", "Loss", "PlanDocument", "Resource", "ResourceKind"]
