from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("themen/<slug:slug>/", views.pillar, name="pillar"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("leichte-sprache/", views.easy_language, name="easy-language"),
    path("sprache/", views.set_language, name="set-language"),
    path("offline/", views.offline, name="offline"),
    path("dokumente/<uuid:uuid>/", views.document_download, name="document-download"),
    path("pruefen/<str:verification_id>/", views.verify_document, name="verify"),
]
