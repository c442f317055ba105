"""Initiation pages of a project."""

from django.urls import path

from keystage.initiation import views

app_name = "initiation"

P = "projects/<uuid:project_id>/initiation/"

urlpatterns = [
    path(P, views.overview, name="overview"),
    path(P + "proposal/", views.proposal_edit, name="proposal"),
    path(P + "business-case/", views.business_case_edit, name="business-case"),
    path(P + "business-case/lines/new/", views.line_create, name="line-create"),
    path(P + "business-case/lines/<uuid:line_id>/", views.line_edit, name="line-edit"),
    path(P + "feasibility/", views.feasibility_edit, name="feasibility"),
    path(P + "notes/new/", views.note_create, name="note-create"),
    path(P + "notes/<uuid:note_id>/", views.note_edit, name="note-edit"),
    path(P + "notes/<uuid:note_id>/files/", views.attachments_page, name="attachments"),
    path(
        P + "notes/<uuid:note_id>/files/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path(
        P + "notes/<uuid:note_id>/files/<uuid:attachment_id>/remove/",
        views.attachment_delete,
        name="attachment-delete",
    ),
    path(P + "stakeholders/new/", views.stakeholder_create, name="stakeholder-create"),
    path(
        P + "stakeholders/<uuid:stakeholder_id>/",
        views.stakeholder_edit,
        name="stakeholder-edit",
    ),
    path(
        P + "stakeholders/<uuid:stakeholder_id>/sign-off/",
        views.stakeholder_sign_off,
        name="stakeholder-sign-off",
    ),
]
