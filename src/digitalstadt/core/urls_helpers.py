from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, *, args=None, kwargs=None) -> str:
    """An absolute link for e-mails, PDFs and QR codes, in the active language's URL
    scheme (German without prefix, English under /en/)."""
    return settings.SITE_URL + reverse(viewname, args=args, kwargs=kwargs)
