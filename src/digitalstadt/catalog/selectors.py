from __future__ import annotations

from django.db.models import QuerySet

from .models import Service

__all__ = ["active_services", "fee_for", "fees_on", "life_situations", "online_application_services",
           "search_services", "service_by_slug", "service_ids_by_slug"]


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).order_by("name_de")


def search_services(*, query: str, services=None) -> list[Service]:
    """Active services matching every word of the query, best first: German stemming,
    the synonym table and compound parts (see catalog.search)."""
    from .search import search

    candidates = list(services if services is not None else active_services())
    return [hit.service for hit in search(query, candidates)]


def fees_on(*, service: Service, day) -> list:
    """The fees that apply on `day` (the amount is frozen on a case when submitted)."""
    from django.db.models import Q

    return list(service.fees.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
                .order_by("amount_cents", "label_de"))


def life_situations():
    from .models import LifeSituation

    return LifeSituation.objects.prefetch_related("services").order_by("order", "name_de")


def fee_for(*, service: Service, code: str, day):
    """The fee with `code` valid on `day`, or None (the newest start date wins)."""
    from django.db.models import Q

    return (service.fees.filter(code=code, valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day)).order_by("-valid_from").first())


def service_by_slug(*, slug: str, active_only: bool = True) -> Service | None:
    services = Service.objects.select_related("office").filter(slug=slug)
    if active_only:
        services = services.filter(is_active=True)
    return services.first()


def online_application_services() -> QuerySet[Service]:
    return Service.objects.filter(online_application=True).order_by("name_de")


def service_ids_by_slug(*, slugs) -> dict[str, int]:
    """slug -> id of the active services among `slugs` (unknown slugs are left out)."""
    return dict(Service.objects.filter(slug__in=list(slugs), is_active=True).values_list("slug", "id"))
