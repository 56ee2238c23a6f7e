"""The cart across shops and the checkout (lead's part)."""

from django.http import HttpResponse
from django.views.decorators.http import require_POST


def cart(request):
    return HttpResponse("")


@require_POST
def add(request):
    return HttpResponse("")
