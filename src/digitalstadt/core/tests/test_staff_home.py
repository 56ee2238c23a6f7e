"""The staff home shows each work area with what waits there for this person, and every
staff page carries the work areas as a navigation (no dead ends)."""

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User
from digitalstadt.appointments.models import Booking, BookingStatus, Ticket, TicketStatus
from digitalstadt.appointments.tests.factories import make_location
from digitalstadt.core.models import AccessibilityFeedback

pytestmark = pytest.mark.django_db


def staff(email, role, **scope):
    user = User.objects.create_user(email, "Sicher-genug-2026")
    StaffRole.objects.create(user=user, role=role, **scope)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


def book(location, *, minutes_from_now, code, status=BookingStatus.CONFIRMED):
    start = timezone.now() + timedelta(minutes=minutes_from_now)
    return Booking.objects.create(code=code, location=location, starts_at=start, ends_at=start + timedelta(minutes=20),
                                  name="Berta Bürger", email="berta@example.org", status=status)


def test_counter_staff_see_todays_bookings_waiting_people_and_direct_links(client, clock):
    clock.set_time_of_day(9, 0)
    here = make_location(slug="luisenplatz", counters=1)
    elsewhere = make_location(slug="kranichstein", counters=1)
    here.name_de = "Bürgerbüro Luisenplatz"
    here.save()
    book(here, minutes_from_now=30, code="AAAA2222")
    book(here, minutes_from_now=60, code="BBBB3333")
    book(here, minutes_from_now=90, code="CCCC4444", status=BookingStatus.CANCELLED)  # not counted
    book(here, minutes_from_now=60 * 24, code="DDDD5555")  # tomorrow: not counted
    book(elsewhere, minutes_from_now=30, code="EEEE6666")  # another location: not counted
    for number, status in (("A1", TicketStatus.WAITING), ("A2", TicketStatus.SERVED)):
        Ticket.objects.create(location=here, day=timezone.localdate(), number=number, status=status,
                              due_at=timezone.now())
    clerk = staff("schalter@example.org", StaffRoleKind.COUNTER_STAFF, location=here)
    client.force_login(clerk)
    page = client.get("/verwaltung/").content.decode()
    assert "2 Termine heute" in page and "1 warten gerade" in page
    assert 'href="/verwaltung/termine/luisenplatz/"' in page and "Tagesplan – Bürgerbüro Luisenplatz" in page
    assert "kranichstein" not in page.lower()
    # Settings only for office admins.
    assert "/einstellungen/" not in page

    admin = staff("amtsleitung@example.org", StaffRoleKind.OFFICE_ADMIN, office=here.office)
    client.force_login(admin)
    page = client.get("/verwaltung/").content.decode()
    assert "Öffnungszeiten und Schalter – Bürgerbüro Luisenplatz" in page
    assert 'href="/verwaltung/termine/luisenplatz/einstellungen/"' in page


def test_platform_admins_see_unhandled_feedback_and_the_staff_navigation_marks_the_area(client):
    admin = staff("admin@example.org", StaffRoleKind.PLATFORM_ADMIN)
    AccessibilityFeedback.objects.create(message="Kontrast zu schwach")
    AccessibilityFeedback.objects.create(message="Erledigt", handled_at=timezone.now())
    client.force_login(admin)
    page = client.get("/verwaltung/").content.decode()
    assert "1 unbearbeitet" in page
    nav = page[page.index('class="staff-nav"'):]
    nav = nav[:nav.index("</nav>")]
    assert 'href="/verwaltung/" aria-current="page"' in nav and "Protokoll (Audit-Log)" in nav
    # On a page of an area, that area is the current one.
    page = client.get("/verwaltung/protokoll/").content.decode()
    nav = page[page.index('class="staff-nav"'):]
    nav = nav[:nav.index("</nav>")]
    assert 'aria-current="page">Protokoll (Audit-Log)' in nav
    assert 'href="/verwaltung/" aria-current' not in nav


def test_citizen_pages_carry_no_staff_navigation(client):
    citizen = User.objects.create_user("buerger@example.org", "Sicher-genug-2026")
    client.force_login(citizen)
    assert 'class="staff-nav"' not in client.get("/mein-konto/").content.decode()
    assert client.get("/verwaltung/").status_code in (302, 403)
