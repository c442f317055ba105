"""REST endpoints of the work breakdown: tasks (with outline moves) and dependencies. Thin."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core.api import IF_MATCH, expected_version, valid_input
from keystage.core.errors import InvalidInput
from keystage.planning.models import Dependency, Task
from keystage.planning.selectors import wbs as selectors
from keystage.planning.serializers import wbs as s
from keystage.planning.services import dependencies as dependency_services
from keystage.planning.services import wbs as services
from keystage.portfolio.models import Project
from keystage.portfolio.record_api import record_views
from keystage.portfolio.selectors import project_get


def _task_create(*, who: User, project: Project, data: dict[str, Any]) -> Task:
    parent, after = data.pop("parent", None), data.pop("after", None)
    return services.task_create(
        who=who, project=project, data=data, parent_id=parent, after_id=after
    )


def _task_update(*, who: User, task: Task, version: int, changes: dict[str, Any]) -> Task:
    if "parent" in changes or "after" in changes:
        raise InvalidInput({"parent": "Move a task with the move endpoint (indent, outdent…)."})
    return services.task_update(
        who=who, project=task.project, task=task, version=version, data=changes
    )


def _task_delete(*, who: User, task: Task, version: int) -> None:
    services.task_delete(who=who, project=task.project, task=task, version=version)


TaskListView, TaskDetailView = record_views(
    noun="task",
    id_kwarg="task_id",
    output=s.TaskSerializer,
    write=s.TaskWriteSerializer,
    perm=Perm.EDIT,
    list_fn=selectors.task_list,
    get_fn=selectors.task_get,
    create_fn=_task_create,
    update_fn=_task_update,
    delete_fn=_task_delete,
    instance_kwarg="task",
)


def _dependency_create(*, who: User, project: Project, data: dict[str, Any]) -> Dependency:
    pred, succ = data.pop("predecessor"), data.pop("successor")
    return dependency_services.dependency_create(
        who=who, project=project, predecessor_id=pred, successor_id=succ, data=data
    )


def _dependency_update(
    *, who: User, dependency: Dependency, version: int, changes: dict[str, Any]
) -> Dependency:
    if {"predecessor", "successor"} & set(changes):
        raise InvalidInput({"predecessor": "Remove the link and add another to change its tasks."})
    return dependency_services.dependency_update(
        who=who, project=dependency.project, dependency=dependency, version=version, data=changes
    )


def _dependency_delete(*, who: User, dependency: Dependency, version: int) -> None:
    dependency_services.dependency_delete(
        who=who, project=dependency.project, dependency=dependency, version=version
    )


DependencyListView, DependencyDetailView = record_views(
    noun="dependency",
    plural="dependencies",
    id_kwarg="dependency_id",
    output=s.DependencySerializer,
    write=s.DependencyWriteSerializer,
    perm=Perm.EDIT,
    list_fn=selectors.dependency_list,
    get_fn=selectors.dependency_get,
    create_fn=_dependency_create,
    update_fn=_dependency_update,
    delete_fn=_dependency_delete,
    instance_kwarg="dependency",
)


class TaskMoveView(APIView):
    """Outline commands on one row: indent, outdent, up, down (the sub-tasks move along)."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current task sent with a 409."""
        return s.TaskSerializer(current).data if current is not None else None  # type: ignore[no-any-return]

    @extend_schema(
        summary="Move a task in the outline",
        request=s.TaskMoveSerializer,
        responses=s.TaskSerializer,
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, project_id: str, task_id: str) -> Response:
        """Move the task at its version; the WBS codes and the schedule follow."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        task = selectors.task_get(who=actor(request), project=project, task_id=task_id)
        data = valid_input(s.TaskMoveSerializer, request)
        moved = services.task_move(
            who=actor(request),
            project=project,
            task=task,
            version=expected_version(request),
            action=data["action"],
        )
        return Response(s.TaskSerializer(moved).data)
