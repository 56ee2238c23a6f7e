from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .models import LifeSituation, Service
from .selectors import active_services, fees_on, life_situations, search_services


def index(request):
    query = request.GET.get("q", "").strip()[:100]
    results = search_services(query=query) if query else None
    return render(request, "catalog/index.html", {
        "query": query, "results": results, "situations": life_situations(),
        "services": active_services(),
    })


def situation(request, slug):
    situation = get_object_or_404(LifeSituation, slug=slug)
    return render(request, "catalog/situation.html", {
        "situation": situation, "services": situation.services.filter(is_active=True).order_by("name_de"),
    })


def detail(request, slug):
    service = get_object_or_404(Service.objects.select_related("office"), slug=slug)
    if not service.is_active:
        raise Http404
    bookable = service.location_offers.filter(location__is_active=True).exists()
    return render(request, "catalog/detail.html", {
        "service": service, "fees": fees_on(service=service, day=timezone.localdate()),
        "evidence": service.evidence.all(), "bookable": bookable,
        "situations": service.life_situations.all(), "has_plugin": _has_plugin(service),
        "fees_are_tax": _fees_are_tax(service),
    })


def _has_plugin(service) -> bool:
    from digitalstadt.applications.selectors import has_online_application

    return has_online_application(slug=service.slug)


def _fees_are_tax(service) -> bool:
    from digitalstadt.applications.selectors import charges_tax

    return charges_tax(slug=service.slug)
