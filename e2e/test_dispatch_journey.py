"""A dispatcher of a courier service, from the home page by clicking: signs in (password;
organisation managers have no mandatory second factor), opens the organisation and its
work area "Touren disponieren", sees two tours with their stops and a late delivery,
moves a delivery to the other tour (its pickup goes along), locks a stop (the stops
before it are locked too) and asks for a new plan. At 360 px the page stacks, with map
tiles that fail to load (the list stays the primary view)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from digitalstadt.delivery import hooks_dispatch
from digitalstadt.delivery.dispatch_services import tour_reschedule
from digitalstadt.delivery.models import Stop, StopKind, Tour
from digitalstadt.delivery.tests.dispatch_factories import make_courier_day
from digitalstadt.testing.fixtures import run_worker_batch

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lastenrad-Heinerfest-2026"


def main(page):
    return page.locator("main")


@pytest.fixture
def courier_day(clock):
    """Two tours of today; tour 2's bike starts late (15 minutes before its first job's window
    ends): one delivery is at risk, the other late."""
    from django.core.cache import cache

    cache.clear()
    hooks_dispatch.register()  # wired from delivery/hooks.register by the lead
    day = make_courier_day()
    day.manager.set_password(PASSWORD)
    day.manager.save()
    EmailAddress.objects.update_or_create(user=day.manager, email=day.manager.email,
                                          defaults={"verified": True, "primary": True})
    late = Tour.unscoped_objects.select_related("shift__hub").get(pk=day.tours[1].pk)
    window_end = day.jobs[1].window.ends_at
    late.shift.starts_at = window_end - timedelta(minutes=15)
    late.shift.ends_at = window_end + timedelta(hours=2)
    late.shift.save()
    tour_reschedule(late)
    yield day
    cache.clear()


def stop_item(page, stop):
    return page.locator(f"#stop-{stop.pk}")


def test_dispatcher_moves_and_locks_stops_and_sees_the_late_delivery(journey, phone_journey, courier_day,
                                                                     live_server, settings):
    day = courier_day
    t1, t2 = day.tours
    page = journey.page

    # 1. From the home page: sign in, the organisation, its work area.
    journey.visit("/")
    page.get_by_role("link", name="Anmelden").first.click()
    page.get_by_label("E-Mail-Adresse").fill(day.manager.email)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    main(page).get_by_role("button", name="Anmeldung").click()
    page.wait_for_url("**/mein-konto/")
    journey.check_page()
    main(page).get_by_role("link", name=day.courier.name).click()
    page.wait_for_url(f"**/mein-konto/organisationen/{day.courier.slug}/")
    journey.check_page()
    area = main(page).locator("li", has=page.get_by_role("heading", name="Touren disponieren"))
    expect(area).to_contain_text("2 Touren heute")
    expect(area).to_contain_text("1 Aufträge nicht eingeplant")
    area.get_by_role("link", name="Touren disponieren").click()
    page.wait_for_url(f"**/kurierdienst/{day.courier.slug}/touren/")
    journey.check_page()

    # 2. Two tours, each with its ordered stops; tour 2 is late, with words not only colour.
    expect(page.get_by_role("heading", level=1)).to_have_text("Touren disponieren")
    tour1 = main(page).locator("section", has=page.get_by_role("heading", name="Tour 1: Rad 1"))
    tour2 = main(page).locator("section", has=page.get_by_role("heading", name="Tour 2: Rad 2"))
    expect(tour1.locator(".dispatch-stop")).to_have_count(4)
    expect(tour2.locator(".dispatch-stop")).to_have_count(4)
    expect(tour1).not_to_contain_text("zu spät")
    expect(tour2.locator(".kern-badge", has_text="zu spät").first).to_be_visible()
    expect(tour2.locator(".dispatch-tour__risks")).to_contain_text("1 Zustellung zu spät")
    expect(tour2.locator(".dispatch-tour__risks")).to_contain_text("1 Zustellung knapp")
    unplanned = main(page).locator("section", has=page.get_by_role("heading", name="Nicht eingeplant"))
    expect(unplanned.locator(".dispatch-stop")).to_have_count(2)
    expect(page.locator("#dispatch-map .leaflet-interactive").first).to_be_attached()

    # 3. Move tour 1's first delivery to the front of tour 2: its pickup goes along.
    job = day.jobs[0]
    delivery = Stop.unscoped_objects.get(job=job, kind=StopKind.DELIVERY)
    item = stop_item(page, delivery)
    item.get_by_label("Tour").select_option(label="Tour 2: Rad 2")
    item.get_by_label("Position").fill("1")
    item.get_by_role("button", name="Verschieben").click()
    expect(page.locator(".site-messages")).to_contain_text("Der Stopp ist jetzt Nummer 2 der Tour mit Rad 2.")
    journey.check_page()
    expect(tour1.locator(".dispatch-stop")).to_have_count(2)
    expect(tour2.locator(".dispatch-stop")).to_have_count(6)
    expect(tour2.locator(".dispatch-stop").nth(1)).to_have_attribute("id", f"stop-{delivery.pk}")
    assert set(Stop.unscoped_objects.filter(job=job).values_list("tour_id", flat=True)) == {t2.pk}

    # A delivery before its own pickup is refused with a message; nothing changes.
    item = stop_item(page, delivery)
    item.get_by_label("Position").fill("1")
    item.get_by_role("button", name="Verschieben").click()
    expect(page.get_by_role("alert")).to_contain_text("Die Abholung beim Geschäft muss vor der Zustellung liegen.")
    journey.check_page()
    assert Stop.unscoped_objects.get(pk=delivery.pk).sequence == 2

    # 4. Lock the third stop of tour 2 (by keyboard): the two before it are locked with it.
    third = tour2.locator(".dispatch-stop").nth(2)
    third.get_by_role("button", name="Festlegen").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".site-messages")).to_contain_text("Festgelegt: 3 Stopps behalten Rad und Reihenfolge.")
    journey.check_page()
    expect(tour2.locator(".kern-badge", has_text="festgelegt")).to_have_count(3)
    assert list(Stop.unscoped_objects.filter(tour=t2).order_by("sequence").values_list("locked", flat=True)) == [
        True, True, True, False, False, False]
    locked_before = list(Stop.unscoped_objects.filter(tour=t2, locked=True).order_by("sequence").values_list(
        "pk", flat=True))

    # 5. Neu planen: the plan runs as a task (the real worker); the locked prefix stays.
    main(page).get_by_role("button", name="Neu planen").click()
    expect(page.locator(".site-messages")).to_contain_text("Die Tourenplanung ist angestoßen")
    expect(page.locator("#plan-status")).to_contain_text("wartet")
    run_worker_batch()
    page.reload()
    expect(page.locator("#plan-status")).to_contain_text("fertig")
    expect(page.locator("#plan-status")).to_contain_text("Aufträge auf")
    journey.check_page()
    assert list(Stop.unscoped_objects.filter(tour=t2, locked=True).order_by("sequence").values_list(
        "pk", flat=True)) == locked_before
    journey.screenshot("dispatch-board-1280")

    # 6. At 360 px with tiles that fail to load: the list stacks and stays usable.
    settings.MAP_TILE_URL = live_server.url + "/kacheln-gibt-es-nicht/{z}/{x}/{y}.png"
    phone_journey.login_as(day.manager)
    phone_journey.visit(f"/kurierdienst/{day.courier.slug}/touren/")
    ppage = phone_journey.page
    expect(ppage.get_by_role("heading", name="Tour 2: Rad 2")).to_be_visible()
    width = ppage.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide at 360px"
    phone_journey.screenshot("dispatch-board-360")


def test_the_courier_service_checks_a_proof_of_delivery_and_the_months_statement(journey, phone_journey):
    from django.utils import timezone

    from digitalstadt.accounts.models import Membership, OrgRole
    from digitalstadt.accounts.tests.factories import UserFactory
    from digitalstadt.delivery.models import Job, JobStatus
    from digitalstadt.delivery.tests.courier_factories import make_tour

    t = make_tour()
    courier = t["courier"][0]
    Stop.unscoped_objects.filter(job=t["job"]).update(done_at=timezone.now())
    Job.unscoped_objects.filter(pk=t["job"].pk).update(status=JobStatus.DELIVERED, delivered_at=timezone.now(),
                                                       received_by="Lina Lieferung", fee_cents=490)
    manager = UserFactory(email="dispo@example.org")
    Membership.objects.create(user=manager, organisation=courier, role=OrgRole.OWNER)
    journey.login_as(manager)
    page = journey.page
    journey.visit("/")
    page.get_by_role("link", name="Mein Konto").first.click()
    main(page).get_by_role("link", name=courier.name).click()
    main(page).get_by_role("link", name="Touren disponieren").click()
    main(page).get_by_role("link", name="Zustellnachweis ansehen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Zustellnachweis {t['shop_order'].number}")
    expect(main(page)).to_contain_text("Lina Lieferung")
    journey.check_page()
    main(page).get_by_role("link", name="Zurück zu den Touren").click()
    main(page).get_by_role("link", name=re.compile("Abrechnung")).click()
    expect(page.get_by_role("heading", level=1, name="Abrechnung")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(timezone.localdate().isoformat()))).to_contain_text("4,90")
    journey.check_page()
    main(page).get_by_role("link", name="Nach Geschäften").click()
    expect(page.get_by_role("row", name=re.compile(t["shop"].name))).to_be_visible()
    journey.screenshot("delivery-statement-1280")
    phone_journey.login_as(manager)
    phone_journey.visit(f"/kurierdienst/{courier.slug}/abrechnung/")  # checks axe and CSP
    phone_journey.screenshot("delivery-statement-360")
    assert phone_journey.page.evaluate("document.documentElement.scrollWidth") <= 360
