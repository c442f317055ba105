"""REST endpoints of the intake queue under /api/v1/intake/. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.core.api import IF_MATCH, expected_version, valid_input
from keystage.initiation import intake
from keystage.initiation import intake_serializers as s
from keystage.initiation.models import IntakeProposal
from keystage.portfolio.api import user_ref


def _out(proposal: IntakeProposal) -> dict[str, Any]:
    return s.IntakeProposalSerializer(proposal).data  # type: ignore[return-value]


def _with_sponsor(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    if "suggested_sponsor" in data:
        data["suggested_sponsor"] = user_ref(
            actor(request), data["suggested_sponsor"], "suggested_sponsor"
        )
    return data


class _Conflicts:
    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current proposal sent with a 409."""
        return _out(current) if current is not None else None


class IntakeListView(APIView):
    """The queue (PMO and administrators) or one's own proposals; submit a new one."""

    @extend_schema(
        summary="List the proposals in the intake queue",
        responses=s.IntakeProposalSerializer(many=True),
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("search", str),
            OpenApiParameter("sort", str, enum=list(intake.SORTS)),
        ],
    )
    def get(self, request: Request) -> Response:
        """Visible proposals, ranked (score, then NPV, then ROI) unless sorted otherwise."""
        params = request.query_params
        rows = intake.intake_list(
            who=actor(request),
            status=params.get("status", ""),
            search=params.get("search", "")[:100],
            sort=params.get("sort", "rank"),
        )
        ranked = {r.proposal.pk: r for r in rows}
        data = s.IntakeProposalSerializer(
            [r.proposal for r in rows], many=True, context={"ranked": ranked}
        ).data
        return Response(data)

    @extend_schema(
        summary="Submit a project proposal",
        request=s.IntakeSubmitSerializer,
        responses={201: s.IntakeProposalSerializer},
    )
    def post(self, request: Request) -> Response:
        """Any member of the organisation submits an idea."""
        data = _with_sponsor(request, valid_input(s.IntakeSubmitSerializer, request))
        proposal = intake.intake_submit(who=actor(request), data=data)
        return Response(_out(proposal), status=status.HTTP_201_CREATED)


class IntakeDetailView(_Conflicts, APIView):
    """One proposal: read it; its submitter edits it while it is open."""

    @extend_schema(summary="Read a proposal", responses=s.IntakeProposalSerializer)
    def get(self, request: Request, proposal_id: str) -> Response:
        """Read it (404 for anyone but its submitter, the PMO and administrators)."""
        return Response(_out(intake.intake_get(who=actor(request), proposal_id=proposal_id)))

    @extend_schema(
        summary="Edit one's proposal",
        request=s.IntakeSubmitSerializer(partial=True),
        responses=s.IntakeProposalSerializer,
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request, proposal_id: str) -> Response:
        """Change it at ``version`` (409 if stale, 428 if missing); an answer re-queues it."""
        proposal = intake.intake_get(who=actor(request), proposal_id=proposal_id)
        data = _with_sponsor(request, valid_input(s.IntakeSubmitSerializer, request, partial=True))
        proposal = intake.intake_update(
            who=actor(request), proposal=proposal, version=expected_version(request), data=data
        )
        return Response(_out(proposal))


class IntakeScoreView(_Conflicts, APIView):
    """The PMO's strategic and feasibility scores."""

    @extend_schema(
        summary="Score a proposal",
        request=s.IntakeScoreSerializer,
        responses=s.IntakeProposalSerializer,
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, proposal_id: str) -> Response:
        """Set the scores at ``version``."""
        proposal = intake.intake_get(who=actor(request), proposal_id=proposal_id)
        data = valid_input(s.IntakeScoreSerializer, request)
        proposal = intake.intake_score(
            who=actor(request), proposal=proposal, version=expected_version(request), data=data
        )
        return Response(_out(proposal))


class _NoteActionView(_Conflicts, APIView):
    """A decision that carries a note for the submitter (a question or a reason)."""

    decide: Any = None

    def post(self, request: Request, proposal_id: str) -> Response:
        """Decide at ``version``; the note goes to the submitter."""
        proposal = intake.intake_get(who=actor(request), proposal_id=proposal_id)
        data = valid_input(s.IntakeNoteSerializer, request)
        decide = type(self).decide
        proposal = decide(
            who=actor(request),
            proposal=proposal,
            version=expected_version(request),
            note=data["note"],
        )
        return Response(_out(proposal))


def _note_schema(summary: str) -> Any:
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            request=s.IntakeNoteSerializer,
            responses=s.IntakeProposalSerializer,
            parameters=[IF_MATCH],
        )
    )


@_note_schema("Ask for more information")
class IntakeRequestInfoView(_NoteActionView):
    """Ask the submitter for more information; the proposal waits for their edit."""

    decide = staticmethod(intake.intake_request_info)


@_note_schema("Reject a proposal")
class IntakeRejectView(_NoteActionView):
    """Reject a proposal with a reason."""

    decide = staticmethod(intake.intake_reject)


class IntakePromoteView(_Conflicts, APIView):
    """Promote a proposal to a project in Initiation."""

    @extend_schema(
        summary="Promote a proposal to a project",
        request=s.IntakePromoteSerializer,
        responses=s.IntakeProposalSerializer,
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, proposal_id: str) -> Response:
        """Open the project with its project manager; the proposal links to it."""
        who = actor(request)
        proposal = intake.intake_get(who=who, proposal_id=proposal_id)
        data = valid_input(s.IntakePromoteSerializer, request)
        proposal = intake.intake_promote(
            who=who,
            proposal=proposal,
            version=expected_version(request),
            code=data["code"],
            name=data.get("name", ""),
            kind=data.get("kind", "other"),
            start_date=data.get("start_date"),
            project_manager=user_ref(who, data["project_manager"], "project_manager"),
            sponsor=user_ref(who, data.get("sponsor"), "sponsor"),
            note=data.get("note", ""),
        )
        return Response(_out(proposal))
