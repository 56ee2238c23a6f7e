from django.urls import path

from . import staff_views

app_name = "staff-business"

urlpatterns = [
    path("partnerrollen/", staff_views.role_list, name="roles"),
    path("partnerrollen/<int:pk>/", staff_views.role_detail, name="role"),
    path("partnerrollen/<int:pk>/entscheiden/", staff_views.role_decide, name="role-decide"),
]
