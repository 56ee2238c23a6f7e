"""The HTTP API at /api/v1/ (django-ninja). Browser: session auth; machines:
per-organisation API tokens (`Authorization: Bearer dst_...`)."""

from django.db import connection
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from digitalstadt.accounts.services import ApiTokenAuth
from digitalstadt.core.api_errors import api_errors


def OrganisationToken():  # noqa: N802 - kept as the name the endpoints use
    """Any valid organisation token (no scope needed): rate-limited, expiry checked."""
    return ApiTokenAuth()


api = NinjaAPI(
    title="Digitalstadt Darmstadt API",
    version="1.0.0",
    description="Öffentliche und organisationsbezogene Schnittstellen der Plattform Digitalstadt Darmstadt.",
    urls_namespace="api-1.0.0",
)


def _register_routers() -> None:
    from digitalstadt.appointments.api import router as appointments_router

    from digitalstadt.applications.api import router as applications_router
    from digitalstadt.catalog.api import router as catalog_router
    from digitalstadt.delivery.api import router as delivery_router
    from digitalstadt.marketplace.api import router as marketplace_router
    from digitalstadt.parking.api import router as parking_router

    api.add_router("/appointments", appointments_router)
    api.add_router("/applications", applications_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/delivery", delivery_router)
    api.add_router("/marketplace", marketplace_router)
    api.add_router("/parking", parking_router)


_register_routers()


class HealthOut(Schema):
    status: str
    database: str


@api.get("/health", response={200: HealthOut, 503: HealthOut, **api_errors()}, tags=["platform"],
         summary="Liveness and database check")
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"status": "ok", "database": "ok"}
    except Exception:  # noqa: BLE001
        return api.create_response(request, {"status": "unhealthy", "database": "unreachable"}, status=503)


class WhoAmIOut(Schema):
    kind: str
    organisation: str | None = None
    email: str | None = None


@api.get("/whoami", response={200: WhoAmIOut, **api_errors(401)}, auth=[OrganisationToken(), django_auth],
         tags=["platform"], summary="Who is calling: an organisation token or a signed-in person")
def whoami(request):
    token = getattr(request, "api_token", None)
    if token is not None and token.is_personal:
        return {"kind": "person", "email": token.user.email}
    if token is not None:
        return {"kind": "organisation", "organisation": token.organisation.slug}
    return {"kind": "user", "email": request.user.email}
