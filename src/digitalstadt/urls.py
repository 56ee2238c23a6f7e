from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from digitalstadt.accounts import staff_admin_views as accounts_staff_admin_views
from digitalstadt.api import api
from digitalstadt.core import views as core_views

# Language-neutral endpoints: machines, health, PWA files, admin.
urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("manifest.webmanifest", core_views.manifest, name="manifest"),
    path("sw.js", core_views.service_worker, name="service-worker"),
    path("api/v1/", api.urls),
    path("zahlungen/webhook/", include("digitalstadt.payments.webhook_urls")),
    # The stand-in for the payment provider's hosted page (404 unless PSP_SIMULATOR_ENABLED).
    path("psp-simulator/", include("digitalstadt.payments.simulator_urls")),
    # The local demo room for webinars (404 unless "simulator" is in ROOM_PROVIDERS).
    path("raum-simulator/", include("digitalstadt.business.room_simulator_urls")),
    path("admin/", admin.site.urls),
]

# Pages: German without prefix, English under /en/ (docs/decisions/0002-language-urls.md).
urlpatterns += i18n_patterns(
    path("", include("digitalstadt.core.urls")),
    # Staff cannot switch off their last second factor (before allauth's own view).
    path("konto/2fa/totp/deactivate/", accounts_staff_admin_views.totp_deactivate, name="mfa_deactivate_totp"),
    path("konto/", include("allauth.urls")),
    path("mein-konto/", include("digitalstadt.accounts.urls")),
    path("postfach/", include("digitalstadt.mailbox.urls")),
    path("verwaltung/termine/", include("digitalstadt.appointments.office_urls")),
    path("verwaltung/termine/", include("digitalstadt.appointments.staff_urls")),
    path("verwaltung/zahlungen/", include("digitalstadt.payments.staff_urls")),
    path("verwaltung/vorgaenge/", include("digitalstadt.applications.staff_urls")),
    path("verwaltung/parken/", include("digitalstadt.parking.staff_urls")),
    path("verwaltung/geraeteschluessel/", include("digitalstadt.accounts.device_tokens")),
    path("verwaltung/mitarbeitende/", include("digitalstadt.accounts.staff_admin_urls")),
    path("verwaltung/weiterbildung/rueckmeldungen/", include("digitalstadt.business.feedback_staff_urls")),
    path("verwaltung/", include("digitalstadt.core.staff_urls")),
    path("zahlungen/", include("digitalstadt.payments.urls")),
    path("parken/strasse/", include("digitalstadt.parking.street_urls")),
    path("marktplatz/", include("digitalstadt.marketplace.urls")),
    path("", include("digitalstadt.parking.voucher_urls")),
    path("mein-geschaeft/", include("digitalstadt.marketplace.retailer_urls")),
    path("lieferung/", include("digitalstadt.delivery.track_urls")),
    path("kurierdienst/", include("digitalstadt.delivery.dispatch_urls")),
    path("kurier/", include("digitalstadt.delivery.courier_urls")),
    path("parken/", include("digitalstadt.parking.carpark_urls")),
    path("parkhausbetreiber/", include("digitalstadt.parking.operator_urls")),
    path("verwaltung/marktplatz/", include("digitalstadt.marketplace.staff_urls")),
    path("weiterbildung/raum/", include("digitalstadt.business.room_urls")),
    path("weiterbildung/", include("digitalstadt.business.urls")),
    path("partner/", include("digitalstadt.business.partner_urls")),
    path("verwaltung/weiterbildung/", include("digitalstadt.business.staff_urls")),
    path("verwaltung/wissen/", include("digitalstadt.exchange.knowledge_staff_urls")),
    path("wissen/", include("digitalstadt.exchange.knowledge_urls")),
    # Notice and action (flags, moderation) before the forum's own /austausch/ pages.
    path("austausch/", include("digitalstadt.exchange.moderation_urls")),
    path("austausch/", include("digitalstadt.exchange.urls")),
    path("leistungen/", include("digitalstadt.catalog.urls")),
    path("antraege/", include("digitalstadt.applications.urls")),
    path("wohnungsgeberbestaetigung/", include("digitalstadt.register.urls")),
    path("termine/", include("digitalstadt.appointments.display_urls")),
    path("termine/", include("digitalstadt.appointments.urls")),
    prefix_default_language=False,
)
handler500 = "digitalstadt.core.views.server_error"
