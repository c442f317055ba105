"""Pages of the intake queue."""

from django.urls import path

from keystage.initiation import intake_views

app_name = "intake"

urlpatterns = [
    path("intake/", intake_views.intake_list, name="list"),
    path("intake/new/", intake_views.intake_new, name="new"),
    path("intake/<uuid:proposal_id>/", intake_views.intake_detail, name="detail"),
]
