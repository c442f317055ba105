"""Models of keystage.planning, one module per subdomain; import them here so Django finds them."""

from keystage.planning.models.assignments import (  # noqa: F401
    Assignment,
    AssignmentSource,
    TaskSkill,
)
from keystage.planning.models.attachments import PlanFile  # noqa: F401
from keystage.planning.models.baselines import Baseline, BaselineTask  # noqa: F401
from keystage.planning.models.collaboration import CollaborationLink  # noqa: F401
from keystage.planning.models.goals import Goal, GoalMeasurement  # noqa: F401
from keystage.planning.models.scope import (  # noqa: F401
    Deliverable,
    ScopeItem,
    ScopeNote,
    ScopeStatement,
)
from keystage.planning.models.wbs import (  # noqa: F401
    Dependency,
    Holiday,
    ProjectCalendar,
    RunStatus,
    ScheduleMethod,
    ScheduleRun,
    Task,
    TaskKind,
    TaskStatus,
)
