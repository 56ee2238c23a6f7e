from datetime import date

import pytest
from django.utils import timezone

from digitalstadt.catalog.demo import seed as seed_catalogue
from digitalstadt.catalog.models import Fee, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    from digitalstadt.appointments.demo import seed as seed_appointments

    seed_appointments()
    seed_catalogue()


def test_search_life_situations_and_a_to_z(client, catalogue):
    page = client.get("/leistungen/", {"q": "Umzug"}).content.decode()
    assert "Treffer für „Umzug“" in page and "Anmeldung einer Nebenwohnung" in page
    assert "Reisepass beantragen</a>" in page  # the A–Z list below the results
    assert client.get("/leistungen/", {"q": "Parkausweis"}).content.decode().count("Bewohnerparkausweis</a>") == 2
    situation = client.get("/leistungen/lebenslage/hund-haustier/").content.decode()
    assert "Hundesteuer-Anmeldung" in situation


@pytest.mark.instants()
def test_service_page_shows_fees_evidence_and_the_way_to_book(client, catalogue):
    page = client.get("/leistungen/personalausweis/").content.decode()
    assert "37,00\u00a0€" in page and "/termine/?leistung=personalausweis" in page
    permit = client.get("/leistungen/bewohnerparkausweis/").content.decode()
    # The fee valid today: the demo catalogue raises it on 1 April 2027.
    fee, other = ("120,00", "180,00") if timezone.localdate() < date(2027, 4, 1) else ("180,00", "120,00")
    assert f"{fee}\u00a0€" in permit and f"{other}\u00a0€" not in permit and "Fahrzeugschein" in permit
    english = client.get("/en/leistungen/personalausweis/").content.decode()
    assert "€37.00" in english


@pytest.mark.instants()
def test_only_the_fee_valid_today_is_shown_and_inactive_services_are_hidden(client, catalogue):
    service = Service.objects.get(slug="hundesteuer")
    Fee.objects.create(service=service, label_de="Erster Hund (ab 2099)", amount_cents=99900,
                       valid_from=date(2099, 1, 1))
    page = client.get("/leistungen/hundesteuer/").content.decode()
    assert "999,00" not in page and "120,00" in page
    Service.objects.filter(slug="hundesteuer").update(is_active=False)
    assert client.get("/leistungen/hundesteuer/").status_code == 404
    assert client.get("/leistungen/gibt-es-nicht/").status_code == 404


def test_english_service_page_uses_the_english_demo_texts(client, catalogue):
    page = client.get("/en/leistungen/bewohnerparkausweis/").content.decode()
    fee = "€120.00" if timezone.localdate() < date(2027, 4, 1) else "€180.00"
    assert f"Resident parking permit, one year: {fee}" in page
    assert "Vehicle registration certificate (Part I)" in page


def test_service_page_links_the_external_online_service_or_names_115(client, catalogue):
    page = client.get("/leistungen/elterngeld/").content.decode()
    assert 'href="https://www.elterngeld-digital.de/"' in page
    assert "Zum Online-Dienst auf www.elterngeld-digital.de" in page and "Behördennummer 115" not in page
    both = client.get("/leistungen/fuehrungszeugnis/").content.decode()
    assert "/termine/?leistung=fuehrungszeugnis" in both and "https://www.fuehrungszeugnis.bund.de/" in both
    info = client.get("/leistungen/briefwahl/").content.decode()
    assert "Zum Online-Dienst" not in info and "Behördennummer 115" in info
    ummeldung = client.get("/leistungen/ummeldung/").content.decode()
    assert "/termine/?leistung=ummeldung" in ummeldung and "Wohnungsgeberbestätigung" in ummeldung


def test_the_meldebescheinigung_title_says_online_once(client, catalogue):
    import re

    page = client.get("/antraege/neu/meldebescheinigung/").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.strip().startswith("Meldebescheinigung online beantragen") and "online online" not in title


def test_results_are_grouped_by_life_situation_under_a_search_title(client, catalogue):
    import re

    page = client.get("/leistungen/", {"q": "Umzug"}).content.decode()
    assert "<title>Suchergebnisse für „Umzug“" in page and "<title>Leistungen von A bis Z" not in page
    results = page[page.index('id="results-heading"'):page.index('id="situations-heading"')]
    headings = re.findall(r'<h3 class="kern-heading-small">([^<]+)</h3>', results)
    assert headings[0] == "Umzug &amp; Wohnen" and len(headings) == len(set(headings))
    first_group = results[:results.index("</ul>")]
    assert "Wohnsitz anmelden oder ummelden</a>" in first_group and "Bewohnerparkausweis</a>" in first_group
    parking = client.get("/leistungen/", {"q": "Parkausweis"}).content.decode()
    parking = parking[parking.index('id="results-heading"'):parking.index('id="situations-heading"')]
    assert re.findall(r'<h3 class="kern-heading-small">([^<]+)</h3>', parking) == ["Auto &amp; Parken"]
    assert "<title>Leistungen von A bis Z" in client.get("/leistungen/").content.decode()


def test_service_page_carries_government_service_json_ld(client, catalogue):
    import json
    import re

    page = client.get("/leistungen/personalausweis/").content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["@type"] == "GovernmentService" and data["name"] == "Personalausweis beantragen"
    assert data["url"] == "http://testserver/leistungen/personalausweis/"
    assert data["provider"] == {"@type": "GovernmentOrganization", "name": "Bürger- und Ordnungsamt"}
    assert {"@type": "Offer", "name": "Personalausweis (ab 24 Jahren)", "price": "37.00", "priceCurrency": "EUR"} \
        in data["offers"]
    assert data["availableChannel"][0]["serviceUrl"] == "http://testserver/termine/?leistung=personalausweis"
    # Demo amounts stay out of the machine-readable data.
    wbs = client.get("/leistungen/wohnberechtigungsschein/").content.decode()
    wbs_data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', wbs, re.S).group(1))
    assert "offers" not in wbs_data and "10,00" in wbs


def test_home_page_has_a_search_field_that_submits_to_the_catalogue(client):
    page = client.get("/").content.decode()
    form = page[page.index('role="search"') - 120:]
    assert 'action="/leistungen/"' in form[:300] and 'method="get"' in form[:300]
    assert '<label class="kern-label" for="home-q">Was möchten Sie erledigen?</label>' in page
    assert 'name="q"' in form
