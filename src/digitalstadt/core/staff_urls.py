from django.urls import path

from . import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("protokoll/", staff_views.audit_log, name="audit-log"),
    path("barrierefreiheit/", staff_views.accessibility_feedback, name="accessibility-feedback"),
]
