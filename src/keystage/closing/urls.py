"""Pages of keystage.closing (namespace ``closing``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.closing import views
from keystage.closing.final_budget import views as budget_views
from keystage.closing.final_report import views as report_views
from keystage.closing.handover.services import HANDOVER_ITEMS
from keystage.closing.review.services import LESSONS
from keystage.closing.training.services import TRAINING_SESSIONS

app_name = "closing"

P = "projects/<uuid:project_id>/"


def _kit_pages(kit: object, stem: str) -> list[URLPattern]:
    """A kit's new and edit pages under ``stem``; its list page is this app's own page."""
    _, create_page, edit_page = kit.page_views()  # type: ignore[attr-defined]
    name, id_kwarg = kit.spec.name, kit.spec.id_kwarg  # type: ignore[attr-defined]
    return [
        path(P + stem + "new/", create_page, name=f"{name}-create"),
        path(P + stem + f"<uuid:{id_kwarg}>/", edit_page, name=f"{name}-edit"),
    ]


urlpatterns: list[URLPattern] = [
    # handover: the kit's list name is the handover page, where its forms come back to
    path(P + "handover/", views.handover_page, name="handover_items"),
    path(P + "handover/details/", views.handover_edit, name="handover-edit"),
    path(P + "handover/sign/", views.handover_sign, name="handover-sign"),
    *_kit_pages(HANDOVER_ITEMS, "handover/items/"),
    path(P + "closing-files/", views.file_upload, name="file-upload"),
    path(P + "closing-files/<uuid:file_id>/", views.file_download, name="file"),
    path(P + "closing-files/<uuid:file_id>/remove/", views.file_remove, name="file-remove"),
    # training
    path(P + "training/", views.training_page, name="training_sessions"),
    path(P + "training/users/", views.training_plan_edit, name="training-plan"),
    *_kit_pages(TRAINING_SESSIONS, "training/sessions/"),
    path(
        P + "training/sessions/<uuid:training_session_id>/attendance/",
        views.attendance_page,
        name="attendance",
    ),
    # review and lessons
    path(P + "review/", views.review_page, name="lessons"),
    path(P + "review/meeting/", views.review_edit, name="review-edit"),
    *_kit_pages(LESSONS, "review/lessons/"),
    path("lessons/", views.lesson_search_page, name="lesson-search"),
    path(P + "closing/", budget_views.closing_page, name="closing"),
    path(P + "closing/final-budget/", budget_views.final_budget_page, name="final-budget"),
    path(
        P + "closing/final-budget/reconcile/",
        budget_views.final_budget_reconcile,
        name="final-budget-reconcile",
    ),
    path(P + "closing/final-report/", report_views.final_report_page, name="final-report"),
    path(
        P + "closing/final-report/issue/",
        report_views.final_report_issue,
        name="final-report-issue",
    ),
    path(
        P + "closing/final-reports/<int:number>/",
        report_views.final_report_issued,
        name="final-report-issued",
    ),
    path(
        P + "closing/final-reports/<int:number>/pdf/",
        report_views.final_report_pdf,
        name="final-report-pdf",
    ),
]
