from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from .selectors import message_for_user, messages_for_user
from .services import message_mark_read


@login_required
def message_list(request):
    messages_qs = messages_for_user(user=request.user)
    if request.GET.get("filter") == "ungelesen":
        messages_qs = messages_qs.filter(is_read=False)
    page = Paginator(messages_qs, 25).get_page(request.GET.get("seite"))
    return render(request, "mailbox/list.html", {"page": page, "only_unread": request.GET.get("filter") == "ungelesen"})


@login_required
def message_detail(request, uuid):
    message = message_for_user(user=request.user, uuid=uuid)
    if message is None:
        raise Http404
    message_mark_read(message=message, user=request.user)
    return render(request, "mailbox/detail.html", {"message": message})
