from django import template

from digitalstadt.exchange import forum_text

register = template.Library()


@register.filter
def forum_render(text):
    """A post's plain text as safe HTML: escaped, links, @handles marked."""
    return forum_text.render(text or "", handles=set(forum_text.mentioned_handles(text or "")))


@register.filter
def forum_name(user):
    if user is None:
        return ""
    profile = getattr(user, "forum_profile", None)
    if profile is not None:
        return f"{profile.display_name} (@{profile.handle})"
    from digitalstadt.exchange.forum_profiles import display_name_for

    return display_name_for(user)
