"""Catalogue API (tag `catalog`): the city's services for partner systems (the 115
service centre, the city website, chat assistants), for organisation tokens with the
scope `catalog:read`."""

from __future__ import annotations

from ninja import Router, Schema

from digitalstadt.accounts.services import ApiTokenAuth
from digitalstadt.core.api_errors import api_errors

from .selectors import active_services

router = Router(tags=["catalog"])


class ServiceOut(Schema):
    slug: str
    name_de: str
    name_en: str
    summary_de: str
    summary_en: str
    online: bool
    external_url: str
    office: str | None = None


@router.get("/services", response={200: list[ServiceOut], **api_errors(401, 403, 429)},
            auth=ApiTokenAuth(scope="catalog:read"), summary="Every active service with its way to apply")
def services(request):
    return [{"slug": s.slug, "name_de": s.name_de, "name_en": s.name_en, "summary_de": s.summary_de,
             "summary_en": s.summary_en, "online": s.online_application, "external_url": s.external_url or "",
             "office": s.office.name if s.office_id else None}
            for s in active_services().select_related("office")]
