"""REST routes of keystage.staffing, mounted under /api/v1/."""

from django.urls import URLPattern, path

from keystage.staffing import api

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(
        P + "tasks/<str:task_id>/skills/",
        api.SkillNeedListView.as_view(),
        name="planning-skill-need-list",
    ),
    path(
        P + "tasks/<str:task_id>/skills/<str:skill_need_id>/",
        api.SkillNeedDetailView.as_view(),
        name="planning-skill-need-detail",
    ),
    path(
        P + "tasks/<str:task_id>/candidates/",
        api.CandidateListView.as_view(),
        name="planning-candidate-list",
    ),
    path(
        P + "tasks/<str:task_id>/candidates/accept/",
        api.CandidateAcceptView.as_view(),
        name="planning-candidate-accept",
    ),
    path(
        P + "assignments/",
        api.AssignmentListView.as_view(),
        name="planning-assignment-list",
    ),
    path(
        P + "assignments/<str:assignment_id>/",
        api.AssignmentDetailView.as_view(),
        name="planning-assignment-detail",
    ),
    path(
        P + "recommendations/",
        api.SuggestionListView.as_view(),
        name="planning-recommendation-list",
    ),
]
