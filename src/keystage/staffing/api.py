"""REST endpoints of the staffing: a task's skill needs, assignments, the ranking of the
team for a task (and accepting a candidate), and picks for every unassigned task. Thin."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core.api import DELETE_PARAMS, IF_MATCH, expected_version, valid_input
from keystage.core.errors import InvalidInput
from keystage.planning.api.scope import record_views
from keystage.planning.models import Assignment, AssignmentSource, Task
from keystage.planning.selectors.wbs import task_get
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get
from keystage.staffing import recommender, selectors, services
from keystage.staffing import serializers as s


def _task(request: Request, project_id: str, task_id: str, perm: str = Perm.VIEW) -> Task:
    project = project_get(who=actor(request), project_id=project_id, perm=perm)
    return task_get(who=actor(request), project=project, task_id=task_id)


class SkillNeedListView(APIView):
    """The skills a task needs."""

    @extend_schema(summary="List a task's skill needs", responses=s.SkillNeedSerializer(many=True))
    def get(self, request: Request, project_id: str, task_id: str) -> Response:
        """The skill needs, by skill name."""
        task = _task(request, project_id, task_id)
        rows = selectors.skill_need_list(who=actor(request), project=task.project, task=task)
        return Response(s.SkillNeedSerializer(rows, many=True).data)

    @extend_schema(
        summary="Add a skill need",
        request=s.SkillNeedWriteSerializer,
        responses={201: s.SkillNeedSerializer},
    )
    def post(self, request: Request, project_id: str, task_id: str) -> Response:
        """Say the task needs a skill at a minimum level (not on summary tasks)."""
        task = _task(request, project_id, task_id, Perm.EDIT)
        data = valid_input(s.SkillNeedWriteSerializer, request)
        need = services.skill_need_create(
            who=actor(request), project=task.project, task=task, data=data
        )
        return Response(s.SkillNeedSerializer(need).data, status=status.HTTP_201_CREATED)


class SkillNeedDetailView(APIView):
    """One skill need of a task."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current skill need sent with a 409."""
        return s.SkillNeedSerializer(current).data if current is not None else None  # type: ignore[no-any-return]

    def _need(
        self, request: Request, project_id: str, task_id: str, need_id: str, perm: str
    ) -> Any:
        task = _task(request, project_id, task_id, perm)
        return selectors.skill_need_get(
            who=actor(request), project=task.project, task=task, skill_need_id=need_id
        )

    @extend_schema(summary="Read a skill need", responses=s.SkillNeedSerializer)
    def get(self, request: Request, project_id: str, task_id: str, skill_need_id: str) -> Response:
        """The skill need."""
        need = self._need(request, project_id, task_id, skill_need_id, Perm.VIEW)
        return Response(s.SkillNeedSerializer(need).data)

    @extend_schema(
        summary="Edit a skill need at its version",
        request=s.SkillNeedWriteSerializer,
        responses=s.SkillNeedSerializer,
        parameters=[IF_MATCH],
    )
    def patch(
        self, request: Request, project_id: str, task_id: str, skill_need_id: str
    ) -> Response:
        """Change the skill or the minimum level."""
        need = self._need(request, project_id, task_id, skill_need_id, Perm.EDIT)
        data = valid_input(s.SkillNeedWriteSerializer, request, partial=True)
        need = services.skill_need_update(
            who=actor(request), need=need, version=expected_version(request), changes=data
        )
        return Response(s.SkillNeedSerializer(need).data)

    @extend_schema(summary="Remove a skill need", responses={204: None}, parameters=DELETE_PARAMS)
    def delete(
        self, request: Request, project_id: str, task_id: str, skill_need_id: str
    ) -> Response:
        """Drop the skill need."""
        need = self._need(request, project_id, task_id, skill_need_id, Perm.EDIT)
        services.skill_need_delete(who=actor(request), need=need, version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _assignment_create(*, who: User, project: Project, data: dict[str, Any]) -> Assignment:
    task = data.pop("task")
    return services.assignment_create(who=who, project=project, task=task, data=data)


def _assignment_update(
    *, who: User, assignment: Assignment, version: int, changes: dict[str, Any]
) -> Assignment:
    task = changes.pop("task", None)
    if task is not None and task != assignment.task.public_id:
        raise InvalidInput({"task": "Remove the assignment and add another to change its task."})
    return services.assignment_update(
        who=who, assignment=assignment, version=version, changes=changes
    )


def _assignment_delete(*, who: User, assignment: Assignment, version: int) -> None:
    services.assignment_delete(who=who, assignment=assignment, version=version)


AssignmentListView, AssignmentDetailView = record_views(
    noun="assignment",
    id_kwarg="assignment_id",
    output=s.AssignmentSerializer,
    write=s.AssignmentWriteSerializer,
    perm=Perm.EDIT,
    list_fn=selectors.assignment_list,
    get_fn=selectors.assignment_get,
    create_fn=_assignment_create,
    update_fn=_assignment_update,
    delete_fn=_assignment_delete,
    instance_kwarg="assignment",
    list_params=[
        OpenApiParameter("task", str, description="Only this task's (task id)."),
        OpenApiParameter("person", str, description="Only this person's (user id or username)."),
    ],
)


class CandidateListView(APIView):
    """The team ranked for one task by the recommender."""

    @extend_schema(summary="Rank the team for a task", responses=s.RankingSerializer)
    def get(self, request: Request, project_id: str, task_id: str) -> Response:
        """Best first: skill match and level, free capacity in the task's window, load
        (other tasks here, assignments elsewhere as counts) and cost, each explained;
        people who cannot do the task come last with the reason."""
        task = _task(request, project_id, task_id)
        ranking = recommender.rank_task(who=actor(request), project=task.project, task=task)
        return Response(s.RankingSerializer(ranking).data)


class CandidateAcceptView(APIView):
    """Accept a recommended person: the assignment records that it was recommended."""

    @extend_schema(
        summary="Assign a recommended person",
        request=s.AcceptSerializer,
        responses={201: s.AssignmentSerializer},
    )
    def post(self, request: Request, project_id: str, task_id: str) -> Response:
        """Create the assignment (source 'recommended'); the same rules as any assignment."""
        task = _task(request, project_id, task_id, Perm.EDIT)
        data = valid_input(s.AcceptSerializer, request)
        assignment = services.assignment_create(
            who=actor(request),
            project=task.project,
            task=task,
            data=data,
            source=AssignmentSource.RECOMMENDED,
        )
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class SuggestionListView(APIView):
    """Picks for every unassigned leaf work task, made one after the other."""

    @extend_schema(
        summary="Recommend people for the unassigned tasks",
        responses=s.SuggestionSerializer(many=True),
    )
    def get(self, request: Request, project_id: str) -> Response:
        """A pick per unassigned task in WBS order; each pick counts as a commitment when
        the next task is ranked. Nothing is written."""
        project = project_get(who=actor(request), project_id=project_id)
        rows = recommender.recommend_open_tasks(who=actor(request), project=project)
        return Response(s.SuggestionSerializer(rows, many=True).data)

    @extend_schema(
        summary="Assign the recommended people to every unassigned task",
        request=None,
        responses={201: s.AssignmentSerializer(many=True)},
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Accept every pick (at the person's capacity, source 'recommended'); tasks nobody
        can do stay open. Returns the new assignments."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        created = services.assign_recommended(who=actor(request), project=project)
        return Response(
            s.AssignmentSerializer(created, many=True).data, status=status.HTTP_201_CREATED
        )
