from django.urls import path

from . import converters  # noqa: F401  (registers <caseref:...>)

from . import views


app_name = "applications"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("neu/<slug:slug>/", views.start, name="start"),
    path("entwurf/<uuid:uuid>/", views.resume, name="resume"),
    path("entwurf/<uuid:uuid>/nachweise/", views.evidence, name="evidence"),
    path("entwurf/<uuid:uuid>/nachweise/<int:upload_id>/entfernen/", views.evidence_remove, name="evidence-remove"),
    path("entwurf/<uuid:uuid>/pruefen/", views.summary, name="summary"),
    path("entwurf/<uuid:uuid>/loeschen/", views.discard, name="discard"),
    path("entwurf/<uuid:uuid>/<slug:step>/", views.step, name="step"),
    path("vorgang/<caseref:reference>/", views.case_detail, name="case"),
    path("vorgang/<caseref:reference>/zurueckziehen/", views.case_withdraw, name="withdraw"),
    path("vorgang/<caseref:reference>/nach-dem-umzug/", views.after_move, name="after-move"),
    path("vorgang/<caseref:reference>/absagen/", views.case_cancel, name="cancel"),
    path("sitzung/verlaengern/", views.keepalive, name="keepalive"),
]
