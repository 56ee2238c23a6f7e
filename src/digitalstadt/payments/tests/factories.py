from pathlib import Path


from digitalstadt.accounts.models import User
from digitalstadt.accounts.tests.factories import StaffFactory, UserFactory
from digitalstadt.payments.models import Payment

DATA = Path(__file__).parent / "data"
CAMT_V08 = DATA / "camt053_v08_stadtkasse_2026-11-25.xml"
CAMT_V02 = DATA / "camt053_v02_stadtkasse_2026-11-26.xml"

# The payments the fixture statements pay for (reference -> amount in cents, purpose):
# RF references as issued now, and references of the form issued before.
FIXTURE_PAYMENTS = {
    "DA-2026-000101-0": (1000, "Meldebescheinigung"),
    "RF97DA2026000102": (12000, "Hundesteuer 2027"),
    "RF70DA2026000103": (12000, "Bewohnerparkausweis Martinsviertel-Ost"),
    "DA-2026-000104-4": (2600, "Gewerbeanmeldung"),
    "DA-2026-000105-2": (3000, "Sperrmüll-Abholung"),
    "DA-2026-000106-9": (1500, "Beglaubigung"),
    "DA-2026-000107-7": (2000, "Anwohnerparken Zweitausweis"),
    "DA-2026-000108-5": (800, "Fundsache"),
}


def make_payment(reference: str, amount_cents: int, purpose: str = "Gebühr", payer=None, **extra) -> Payment:
    return Payment.objects.create(reference=reference, amount_cents=amount_cents, purpose=purpose, payer=payer,
                                  **extra)


def make_fixture_payments() -> dict[str, Payment]:
    return {ref: make_payment(ref, cents, purpose) for ref, (cents, purpose) in FIXTURE_PAYMENTS.items()}


PAYMENT_STAFF_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_user(email: str) -> User:
    return UserFactory(email=email)


def make_staff(email: str, role: str, **scope) -> User:
    return StaffFactory(email=email, role=role, role__office=scope.get("office"), totp=PAYMENT_STAFF_TOTP)
