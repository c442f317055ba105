"""Pages of keystage.resources: People & skills, a person, and a project's team & resources."""

from django.urls import path

from keystage.resources import team_views, views

app_name = "resources"

PERSON = "people/<str:user_id>/"
TEAM = "projects/<uuid:project_id>/team/"

urlpatterns = [
    path("people/", views.people, name="people"),
    path("skills/new/", views.skill_create, name="skill-create"),
    path(PERSON, views.person, name="person"),
    path(PERSON + "skills/", views.person_skill, name="person-skill"),
    path(PERSON + "absences/", views.absence_create, name="absence-create"),
    path(
        PERSON + "absences/<uuid:absence_id>/remove/",
        views.absence_delete,
        name="absence-delete",
    ),
    path(TEAM, team_views.team, name="team"),
    path(TEAM + "equipment/new/", team_views.equipment_create, name="equipment-create"),
    path(
        TEAM + "equipment/<uuid:equipment_id>/",
        team_views.equipment_edit,
        name="equipment-edit",
    ),
    path(TEAM + "procurement/new/", team_views.procurement_create, name="procurement-create"),
    path(
        TEAM + "procurement/<uuid:procurement_id>/",
        team_views.procurement_edit,
        name="procurement-edit",
    ),
]
