"""Invoices of shop orders: content (§ 14 Abs. 4 UStG) read back from the PDF, the
arithmetic per tax rate, numbering per shop and year, and the two special variants."""

import pytest
from django.core.exceptions import ValidationError

from digitalstadt.marketplace.invoices import invoice_issue, net_of, tax_rows
from digitalstadt.marketplace.models import Invoice, OrderCounter
from digitalstadt.testing.pdf import pdf_text

from .factories import make_order, make_shop, make_variant

pytestmark = pytest.mark.django_db


def invoice_text(invoice) -> str:
    """The invoice's text; "7 %" and "7%" alike (pdftotext may drop the narrow space)."""
    return pdf_text(bytes(invoice.pdf)).replace(" %", "%")


class Line:
    def __init__(self, price, quantity, rate):
        self.unit_price_cents, self.quantity, self.vat_rate = price, quantity, rate


@pytest.mark.parametrize("gross", [1, 2, 7, 107, 119, 1190, 1191, 99_999, 123_457])
@pytest.mark.parametrize("rate", [7, 19])
def test_net_plus_tax_is_gross_and_net_is_rounded_half_up(gross, rate):
    from decimal import ROUND_HALF_UP, Decimal

    row = tax_rows([Line(gross, 1, rate)])[0]
    assert row.net_cents + row.tax_cents == row.gross_cents == gross
    exact = Decimal(gross) * 100 / Decimal(100 + rate)
    assert row.net_cents == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)) == net_of(gross, rate)


def test_rounding_is_per_rate_not_per_line():
    # Three lines of 0,05 € at 19 %: per line the net would be 0,04 each (0,12 in all);
    # per rate the net of 0,15 € is 0,13 €, tax 0,02 €.
    row = tax_rows([Line(5, 1, 19), Line(5, 1, 19), Line(5, 1, 19)])[0]
    assert (row.gross_cents, row.net_cents, row.tax_cents) == (15, 13, 2)


def test_invoice_content_with_two_tax_rates(clock):
    shop = make_shop(name="Kaffeerösterei Heiner", vat_id="DE811907980", street="Ernst-Ludwig-Straße 7")
    coffee = make_variant(shop, title="Espresso Bohnen 1 kg", price_cents=11_990, vat_rate=19)
    cake = make_variant(shop, title="Apfelkuchen", price_cents=12_345, vat_rate=7)
    shop_order = make_order(shop, lines=[(coffee, 2), (cake, 1)])
    invoice = invoice_issue(shop_order=shop_order)

    text = invoice_text(invoice)
    year = clock.today().year
    assert invoice.number == f"RE-{year}-00001"
    for expected in ("Kaffeerösterei Heiner", "Ernst-Ludwig-Straße 7", "64283 Darmstadt", "USt-IdNr.",
                     "DE811907980", f"Rechnung RE-{year}-00001", "Rechnungsdatum", clock.today().strftime("%d.%m.%Y"),
                     "Liefer-/Leistungsdatum", "Sina Shopper", shop_order.order.email,
                     "2 Espresso Bohnen 1 kg", "1 Apfelkuchen", shop_order.number):
        assert expected in text, expected
    # 2 x 119,90 = 239,80 gross at 19 %: net 201,51, tax 38,29. 123,45 at 7 %: net 115,37, tax 8,08.
    assert "19% 201,51 € 38,29 € 239,80 €" in text
    assert "7% 115,37 € 8,08 € 123,45 €" in text
    assert "Summe 316,88 € 46,37 € 363,25 €" in text
    assert "Kleinbetragsrechnung" not in text and "§ 19" not in text


def test_small_amount_invoice_names_no_buyer_and_says_so():
    shop = make_shop(vat_id="", tax_number="007/123/45678")
    shop_order = make_order(shop, lines=[(make_variant(shop, price_cents=25_000), 1)])
    text = invoice_text(invoice_issue(shop_order=shop_order))
    assert "Kleinbetragsrechnung nach § 33 UStDV" in text
    assert "Sina Shopper" not in text and shop_order.order.email not in text
    assert "Steuernummer 007/123/45678" in text
    assert "19% 210,08 € 39,92 € 250,00 €" in text
    # One cent more: an ordinary invoice with the buyer.
    bigger = make_order(shop, lines=[(make_variant(shop, price_cents=25_001), 1)])
    text = invoice_text(invoice_issue(shop_order=bigger))
    assert "Kleinbetragsrechnung" not in text and "Sina Shopper" in text


def test_small_business_invoice_shows_no_tax():
    shop = make_shop(small_business=True, vat_id="", tax_number="007/999/11111")
    shop_order = make_order(shop, lines=[(make_variant(shop, price_cents=30_000, vat_rate=19), 1)])
    text = invoice_text(invoice_issue(shop_order=shop_order))
    assert "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet." in text
    assert "Umsatzsteuer 0" not in text and "19%" not in text and "Nettobetrag" not in text
    assert "Gesamtbetrag 300,00 €" in text


def test_numbers_run_per_shop_without_gaps_and_an_invoice_is_issued_once():
    first, second = make_shop(), make_shop()
    a1 = invoice_issue(shop_order=make_order(first))
    b1 = invoice_issue(shop_order=make_order(second))
    a2_order = make_order(first)
    a2 = invoice_issue(shop_order=a2_order)
    again = invoice_issue(shop_order=a2_order)
    year = a1.issued_at.year
    assert [a1.number, a2.number] == [f"RE-{year}-00001", f"RE-{year}-00002"]
    assert b1.number == f"RE-{year}-00001"
    assert again.pk == a2.pk and Invoice.unscoped_objects.filter(organisation=first.organisation).count() == 2
    assert OrderCounter.objects.get(key=f"invoice:{first.pk}:{year}").value == 2


@pytest.mark.instants("new-years-eve")
def test_numbering_starts_again_in_the_new_year(clock):
    from datetime import timedelta

    shop = make_shop()
    before = invoice_issue(shop_order=make_order(shop))
    clock.shift(timedelta(minutes=15))
    after = invoice_issue(shop_order=make_order(shop))
    assert before.number == "RE-2026-00001" and after.number == "RE-2027-00001"


def test_no_invoice_without_tax_id_or_before_payment():
    shop = make_shop(vat_id="", tax_number="")
    with pytest.raises(ValidationError, match="Steuernummer"):
        invoice_issue(shop_order=make_order(shop))
    taxed = make_shop()
    with pytest.raises(ValidationError, match="nicht bezahlt"):
        invoice_issue(shop_order=make_order(taxed, pay_online=False))
    assert not Invoice.unscoped_objects.exists()
