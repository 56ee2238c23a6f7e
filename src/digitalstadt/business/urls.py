"""Business's public pages (mounted at /weiterbildung/)."""

app_name = "business"
urlpatterns: list = []
