from django.urls import path

from . import staff_views

app_name = "staff-applications"

urlpatterns = [
    path("", staff_views.inbox, name="inbox"),
    path("<str:reference>/", staff_views.case_detail, name="case"),
    path("<str:reference>/zuweisen/", staff_views.assign, name="assign"),
    path("<str:reference>/uebernehmen/", staff_views.assign_me, name="assign-me"),
    path("<str:reference>/status/", staff_views.change_status, name="status"),
    path("<str:reference>/notiz/", staff_views.add_note, name="note"),
    path("<str:reference>/frist/", staff_views.set_due_date, name="due-date"),
    path("<str:reference>/nachweis-anfordern/", staff_views.request_evidence, name="request-evidence"),
    path("<str:reference>/entscheiden/", staff_views.decide, name="decide"),
    path("<str:reference>/export.json", staff_views.export, name="export"),
]
