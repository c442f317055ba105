"""REST routes of keystage.closing, mounted under /api/v1/ in the ``api`` namespace."""

from django.urls import URLPattern, path

from keystage.closing import api
from keystage.closing.final_budget import api as budget_api
from keystage.closing.final_report import api as report_api
from keystage.closing.handover.services import HANDOVER_ITEMS
from keystage.closing.review.services import LESSONS
from keystage.closing.training.services import TRAINING_SESSIONS

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "handover/", api.HandoverView.as_view(), name="closing-handover"),
    path(P + "handover/sign/", api.HandoverSignView.as_view(), name="closing-handover-sign"),
    *HANDOVER_ITEMS.api_urls(),
    path(P + "closing-files/", api.ClosingFilesView.as_view(), name="closing-files"),
    path(P + "closing-files/<str:file_id>/", api.ClosingFileView.as_view(), name="closing-file"),
    path(P + "training/", api.TrainingView.as_view(), name="closing-training"),
    *TRAINING_SESSIONS.api_urls(),
    path(
        P + "training-sessions/<str:training_session_id>/attendance/",
        api.AttendanceView.as_view(),
        name="closing-attendance",
    ),
    path(P + "review/", api.ReviewView.as_view(), name="closing-review"),
    *LESSONS.api_urls(),
    path("lessons/", api.LessonSearchView.as_view(), name="lesson-search"),
    path(P + "final-budget/", budget_api.FinalBudgetApiView.as_view(), name="final-budget"),
    path(
        P + "final-budget/reconcile/",
        budget_api.FinalBudgetReconcileView.as_view(),
        name="final-budget-reconcile",
    ),
    path(P + "final-reports/", report_api.FinalReportListView.as_view(), name="final-report-list"),
    path(
        P + "final-reports/<int:number>/",
        report_api.FinalReportDetailView.as_view(),
        name="final-report-detail",
    ),
    path(
        P + "final-reports/<int:number>/pdf/",
        report_api.FinalReportPdfView.as_view(),
        name="final-report-pdf",
    ),
]
