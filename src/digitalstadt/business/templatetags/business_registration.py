"""`{% registration_panel event_date %}`: the registration box of an event date's page
(business/_registration_panel.html renders it with just `event_date` in the context)."""

from django import template

register = template.Library()


@register.inclusion_tag("business/_registration_panel_body.html", takes_context=True)
def registration_panel(context, event_date):
    from ..registration_selectors import registration_panel as panel_for

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"panel": panel_for(event_date=event_date, user=user), "request": request,
            "show_company_link": context.get("show_company_link", True)}
