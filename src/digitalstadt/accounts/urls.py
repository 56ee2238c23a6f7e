from django.urls import path

from . import views
from . import staff_admin_views
from .eid import views as eid_views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("organisationen/neu/", views.organisation_create, name="organisation-create"),
    path("organisationen/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisationen/<slug:slug>/mitglieder/<int:pk>/rolle/", views.membership_role, name="membership-role"),
    path("organisationen/<slug:slug>/mitglieder/<int:pk>/entfernen/", views.membership_remove, name="membership-remove"),
    path("organisationen/<slug:slug>/einladungen/<int:pk>/zurueckziehen/", views.invitation_revoke, name="invitation-revoke"),
    path("organisationen/<slug:slug>/api-schluessel/", views.api_token_create, name="api-token-create"),
    path("organisationen/<slug:slug>/api-schluessel/<uuid:token_uuid>/widerrufen/", views.api_token_revoke, name="api-token-revoke"),
    path("einladung/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("verwaltung-einladung/<str:token>/", staff_admin_views.staff_invitation_accept, name="staff-invitation"),
    path("eid/oidc/callback/", eid_views.oidc_callback, name="eid-oidc-callback"),
    path("eid/<slug:plugin>/", views.eid_start, name="eid-start"),
    path("eid-simulator/", views.eid_simulator, name="eid-simulator"),
]
