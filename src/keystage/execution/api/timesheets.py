"""REST endpoints of timesheets: entries, one's week (GET / PUT the grid), the weeks, submit,
approve, reject, the project's settings and totals. Thin: parse, call one service, answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.api import IF_MATCH, expected_version, optional_version, valid_input
from keystage.core.errors import InvalidInput, NotFound
from keystage.execution.models import Timesheet, TimesheetSettings
from keystage.execution.selectors import timesheets as selectors
from keystage.execution.serializers import timesheets as s
from keystage.execution.services import timesheets as services
from keystage.portfolio.models import Project
from keystage.portfolio.record_api import record_views
from keystage.portfolio.selectors import project_get


def _day(raw: str | None, field: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput({field: "Enter a date as YYYY-MM-DD."}) from None


def _entries(
    who: Any, project: Project, start: Any = None, end: Any = None, person: Any = None
) -> Any:
    return selectors.entry_list(
        who=who, project=project, start=_day(start, "start"), end=_day(end, "end"), person=person
    )


TimeEntryListView, TimeEntryDetailView = record_views(
    noun="time entry",
    plural="time entries",
    id_kwarg="time_entry_id",
    lookup_kwarg="entry_id",
    output=s.TimeEntrySerializer,
    write=s.TimeEntryWriteSerializer,
    perm=Perm.RECORD_WORK,
    list_fn=_entries,
    get_fn=selectors.entry_get,
    create_fn=services.time_entry_create,
    update_fn=services.time_entry_update,
    delete_fn=services.time_entry_delete,
    instance_kwarg="entry",
    list_params=[
        OpenApiParameter("start", str, description="First day (YYYY-MM-DD)."),
        OpenApiParameter("end", str, description="Last day (YYYY-MM-DD)."),
        OpenApiParameter("person", str, description="A username (the project manager)."),
    ],
)


def _week_day(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise NotFound("Name the week by a date, YYYY-MM-DD.") from None


class WeekView(APIView):
    """One's own week in the project, as a grid of tasks × days."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The stored week, sent with a 409."""
        if not isinstance(current, Timesheet):
            return None
        week = selectors.week_view(
            who=current.person, project=current.project, day=current.week_start
        )
        return s.WeekSerializer(week).data  # type: ignore[return-value]

    @extend_schema(summary="Read one's week", responses=s.WeekSerializer)
    def get(self, request: Request, project_id: str, week: str) -> Response:
        """The week containing ``week`` (any day of it): rows, cells, totals, status."""
        project = project_get(who=actor(request), project_id=project_id)
        view = selectors.week_view(who=actor(request), project=project, day=_week_day(week))
        return Response(s.WeekSerializer(view).data)

    @extend_schema(
        summary="Save one's whole week",
        request=s.WeekWriteSerializer,
        responses=s.WeekSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, project_id: str, week: str) -> Response:
        """Replace the week's entries with the grid, in one transaction (version once saved)."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id, perm=Perm.RECORD_WORK)
        day = _week_day(week)
        data = valid_input(s.WeekWriteSerializer, request)
        rows = [services.GridRow(r["task"], r["hours"], r.get("note", "")) for r in data["rows"]]
        services.week_save(
            who=who, project=project, week=day, version=optional_version(request), rows=rows
        )
        return Response(
            s.WeekSerializer(selectors.week_view(who=who, project=project, day=day)).data
        )


class TimesheetTaskSearchView(APIView):
    """The tasks one may log time on, found by name or WBS code (for adding a row)."""

    @extend_schema(
        summary="Find tasks to log time on",
        responses=s.TimesheetTaskSerializer(many=True),
        parameters=[
            OpenApiParameter("q", str, description="Part of the name, or the WBS code's start."),
            OpenApiParameter("limit", int, description="At most this many (1–100, default 20)."),
        ],
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Assigned leaf tasks (every leaf when the project allows it), in WBS order."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.RECORD_WORK)
        raw = request.query_params.get("limit", "")
        limit = int(raw) if raw.isdigit() else selectors.SEARCH_LIMIT if raw == "" else 0
        if not 1 <= limit <= 100:
            raise InvalidInput({"limit": "Give a whole number from 1 to 100."})
        found = selectors.task_search(
            who=actor(request),
            project=project,
            query=request.query_params.get("q", "")[:100],
            limit=limit,
        )
        return Response(s.TimesheetTaskSerializer(found, many=True).data)


class TimesheetListView(APIView):
    """The project's weeks: one's own, or everyone's for the project manager."""

    @extend_schema(
        summary="List the weeks",
        responses=s.TimesheetSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "status", str, description="draft, submitted, approved, rejected, reopened."
            )
        ],
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Newest first; ``?status=submitted`` is the approval queue."""
        project = project_get(who=actor(request), project_id=project_id)
        rows = selectors.timesheet_list(
            who=actor(request), project=project, status=request.query_params.get("status")
        )
        return Response(s.TimesheetSerializer(rows, many=True).data)


class _SheetView(APIView):
    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The stored week, sent with a 409."""
        return s.TimesheetSerializer(current).data if current is not None else None  # type: ignore[return-value]

    def sheet(self, request: Request, project_id: str, timesheet_id: str, perm: str) -> Timesheet:
        """The week through the chokepoint."""
        project = project_get(who=actor(request), project_id=project_id, perm=perm)
        return selectors.timesheet_get(
            who=actor(request), project=project, timesheet_id=timesheet_id
        )

    def answer(self, request: Request, sheet: Timesheet) -> Response:
        """The week as it is now."""
        fresh = selectors.timesheet_get(
            who=actor(request), project=sheet.project, timesheet_id=sheet.public_id
        )
        return Response(s.TimesheetSerializer(fresh).data)


class TimesheetDetailView(_SheetView):
    """One week of the project."""

    @extend_schema(summary="Read a week", responses=s.TimesheetSerializer)
    def get(self, request: Request, project_id: str, timesheet_id: str) -> Response:
        """The week, its status and decision."""
        return self.answer(request, self.sheet(request, project_id, timesheet_id, Perm.VIEW))


def _decision_view(
    name: str, doc: str, summary: str, perm: str, service: Any, *, reason: bool = False
) -> type[APIView]:
    """A POST view that moves a week on at its version (submit, approve), or with a reason
    (``reason``: reject, reopen)."""
    body = s.RejectSerializer if reason else s.DecisionSerializer

    class View(_SheetView):
        @extend_schema(
            summary=summary, request=body, responses=s.TimesheetSerializer, parameters=[IF_MATCH]
        )
        def post(self, request: Request, project_id: str, timesheet_id: str) -> Response:
            sheet = self.sheet(request, project_id, timesheet_id, perm)
            data = valid_input(body, request)
            extra = {"reason": data.get("reason", "")} if reason else {}
            service(who=actor(request), timesheet=sheet, version=expected_version(request), **extra)
            return self.answer(request, sheet)

    View.__name__ = View.__qualname__ = name
    View.__doc__ = doc
    return View


TimesheetSubmitView = _decision_view(
    "TimesheetSubmitView",
    "Submit one's week to the project manager: draft, rejected or reopened → submitted.",
    "Submit a week",
    Perm.RECORD_WORK,
    services.timesheet_submit,
)
TimesheetApproveView = _decision_view(
    "TimesheetApproveView",
    "Approve a submitted week (the project manager, never one's own); prices each entry.",
    "Approve a week",
    Perm.APPROVE_TIME,
    services.timesheet_approve,
)
TimesheetRejectView = _decision_view(
    "TimesheetRejectView",
    "Reject a submitted week with a reason: submitted → rejected; its owner corrects it.",
    "Reject a week",
    Perm.APPROVE_TIME,
    services.timesheet_reject,
    reason=True,
)
TimesheetReopenView = _decision_view(
    "TimesheetReopenView",
    "Reopen an approved week with a reason: approved → reopened; its owner corrects it.",
    "Reopen an approved week",
    Perm.APPROVE_TIME,
    services.timesheet_reopen,
    reason=True,
)


class TimesheetSettingsView(APIView):
    """The project's timesheet rules."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The stored settings, sent with a 409."""
        return (
            s.SettingsSerializer(current).data if isinstance(current, TimesheetSettings) else None
        )  # type: ignore[return-value]

    @extend_schema(summary="Read the timesheet settings", responses=s.SettingsSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Whether un-assigned tasks take time; version null until first saved."""
        project = project_get(who=actor(request), project_id=project_id)
        found = selectors.project_settings(project)
        if found is None:
            return Response({"allow_unassigned": False, "version": None})
        return Response(s.SettingsSerializer(found).data)

    @extend_schema(
        summary="Save the timesheet settings",
        request=s.SettingsWriteSerializer,
        responses=s.SettingsSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, project_id: str) -> Response:
        """The project manager allows (or not) time on tasks one is not assigned to."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.APPROVE_TIME)
        data = valid_input(s.SettingsWriteSerializer, request)
        saved = services.settings_save(
            who=actor(request),
            project=project,
            version=optional_version(request),
            allow_unassigned=data["allow_unassigned"],
        )
        return Response(s.SettingsSerializer(saved).data)


class TimesheetTotalsView(APIView):
    """Hours of the project by task, person and week."""

    @extend_schema(summary="Timesheet totals", responses=s.TotalsSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Everyone's hours for the project manager; one's own otherwise."""
        project = project_get(who=actor(request), project_id=project_id)
        return Response(
            s.TotalsSerializer(selectors.totals(who=actor(request), project=project)).data
        )
