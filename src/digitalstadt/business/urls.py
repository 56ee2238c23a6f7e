"""Business's public pages (mounted at /weiterbildung/)."""

from .attendance_urls import urlpatterns as attendance_urlpatterns

app_name = "business"
urlpatterns: list = []
urlpatterns += attendance_urlpatterns
