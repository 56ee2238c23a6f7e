"""Payment settings. Every value can be set in the Django settings or the environment;
the defaults are DEMO values (a documentation IBAN, not the city's account), so a
deployment must set PAYMENTS_CREDITOR_* to the city's real account.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings

# DEMO bank account: the well-known documentation IBAN (valid check digits, no real
# city account). Production sets PAYMENTS_CREDITOR_NAME/IBAN/BIC.
DEMO_CREDITOR_IBAN = "DE89370400440532013000"
DEMO_CREDITOR_BIC = "COBADEFFXXX"


@dataclass(frozen=True)
class Creditor:
    name: str
    iban: str
    bic: str

    @property
    def is_demo(self) -> bool:
        return self.iban == DEMO_CREDITOR_IBAN


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return value


def creditor() -> Creditor:
    return Creditor(
        name=_setting("PAYMENTS_CREDITOR_NAME", "Wissenschaftsstadt Darmstadt"),
        iban=_setting("PAYMENTS_CREDITOR_IBAN", DEMO_CREDITOR_IBAN).replace(" ", "").upper(),
        bic=_setting("PAYMENTS_CREDITOR_BIC", DEMO_CREDITOR_BIC).replace(" ", "").upper(),
    )


def reference_prefix() -> str:
    """Letters in front of every remittance reference, e.g. "DA" in DA-2026-000123-7."""
    return _setting("PAYMENTS_REFERENCE_PREFIX", "DA").upper()


def statement_ibans() -> set[str]:
    """Accounts whose CAMT.053 statements may be imported (default: the creditor's)."""
    configured = getattr(settings, "PAYMENTS_STATEMENT_IBANS", None)
    if configured is None:
        configured = [i for i in os.environ.get("PAYMENTS_STATEMENT_IBANS", "").split(",") if i.strip()]
    ibans = {i.replace(" ", "").upper() for i in configured}
    return ibans or {creditor().iban}


def enabled_providers() -> list[str]:
    configured = getattr(settings, "PAYMENT_PROVIDERS", None)
    if configured is None:
        configured = [p.strip() for p in os.environ.get("PAYMENT_PROVIDERS", "giro").split(",") if p.strip()]
    return list(configured)


def testpsp_secret() -> str:
    return _setting("PAYMENTS_TESTPSP_SECRET", "")


def testpsp_checkout_url() -> str:
    return _setting("PAYMENTS_TESTPSP_CHECKOUT_URL", "")


def epay_secret() -> str:
    """The secret shared with the provider; for the local simulator, when none is set,
    one derived from SECRET_KEY (never a published value)."""
    secret = _setting("PAYMENTS_EPAY_SECRET", "")
    if not secret and simulator_enabled() and settings.SECRET_KEY:
        import hashlib
        import hmac

        secret = hmac.new(settings.SECRET_KEY.encode(), b"digitalstadt.psp-simulator", hashlib.sha256).hexdigest()
    return secret


def epay_page_url() -> str:
    """The provider's hosted payment page; the platform's simulator when it is on."""
    url = _setting("PAYMENTS_EPAY_PAGE_URL", "")
    if not url and simulator_enabled():
        from django.urls import reverse

        url = reverse("psp-simulator:page")
    return url


def simulator_enabled() -> bool:
    """The local PSP simulator (/psp-simulator/): on outside production (settings.base),
    always off in production (settings.production)."""
    return bool(getattr(settings, "PSP_SIMULATOR_ENABLED", False))


def default_payee() -> str:
    return "city"


def personal_data_retention_days() -> int:
    """Debtor name and IBAN of incoming payments are booking records (Buchungsbelege):
    kept ten years (§ 147 AO, GemHVO Hessen), then erased by the retention job."""
    return int(_setting("PAYMENTS_PERSONAL_DATA_RETENTION_DAYS", str(10 * 366)))
