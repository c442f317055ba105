"""REST routes of the initiation stage, mounted under /api/v1/projects/<project_id>/initiation/."""

from django.urls import path

from keystage.core.middleware import accepts_uploads
from keystage.initiation import api, intake_api

P = "projects/<str:project_id>/initiation/"

urlpatterns = [
    path(P, api.InitiationSummaryView.as_view(), name="initiation-summary"),
    path(P + "proposal/", api.ProposalView.as_view(), name="initiation-proposal"),
    path(P + "business-case/", api.BusinessCaseView.as_view(), name="initiation-business-case"),
    path(
        P + "business-case/lines/",
        api.LineListCreateView.as_view(),
        name="initiation-line-list",
    ),
    path(
        P + "business-case/lines/<str:line_id>/",
        api.LineDetailView.as_view(),
        name="initiation-line-detail",
    ),
    path(P + "notes/", api.NoteListCreateView.as_view(), name="initiation-note-list"),
    path(P + "notes/<str:note_id>/", api.NoteDetailView.as_view(), name="initiation-note-detail"),
    path(
        P + "notes/<str:note_id>/attachments/",
        accepts_uploads(api.AttachmentListCreateView.as_view()),
        name="initiation-attachment-list",
    ),
    path(
        P + "notes/<str:note_id>/attachments/<str:attachment_id>/",
        api.AttachmentDetailView.as_view(),
        name="initiation-attachment-detail",
    ),
    path(
        P + "notes/<str:note_id>/attachments/<str:attachment_id>/download/",
        api.AttachmentDownloadView.as_view(),
        name="initiation-attachment-download",
    ),
    path(P + "feasibility/", api.FeasibilityView.as_view(), name="initiation-feasibility"),
    path(
        P + "stakeholders/",
        api.StakeholderListCreateView.as_view(),
        name="initiation-stakeholder-list",
    ),
    path(
        P + "stakeholders/<str:stakeholder_id>/",
        api.StakeholderDetailView.as_view(),
        name="initiation-stakeholder-detail",
    ),
    path(
        P + "stakeholders/<str:stakeholder_id>/sign-off/",
        api.StakeholderSignOffView.as_view(),
        name="initiation-stakeholder-sign-off",
    ),
    path("intake/", intake_api.IntakeListView.as_view(), name="intake-list"),
    path("intake/<str:proposal_id>/", intake_api.IntakeDetailView.as_view(), name="intake-detail"),
    path(
        "intake/<str:proposal_id>/score/", intake_api.IntakeScoreView.as_view(), name="intake-score"
    ),
    path(
        "intake/<str:proposal_id>/request-info/",
        intake_api.IntakeRequestInfoView.as_view(),
        name="intake-request-info",
    ),
    path(
        "intake/<str:proposal_id>/reject/",
        intake_api.IntakeRejectView.as_view(),
        name="intake-reject",
    ),
    path(
        "intake/<str:proposal_id>/promote/",
        intake_api.IntakePromoteView.as_view(),
        name="intake-promote",
    ),
]
