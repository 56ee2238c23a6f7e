from django.urls import path

from . import converters  # noqa: F401  (registers <caseref:...>)

from . import staff_views


app_name = "staff-applications"

urlpatterns = [
    path("", staff_views.inbox, name="inbox"),
    path("<caseref:reference>/", staff_views.case_detail, name="case"),
    path("<caseref:reference>/zuweisen/", staff_views.assign, name="assign"),
    path("<caseref:reference>/uebernehmen/", staff_views.assign_me, name="assign-me"),
    path("<caseref:reference>/status/", staff_views.change_status, name="status"),
    path("<caseref:reference>/notiz/", staff_views.add_note, name="note"),
    path("<caseref:reference>/frist/", staff_views.set_due_date, name="due-date"),
    path("<caseref:reference>/nachweis-anfordern/", staff_views.request_evidence, name="request-evidence"),
    path("<caseref:reference>/entscheiden/", staff_views.decide, name="decide"),
    path("<caseref:reference>/bescheid/", staff_views.decision_preview, name="decision-preview"),
    path("<caseref:reference>/bescheid/senden/", staff_views.send_decision, name="send-decision"),
    path("<caseref:reference>/bescheid/verwerfen/", staff_views.discard_draft, name="discard-draft"),
    path("<caseref:reference>/klaeren/", staff_views.resolve_check, name="resolve-check"),
    path("<caseref:reference>/widerrufen/", staff_views.revoke, name="revoke"),
    path("<caseref:reference>/export.json", staff_views.export, name="export"),
    path("<caseref:reference>/dokumente/<uuid:uuid>/", staff_views.case_document, name="document"),
]
