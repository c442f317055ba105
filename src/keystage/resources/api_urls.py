"""REST routes of keystage.resources, mounted under /api/v1/."""

from django.urls import path

from keystage.resources import api

PEOPLE = "people/<str:user_id>/"
P = "projects/<str:project_id>/"

urlpatterns = [
    path("skills/", api.SkillListCreateView.as_view(), name="skill-list"),
    path("skills/<str:skill_id>/", api.SkillDetailView.as_view(), name="skill-detail"),
    path("people/", api.PersonListView.as_view(), name="person-list"),
    path(PEOPLE, api.PersonDetailView.as_view(), name="person-detail"),
    path(PEOPLE + "skills/", api.PersonSkillsView.as_view(), name="person-skills"),
    path(PEOPLE + "absences/", api.AbsenceListCreateView.as_view(), name="absence-list"),
    path(
        PEOPLE + "absences/<str:absence_id>/",
        api.AbsenceDetailView.as_view(),
        name="absence-detail",
    ),
    path(P + "equipment/", api.EquipmentListCreateView.as_view(), name="equipment-list"),
    path(
        P + "equipment/<str:equipment_id>/",
        api.EquipmentDetailView.as_view(),
        name="equipment-detail",
    ),
    path(P + "procurement/", api.ProcurementListCreateView.as_view(), name="procurement-list"),
    path(
        P + "procurement/<str:procurement_id>/",
        api.ProcurementDetailView.as_view(),
        name="procurement-detail",
    ),
]
