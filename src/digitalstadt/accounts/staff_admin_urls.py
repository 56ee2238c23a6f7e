from django.urls import path

from . import staff_admin_views as views

app_name = "staff-accounts"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("einladen/", views.staff_invite, name="invite"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/rollen/<int:role_pk>/entziehen/", views.staff_role_revoke, name="role-revoke"),
    path("<int:pk>/zwei-faktor-zuruecksetzen/", views.staff_mfa_reset, name="mfa-reset"),
    path("<int:pk>/deaktivieren/", views.staff_deactivate, name="deactivate"),
    path("<int:pk>/einladung-erneut/", views.staff_invitation_resend, name="invitation-resend"),
]
