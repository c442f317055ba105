"""REST endpoints of the project's goals (with computed progress and status). Thin."""

from __future__ import annotations

from keystage.accounts.roles import Perm
from keystage.planning.selectors import goals as selectors
from keystage.planning.serializers.goals import GoalSerializer, GoalWriteSerializer
from keystage.planning.services import goals as services
from keystage.portfolio.record_api import record_views

GoalListView, GoalDetailView = record_views(
    noun="goal",
    id_kwarg="goal_id",
    output=GoalSerializer,
    write=GoalWriteSerializer,
    perm=Perm.EDIT,
    list_fn=selectors.goal_list,
    get_fn=selectors.goal_get,
    create_fn=services.goal_create,
    update_fn=services.goal_update,
    delete_fn=services.goal_delete,
    instance_kwarg="goal",
)
