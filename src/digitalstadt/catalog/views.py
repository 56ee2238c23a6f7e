from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from digitalstadt.core.fragments import cached, fragment
from digitalstadt.core.templatetags.jsonld import json_ld

from .models import LifeSituation, Service
from .selectors import active_services, fees_on, life_situations, search_services

CACHE = "catalog"  # core.fragments namespace; bumped by every catalogue write (hooks.py)


def index(request):
    query = request.GET.get("q", "").strip()[:100]
    situations = life_situations()  # one query set for both parts: fetched once

    def results_part():
        results = search_services(query=query)
        return render_to_string("catalog/_results.html", {
            "query": query, "results": results, "groups": _grouped(results, situations) if results else []})

    def lists_part():
        return render_to_string("catalog/_lists.html", {"situations": situations, "services": active_services()})

    # The same for every visitor: rendered once per language and catalogue version.
    return render(request, "catalog/index.html", {
        "query": query, "results_html": fragment(CACHE, ("results", query), results_part) if query else "",
        "lists_html": fragment(CACHE, ("lists",), lists_part),
    })


def _grouped(results: list[Service], situations) -> list[tuple[LifeSituation | None, list[Service]]]:
    """The hits under life-situation headings, best group first: each hit goes to the
    situation of its own that holds the most hits ("Umzug" puts the resident parking
    permit under "Umzug & Wohnen", "Parkausweis" under "Auto & Parken"). Uses the
    situations' prefetched services: no query of its own."""
    ranks = {service.pk: i for i, service in enumerate(results)}
    own: dict[int, list[LifeSituation]] = {}
    for situation in situations:
        for service in situation.services.all():
            if service.pk in ranks:
                own.setdefault(service.pk, []).append(situation)
    hits = {situation.pk: sum(1 for s in situation.services.all() if s.pk in ranks) for situation in situations}
    groups: dict[int | None, tuple[LifeSituation | None, list[Service]]] = {}
    for service in results:
        candidates = own.get(service.pk, [])
        # Most hits first; on a tie the situation listed first (life_situations() is ordered).
        situation = max(candidates, key=lambda s: hits[s.pk], default=None)
        key = situation.pk if situation else None
        groups.setdefault(key, (situation, []))[1].append(service)
    # Hits without a situation come last.
    return sorted(groups.values(), key=lambda group: group[0] is None)


def situation(request, slug):
    situation = get_object_or_404(LifeSituation, slug=slug)
    return render(request, "catalog/situation.html", {
        "situation": situation, "services": situation.services.filter(is_active=True).order_by("name_de"),
    })


def detail(request, slug):
    service = get_object_or_404(Service.objects.select_related("office"), slug=slug)
    if not service.is_active:
        raise Http404

    def parts():
        bookable = service.location_offers.filter(location__is_active=True).exists()
        fees = fees_on(service=service, day=timezone.localdate())
        has_plugin = _has_plugin(service)
        context = {
            "service": service, "fees": fees, "evidence": service.evidence.all(), "bookable": bookable,
            "situations": service.life_situations.all(), "has_plugin": has_plugin,
            "fees_are_tax": _fees_are_tax(service),
        }
        head = json_ld(_government_service(request, service, fees, bookable=bookable, has_plugin=has_plugin))
        return str(head), render_to_string("catalog/_detail.html", context)

    # Fees change on dated boundaries: the day is part of the key, like the host in the JSON-LD's URLs.
    head_html, body_html = cached(CACHE, ("detail", service.pk, timezone.localdate().isoformat(),
                                          request.get_host()), parts)
    return render(request, "catalog/detail.html", {"service": service, "head_html": mark_safe(head_html),
                                                   "body_html": mark_safe(body_html)})


def _government_service(request, service, fees, *, bookable: bool, has_plugin: bool) -> dict:
    """schema.org GovernmentService: what search engines and assistants read. Fees that
    are demo values are left out (no machine reads them as the city's price)."""
    data = {"@context": "https://schema.org", "@type": "GovernmentService", "name": service.name,
            "url": request.build_absolute_uri(reverse("catalog:detail", args=[service.slug])),
            "areaServed": {"@type": "City", "name": settings.CITY_NAME}}
    if service.summary:
        data["description"] = service.summary
    if service.office:
        data["provider"] = {"@type": "GovernmentOrganization", "name": service.office.name}
    channels = []
    if service.online_application and has_plugin:
        channels.append({"@type": "ServiceChannel", "name": _("Online beantragen"),
                         "serviceUrl": request.build_absolute_uri(reverse("applications:start", args=[service.slug]))})
    if bookable:
        channels.append({"@type": "ServiceChannel", "name": _("Termin buchen"), "serviceUrl": request.build_absolute_uri(
            reverse("appointments:start") + f"?leistung={service.slug}")})
    if service.external_url:
        channels.append({"@type": "ServiceChannel", "name": _("Externer Online-Dienst"),
                         "serviceUrl": service.external_url})
    if channels:
        data["availableChannel"] = channels
    offers = [{"@type": "Offer", "name": fee.label, "price": f"{fee.amount_cents / 100:.2f}", "priceCurrency": "EUR"}
              for fee in fees if not fee.is_demo]
    if offers:
        data["offers"] = offers
    return data


def _has_plugin(service) -> bool:
    from digitalstadt.applications.selectors import has_online_application

    return has_online_application(slug=service.slug)


def _fees_are_tax(service) -> bool:
    from digitalstadt.applications.selectors import charges_tax

    return charges_tax(slug=service.slug)
