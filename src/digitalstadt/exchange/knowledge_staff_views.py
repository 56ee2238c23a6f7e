"""The business development office edits the toolkits under /verwaltung/wissen/ (second
factor enforced by the staff middleware): a list with the download figures, and a page
that publishes a new version, prefilled with the current one."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from digitalstadt.core.permissions import staff_required
from digitalstadt.core.ratelimit import client_ip

from . import knowledge_selectors as selectors
from .knowledge_forms import ToolkitVersionForm
from .knowledge_services import toolkit_publish_version, user_may_edit_toolkits


def editor_required(view):
    @wraps(view)
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not user_may_edit_toolkits(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@editor_required
def toolkit_list(request):
    return render(request, "exchange/knowledge_staff_list.html", {
        "rows": [(toolkit, selectors.current_version(toolkit=toolkit), total)
                 for toolkit, total in selectors.downloads_per_toolkit()]})


@editor_required
def publish(request, slug: str):
    toolkit = selectors.toolkit_by_slug(slug=slug)
    if toolkit is None:
        raise Http404
    current = selectors.current_version(toolkit=toolkit)
    current_number = current.number if current else 0
    if request.method == "POST":
        form = ToolkitVersionForm(request.POST)
        if form.is_valid():
            try:
                version = toolkit_publish_version(
                    actor=request.user, toolkit=toolkit, body=form.cleaned_data["body"],
                    change_note=form.cleaned_data["change_note"], based_on=form.cleaned_data["based_on"],
                    ip_address=client_ip(request))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Version %(number)s ist veröffentlicht.") % {"number": version.number})
                return redirect("knowledge:toolkit", slug=toolkit.slug)
    else:
        form = ToolkitVersionForm(initial={"body": current.body if current else "", "based_on": current_number})
    return render(request, "exchange/knowledge_staff_publish.html", {
        "toolkit": toolkit, "current": current, "form": form}, status=400 if form.errors else 200)
