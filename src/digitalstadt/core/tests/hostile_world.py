"""The data the hostile-input walk (test_hostile_input.py) runs against: a small city with
one of every object a URL can name, so that good path values lead the walk deep into
each view before it turns one value hostile.

`build_world()` returns a `World`: the users, the good values for path parameters (one
list per parameter name, and linked sets for URLs that name two objects that must fit
together), the good values for query and form parameters, and session data (held
bookings) that some pages need.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from digitalstadt.testing.files import Upload, tiny_pdf

from digitalstadt.accounts.models import (
    AssuranceLevel,
    Membership,
    Organisation,
    OrganisationKind,
    OrgRole,
    StaffRole,
    StaffRoleKind,
    User,
)

PASSWORD = "Sicher-genug-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPTESTTOTP234567AB"
OFFICES = [("buergeramt", "Bürger- und Ordnungsamt"), ("strassenverkehrsamt", "Straßenverkehrsamt"),
           ("wirtschaftsfoerderung", "Wirtschaftsförderung")]


@dataclass
class World:
    users: dict[str, User | None]
    path_values: dict[str, list[str]]
    linked_path_values: list[dict[str, str]]
    query_values: dict[str, list[str]]  # the first value is sent by default; others are tried too
    session: dict = field(default_factory=dict)
    # Good values for the fields of the API's JSON bodies and query parameters, by name.
    json_values: dict[str, object] = field(default_factory=dict)


def _staff_user(offices: dict[str, Organisation], location) -> User:
    """Every staff role (office-scoped ones for every office), the Django admin, TOTP set up."""
    user = User.objects.create_user("alle.rollen@stadt.example", PASSWORD, first_name="Alma", last_name="Amt",
                                    is_staff=True, is_superuser=True)
    for office in [*offices.values(), location.office]:
        for role in (StaffRoleKind.CASE_WORKER, StaffRoleKind.COUNTER_STAFF, StaffRoleKind.OFFICE_ADMIN):
            StaffRole.objects.get_or_create(user=user, role=role, office=office)
    for role in (StaffRoleKind.BUSINESS_DEVELOPMENT, StaffRoleKind.PARKING_ENFORCEMENT, StaffRoleKind.PLATFORM_ADMIN,
                 StaffRoleKind.MARKETPLACE):
        StaffRole.objects.create(user=user, role=role)
    TOTP.activate(user, TOTP_SECRET)
    return user


def _fill(user, slug: str, steps: dict):
    from digitalstadt.applications import services
    from digitalstadt.applications.plugins.base import get_plugin
    from digitalstadt.catalog.models import Service

    application = services.application_start(service=Service.objects.get(slug=slug), user=user)
    plugin = get_plugin(slug)
    for step in plugin.steps():
        form = step.form_class(data=steps[step.key], **plugin.form_kwargs(step=step, data=application.data, user=user))
        assert form.is_valid(), (step.key, form.errors)
        application = services.application_save_step(application=application, step_key=step.key,
                                                     cleaned=form.cleaned_data, user=user)
    return application


def _marketplace(citizen) -> dict:
    """A live shop the citizen owns (with a product, an order and an import file) and a
    shop waiting for the staff's check."""
    from digitalstadt.marketplace import checkout
    from digitalstadt.marketplace.models import Cart, ImportBatch, Product, Shop, ShopOpeningHours, ShopOrder, Variant

    shops = {}
    for slug, status in (("kaffee-am-markt", "live"), ("neuer-laden", "submitted")):
        org = Organisation.objects.create(slug=slug, name=slug.replace("-", " ").title(), kind=OrganisationKind.SHOP)
        Membership.objects.create(user=citizen, organisation=org, role=OrgRole.OWNER)
        shops[status] = Shop.objects.create(organisation=org, slug=slug, name=org.name, street="Marktplatz 1",
                                            postal_code="64283", status=status, tax_number="007/123/45678")
        for weekday in range(6):
            ShopOpeningHours.objects.create(shop=shops[status], weekday=weekday, opens=dt.time(9),
                                            closes=dt.time(19))
    shop = shops["live"]
    product = Product.unscoped_objects.create(organisation=shop.organisation, shop=shop, title="Espresso 250 g",
                                              vat_rate=7)
    variant = Variant.unscoped_objects.create(organisation=shop.organisation, product=product, sku="ESP-250",
                                              price_cents=899, on_hand=50)
    cart = Cart.objects.create(user=citizen)
    checkout.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    order = checkout.checkout_place(user=citizen, cart=cart, name="Berta Bürger", email=citizen.email,
                                    choices={shop.pk: checkout.ShopChoice("reserve")})
    checkout.cart_add(cart=cart, variant_id=variant.pk, quantity=1)  # something to check out again
    batch = ImportBatch.unscoped_objects.create(organisation=shop.organisation, shop=shop, created_by=citizen,
                                                filename="sortiment.csv", raw=b"SKU;Titel;Preis\nA1;Tasse;9,90\n",
                                                columns=["SKU", "Titel", "Preis"], encoding="utf-8", delimiter=";")
    return {"shop": shop, "submitted": shops["submitted"], "product": product, "variant": variant, "order": order,
            "shop_order": ShopOrder.unscoped_objects.get(order=order), "batch": batch}


def _carpark(members):
    """A car park with a reading, for /parken/parkhaus/<slug>/."""
    from decimal import Decimal

    from digitalstadt.parking.carpark_services import occupancy_record
    from digitalstadt.parking.feeds import Reading
    from digitalstadt.parking.models import CarPark

    from digitalstadt.accounts.models import Membership, Organisation, OrganisationKind, OrgRole

    operator = Organisation.objects.create(slug="parkhaus-betrieb-hostile", name="Parkhausbetrieb",
                                           kind=OrganisationKind.CARPARK_OPERATOR)
    for user in members:
        Membership.objects.create(user=user, organisation=operator, role=OrgRole.OWNER)
    carpark = CarPark.objects.create(slug="parkhaus-hostile", operator=operator, name="Parkhaus Hostile", street="Friedensplatz",
                                     latitude=Decimal("49.873600"), longitude=Decimal("8.653000"), capacity=100,
                                     open_24_7=True)
    occupancy_record(carpark=carpark, readings=[Reading(carpark.slug, timezone.now(), 40)], source="test")
    return carpark


def _delivery(citizen, market) -> dict:
    """A courier service the citizen owns and rides for, with a tour whose stops serve the
    marketplace order (so that the dispatch and courier pages have real objects)."""
    from decimal import Decimal

    from digitalstadt.delivery.models import (
        Bike, DeliveryWindow, DeliveryZone, Hub, Job, Shift, Stop, StopKind, Tour,
    )

    org = Organisation.objects.create(slug="lastenrad-test", name="Lastenrad Test", kind=OrganisationKind.COURIER)
    Membership.objects.create(user=citizen, organisation=org, role=OrgRole.OWNER)
    hub = Hub.unscoped_objects.create(organisation=org, name="Hub", street="Luisenplatz 1", postal_code="64283",
                                      latitude=Decimal("49.8728"), longitude=Decimal("8.6512"))
    bike = Bike.unscoped_objects.create(organisation=org, name="Rad 1", hub=hub)
    zone = DeliveryZone.unscoped_objects.create(organisation=org, name="Mitte", districts=["Mitte"], cutoff=dt.time(14))
    day = timezone.localdate()
    tz = timezone.get_current_timezone()
    window = DeliveryWindow.unscoped_objects.create(
        organisation=org, day=day, starts_at=dt.datetime.combine(day, dt.time(16), tzinfo=tz),
        ends_at=dt.datetime.combine(day, dt.time(18), tzinfo=tz), capacity=5, taken=1)
    shift = Shift.unscoped_objects.create(organisation=org, bike=bike, driver=citizen, hub=hub, day=day,
                                          starts_at=dt.datetime.combine(day, dt.time(15), tzinfo=tz),
                                          ends_at=dt.datetime.combine(day, dt.time(21), tzinfo=tz))
    tour = Tour.unscoped_objects.create(organisation=org, shift=shift, day=day)
    job = Job.unscoped_objects.create(
        organisation=org, shop_order=market["shop_order"], window=window, zone=zone, shop_name="Kaffee",
        pickup_street="Marktplatz 1", pickup_latitude=Decimal("49.8726"), pickup_longitude=Decimal("8.6560"),
        recipient="Berta Bürger", street="Kapellstraße 10", postal_code="64283", city="Darmstadt",
        latitude=Decimal("49.8708"), longitude=Decimal("8.6615"))
    stops = [Stop.unscoped_objects.create(organisation=org, tour=tour, job=job, kind=kind, sequence=i)
             for i, kind in enumerate((StopKind.PICKUP, StopKind.DELIVERY), start=1)]
    return {"courier": org, "job": job, "stops": stops}


def _street_parking(citizen) -> dict:
    from digitalstadt.parking.street_demo import seed
    from digitalstadt.parking.street_selectors import zone_by_code
    from digitalstadt.parking.street_services import street_session_start, vehicle_add

    seed()
    vehicle = vehicle_add(owner=citizen, plate="DA-AB 123")
    session = street_session_start(user=citizen, zone_id=zone_by_code("I").pk, plate="DA-AB 123", minutes=60,
                                   start_token="hostile-world")
    return {"vehicle": vehicle, "session": session}


def _business(members) -> dict:
    """A partner organisation (the members own it) with an approved organiser role, a
    venue, a published hybrid series with a date, and a role request waiting."""
    from digitalstadt.business.models import EventDate, EventSeries, PartnerRole, Venue

    partner = Organisation.objects.create(slug="partner-hostile", name="Partner Hostile", kind=OrganisationKind.PARTNER)
    for user in members:
        Membership.objects.create(user=user, organisation=partner, role=OrgRole.OWNER)
    role = PartnerRole.objects.create(organisation=partner, kind="event_organiser", status="approved", reason="x" * 20)
    pending = PartnerRole.objects.create(organisation=partner, kind="security_adviser", reason="y" * 20)
    venue = Venue.objects.create(organiser=partner, name="Saal", street="Rheinstraße 75", postal_code="64295",
                                 city="Darmstadt", step_free=True)
    series = EventSeries.objects.create(organiser=partner, slug="fuehren-auf-distanz", title="Führen auf Distanz",
                                        summary="Kurz", topic="remote_leadership", format="in_person",
                                        is_published=True)
    starts = timezone.now() + dt.timedelta(days=5)
    event_date = EventDate.objects.create(series=series, starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                                          venue=venue, seats=20)
    return {"partner": partner, "role": role, "pending": pending, "venue": venue, "series": series,
            "date": event_date}


def _business_registrations(citizen, company, member) -> dict:
    """A webinar date with the citizen registered herself and her colleague sent by
    their company, and a partner the citizen manages (the date's cancel page)."""
    from digitalstadt.business.registration_services import registration_create, registration_create_for_colleagues
    from digitalstadt.business.tests.factories import make_date, make_partner, make_series

    partner, _owner = make_partner(name="Hostile Partner", owner=citizen)
    event_date = make_date(make_series(partner), seats=1)
    own = registration_create(event_date=event_date, actor=citizen)
    sent = registration_create_for_colleagues(event_date=event_date, company=company, participants=[member],
                                              actor=citizen)[0]
    return {"date": event_date, "registrations": [own, sent]}


def _webinar(citizen):
    """A webinar date with the local demo room, open now, the citizen registered."""
    from digitalstadt.business.tests.room_factories import make_participant, make_webinar

    webinar = make_webinar(starts_at=timezone.now() - dt.timedelta(minutes=5), room_name="hostile-room")
    from digitalstadt.business.rooms.services import room_join_url

    make_participant(webinar, email=citizen.email, name="Berta Bürger")
    link = room_join_url(event_date=webinar, user=citizen)
    return webinar, link.split("?jwt=", 1)[1]


def _business_attendance(citizen, staff) -> dict:
    """A partner organisation (the staff member and the citizen manage it) with an
    approved organiser role, a series, a date running now and the citizen's confirmed,
    checked-in registration."""
    from digitalstadt.business.attendance_services import registration_ticket_code
    from digitalstadt.business.models import EventDate, EventSeries, PartnerRole, Registration

    partner = Organisation.objects.create(slug="house-of-it", name="House of IT", kind=OrganisationKind.PARTNER)
    PartnerRole.objects.create(organisation=partner, kind="event_organiser", status="approved")
    Membership.objects.create(user=staff, organisation=partner, role=OrgRole.OWNER)
    Membership.objects.create(user=citizen, organisation=partner, role=OrgRole.ADMIN)
    series = EventSeries.objects.create(organiser=partner, slug="webinar-anwesenheit", title="Führen auf Distanz",
                                        summary="Webinar", topic="remote_leadership", format="webinar",
                                        is_published=True)
    now = timezone.now()
    event_date = EventDate.objects.create(series=series, starts_at=now - dt.timedelta(minutes=30),
                                          ends_at=now + dt.timedelta(hours=1), seats=20)
    registration = Registration.objects.create(event_date=event_date, participant=citizen, name="Berta Bürger",
                                               email=citizen.email, status="confirmed", created_at=now)
    registration_ticket_code(registration=registration)
    return {"partner": partner, "series": series, "date": event_date, "registration": registration}


def _forum(citizen, member) -> dict:
    """The forum: a category, a visible question of the citizen (member of a company)
    with an answer of a colleague, and the citizen's mute link."""
    from digitalstadt.exchange.models import ForumCategory, ForumPost, ForumThread, ForumTag
    from digitalstadt.exchange.notifications import mute_link
    from digitalstadt.exchange.types import PostStatus

    now = timezone.now()
    category = ForumCategory.objects.create(slug="allgemeines", name="Allgemeines")
    ForumTag.objects.create(slug="richtlinie", name="Richtlinie")
    thread = ForumThread.objects.create(category=category, title="Richtlinie für das Homeoffice", author=citizen,
                                        created_at=now, last_activity_at=now)
    ForumPost.objects.create(thread=thread, author=citizen, body="Was gehört hinein?", is_first=True,
                             status=PostStatus.VISIBLE, created_at=now)
    answer = ForumPost.objects.create(thread=thread, author=member, body="Geräte und Erreichbarkeit.",
                                      status=PostStatus.VISIBLE, created_at=now)
    pending = ForumPost.objects.create(thread=thread, author=member, body="Noch ungeprüft.",
                                       status=PostStatus.PENDING, created_at=now)
    token = mute_link(user=citizen, thread=thread).rstrip("/").rsplit("/", 1)[1]
    return {"category": category, "thread": thread, "answer": answer, "pending": pending, "token": token}


def _forum_moderation(citizen, staff) -> dict:
    """A thread with a post the citizen flagged (open in the queue), and the citizen's own
    post removed by a decision with an open appeal (for the decision and appeal pages)."""
    from digitalstadt.exchange.flag_types import DecisionOutcome, NoticeReason, TermsRule
    from digitalstadt.exchange.models import ForumCategory, ForumModerator, ForumPost, ForumThread
    from digitalstadt.exchange.moderation_services import appeal_submit, decision_take, notice_submit

    now = timezone.now()
    author = User.objects.create_user("forum.autor@example.org", PASSWORD, first_name="Fritz", last_name="Forum")
    partner = Organisation.objects.create(slug="forum-partner", name="Forum-Partner", kind=OrganisationKind.PARTNER)
    Membership.objects.create(user=author, organisation=partner, role=OrgRole.MEMBER)
    moderator = ForumModerator.objects.create(user=author, organisation=partner, appointed_at=now)
    category = ForumCategory.objects.create(slug="fuehrung-auf-distanz", name="Führung auf Distanz")
    thread = ForumThread.objects.create(category=category, title="Teams im Homeoffice", author=author,
                                        created_at=now, last_activity_at=now)
    first = ForumPost.objects.create(thread=thread, author=author, is_first=True, body="Wie halten Sie Kontakt?",
                                     created_at=now)
    own = ForumPost.objects.create(thread=thread, author=citizen, body="Kaufen Sie unsere Software!", created_at=now)
    # Illegal-content notices: open to members of any trust level (the world's are new).
    why = "Der Beitrag beleidigt eine namentlich genannte Person (§ 185 StGB)."
    notice_submit(post=first, user=citizen, reason=NoticeReason.ILLEGAL, explanation=why, good_faith=True)
    notice_submit(post=own, user=author, reason=NoticeReason.ILLEGAL, explanation=why, good_faith=True)
    decision = decision_take(actor=staff, post=own, outcome=DecisionOutcome.REMOVE, terms_rule=TermsRule.NO_ADVERTISING,
                             facts="Der Beitrag wirbt für ein Produkt und antwortet nicht auf die Frage.")
    appeal = appeal_submit(user=citizen, decision=decision, grounds="Das war ein ernst gemeinter Hinweis auf ein Werkzeug.")
    return {"post": first, "decision": decision, "appeal": appeal, "moderator": moderator}


def build_world() -> World:
    from digitalstadt.applications import services as application_services
    from digitalstadt.applications.plugins.base import get_plugin
    from digitalstadt.appointments import queue
    from digitalstadt.appointments.models import Counter
    from digitalstadt.appointments.schedule import generate_slots
    from digitalstadt.appointments.selectors import free_starts, need_at
    from digitalstadt.appointments.services import booking_confirm, booking_hold, booking_submit_details
    from digitalstadt.appointments.tests.factories import make_location, make_service, offer
    from digitalstadt.appointments.waitlist import waitlist_join
    from digitalstadt.catalog.demo import seed as seed_catalog
    from digitalstadt.catalog.models import Evidence, LifeSituation, Service
    from digitalstadt.mailbox.models import Message
    from digitalstadt.payments.conf import creditor
    from digitalstadt.payments.services import statement_import_camt053
    from digitalstadt.register.demo import seed as seed_register
    from digitalstadt.testing.camt import Credit, camt053

    offices = {slug: Organisation.objects.create(slug=slug, name=name, kind=OrganisationKind.OFFICE,
                                                 street="Luisenplatz 5", postal_code="64283", city="Darmstadt")
               for slug, name in OFFICES}
    seed_catalog()
    seed_register()

    citizen = User.objects.create_user("berta@example.org", PASSWORD, first_name="Berta", last_name="Bürger",
                                       assurance_level=AssuranceLevel.EMAIL)

    # Appointments: a location with slots, a confirmed and a held booking, a waiting
    # list entry, tickets (one waiting, one called).
    location = make_location(slug="luisenplatz", counters=2, hours=((dt.time(8), dt.time(16)),))
    service = make_service()
    offer(location, service)
    today = timezone.localdate()
    generate_slots(location=location, start=today, end=today + dt.timedelta(days=21))
    starts = free_starts(need_at(location, [(service.pk, 1)]), limit=40,
                         after=timezone.now() + dt.timedelta(days=2))
    booking, hold = booking_hold(location=location, services=[(service.pk, 1)], starts_at=starts[0], user=citizen)
    booking, manage_token = booking_submit_details(booking=booking, hold_token=hold, name="Berta Bürger",
                                                   email=citizen.email, user=citizen)
    booking = booking_confirm(booking=booking, token=manage_token)
    held, held_token = booking_hold(location=location, services=[(service.pk, 1)], starts_at=starts[5], user=citizen)
    entry = waitlist_join(user=citizen, location=location, services=[(service.pk, 1)],
                          latest_date=today + dt.timedelta(days=30))
    counter = Counter.objects.filter(location=location).first()
    waiting = queue.ticket_walk_in(location=location, service=service, actor=None)
    queue.ticket_walk_in(location=location, service=service, actor=None)
    called = queue.ticket_call_next(location=location, counter=counter, actor=None)

    staff = _staff_user(offices, location)

    # Applications: a draft of every online service, a submitted dog-tax case (free) and
    # a submitted resident permit (with fee, payment and an evidence upload).
    drafts = []
    for slug in ("meldebescheinigung", "bewohnerparkausweis", "gewerbeanmeldung", "hundesteuer", "sperrmuell"):
        plugin_service = Service.objects.get(slug=slug)
        plugin = get_plugin(slug)
        if not citizen.has_assurance(plugin.assurance_level):
            continue
        draft = application_services.application_start(service=plugin_service, user=citizen)
        drafts.append((draft, [s.key for s in plugin.steps()]))
    dog = _fill(citizen, "hundesteuer", {
        "halter": {"street": "Heinheimer Straße", "house_number": "20", "postal_code": "64289", "other_dogs": "0"},
        "hund": {"name": "Bello", "breed": "Mischling", "sex": "male", "since": today.isoformat(),
                 "reduction": "none"}})
    dog_case = application_services.application_submit(application=dog, user=citizen)
    permit = _fill(citizen, "bewohnerparkausweis", {
        "adresse": {"street": "Heinheimer Straße", "house_number": "20", "postal_code": "64289"},
        "fahrzeug": {"plate": "DA-AB 123", "use": "own", "duration": "year", "valid_from": today.isoformat()}})
    evidence = Evidence.objects.filter(service=permit.service).first()
    upload = application_services.application_upload_evidence(application=permit, evidence=evidence,
                                                              uploaded=Upload(tiny_pdf(), "schein.pdf"),
                                                              user=citizen)
    permit_case = application_services.application_submit(application=permit, user=citizen)
    # A second draft with an upload (the first was submitted), for the remove-upload URL.
    draft_with_upload = application_services.application_start(service=permit.service, user=citizen)
    draft_upload = application_services.application_upload_evidence(
        application=draft_with_upload, evidence=evidence, uploaded=Upload(tiny_pdf(), "schein.pdf"), user=citizen)

    # Payments: the permit's payment and a credit nobody can match (to be resolved by staff).
    payment = permit_case.payment
    statement_import_camt053(content=camt053(iban=creditor().iban, credits=[
        Credit("Spende ohne Bezug", 1234)]), filename="auszug.xml")
    from digitalstadt.payments.models import PaymentTransaction

    transaction_pk = PaymentTransaction.objects.order_by("-pk").values_list("pk", flat=True).first()

    message = Message.objects.create(recipient_user=citizen, sender_name="Stadt Darmstadt", subject="Hallo",
                                     body="Eine Nachricht.")

    # An organisation the citizen owns, with a member, an open invitation and an API token.
    from digitalstadt.accounts import services as account_services

    organisation = Organisation.objects.create(slug="softwarehaus", name="Softwarehaus", kind=OrganisationKind.COMPANY)
    Membership.objects.create(user=citizen, organisation=organisation, role=OrgRole.OWNER)
    member = User.objects.create_user("kollege@example.org", PASSWORD)
    membership = Membership.objects.create(user=member, organisation=organisation, role=OrgRole.MEMBER)
    invitation = account_services.invitation_create(actor=citizen, organisation=organisation,
                                                    email="neu@example.org", role=OrgRole.MEMBER)
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(citizen, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # owners issue tokens only with a second factor
    api_token, api_secret = account_services.api_token_create(actor=citizen, organisation=organisation, name="Kasse")
    # The staff member is in the organisation too (organisation pages are for members).
    Membership.objects.create(user=staff, organisation=organisation, role=OrgRole.OWNER)

    market = _marketplace(citizen)
    delivery = _delivery(citizen, market)
    carpark = _carpark([citizen, staff])
    street = _street_parking(citizen)
    business = _business([citizen, staff])
    business_regs = _business_registrations(citizen, organisation, member)
    webinar, room_token = _webinar(citizen)
    attendance = _business_attendance(citizen, staff)
    forum = _forum(citizen, member)
    moderation = _forum_moderation(citizen, staff)

    documents = [d for d in (permit_case.receipt, dog_case.receipt, upload.document) if d is not None]
    situation = LifeSituation.objects.first()
    first_step = drafts[0][1][0] if drafts else "adresse"
    later = (timezone.localtime(starts[10])).strftime("%Y-%m-%dT%H:%M")

    from digitalstadt.exchange.toolkit_data import load_initial_toolkits

    load_initial_toolkits()  # the knowledge base's shipped toolkits (gone if the database was flushed)
    path_values = {
        # The first slug is the location's (test_hostile_input's regressions rely on it).
        "slug": [location.slug, service.slug, "bewohnerparkausweis", situation.slug if situation else "umzug-wohnen",
                 organisation.slug, "buergeramt", "simulator", "giro", market["shop"].slug, market["submitted"].slug,
                 carpark.slug, "homeoffice-richtlinie"],
        "shop": [market["shop"].slug],
        "order_id": [str(market["shop_order"].pk)],
        "batch": [str(market["batch"].pk)],
        "code": [booking.code, held.code],
        "uuid": [str(waiting.uuid), str(message.uuid), str(payment.uuid), *[str(d.uuid) for d, _k in drafts],
                 *[str(d.uuid) for d in documents], str(market["order"].uuid)],
        "reference": [permit_case.reference, dog_case.reference],
        "verification_id": ["ABCD-EFGH-IJKL"],
        "token": ["x", str(delivery["job"].tracking_token), forum["token"]],  # an invitation's secret is only in its e-mail
        "courier": [delivery["courier"].slug],
        "operator": [carpark.operator.slug],
        "stop": [str(s.pk) for s in delivery["stops"]],
        "stop_id": [str(s.pk) for s in delivery["stops"]],
        "job": [str(delivery["job"].pk)],
        "token_uuid": [str(api_token.uuid)],
        "pk": [str(transaction_pk), str(membership.pk), str(counter.pk), "1", str(moderation["moderator"].pk)],
        "decision": [str(moderation["decision"].uuid)],
        "appeal": [str(moderation["appeal"].uuid)],
        "upload_id": [str(draft_upload.pk)],
        "provider": ["giro", "demo-psp"],
        "plugin": ["simulator", "oidc"],
        "kind": ["schalter", "leistung", "oeffnungszeit", "schliesstag", "unterschrift", "foto"],
        "action": ["erneut", "erledigt", "nicht-erschienen"],
        "step": [first_step],
        "app_label": ["core"],
        "object_id": ["1"],
        "content_type_id": ["1"],
        "id": [str(citizen.pk)],
        "url": ["nicht-vorhanden/"],
        "key": ["abc"],
        "uidb36": ["1"],
        "session_id": [str(street["session"].pk)],
        "vehicle_id": [str(street["vehicle"].pk)],
        "room": ["hostile-room"],
        "number": ["1"],
        "fmt": ["odt", "pdf"],
        "year": ["2026"],
        "month": ["12"],
        "org": [business["partner"].slug],
        "series": [business["series"].slug],
        "date_id": [str(business_regs["date"].pk), str(webinar.pk), str(attendance["date"].pk)],
        "registration_id": [str(r.pk) for r in business_regs["registrations"]] + [str(attendance["registration"].pk)],
        "partner": [attendance["partner"].slug],
        "series_id": [str(attendance["series"].pk)],
        "category": [forum["category"].slug],
        "thread": [str(forum["thread"].pk)],
        "post": [str(forum["answer"].pk), str(forum["pending"].pk), str(moderation["post"].pk)],
    }
    path_values["pk"] += [str(business["date"].pk), str(business["venue"].pk), str(business["pending"].pk),
                          str(business["role"].pk)]
    linked = [
        {"slug": location.slug, "code": booking.code},
        {"slug": location.slug, "uuid": str(waiting.uuid), "action": "erledigt"},
        {"slug": location.slug, "uuid": str(called.uuid), "action": "erneut"},
        {"slug": location.slug, "kind": "schalter", "pk": str(counter.pk)},
        {"slug": organisation.slug, "pk": str(membership.pk)},
        {"slug": organisation.slug, "pk": str(invitation.pk)},
        {"slug": organisation.slug, "token_uuid": str(api_token.uuid)},
        {"uuid": str(payment.uuid), "provider": "giro"},
        {"uuid": str(market["order"].uuid), "pk": str(market["shop_order"].pk)},
        {"shop": market["shop"].slug, "order_id": str(market["shop_order"].pk)},
        {"shop": market["shop"].slug, "batch": str(market["batch"].pk)},
        {"shop": market["shop"].slug, "pk": str(market["product"].pk)},
        {"shop": market["shop"].slug, "product": str(market["product"].pk)},
        {"uuid": str(draft_with_upload.uuid), "upload_id": str(draft_upload.pk)},
        *[{"uuid": str(d.uuid), "step": key} for d, keys in drafts for key in keys[:1]],
        *[{"reference": permit_case.reference, "uuid": str(d.uuid)} for d in documents],
        {"org": business["partner"].slug, "series": business["series"].slug},
        {"org": business["partner"].slug, "pk": str(business["date"].pk)},
        {"org": business["partner"].slug, "pk": str(business["venue"].pk)},
        {"series": business["series"].slug, "pk": str(business["date"].pk)},
        {"slug": "homeoffice-richtlinie"},  # the toolkit page (beyond the first slugs tried)
        {"slug": "homeoffice-richtlinie", "number": "1"},
        {"slug": "homeoffice-richtlinie", "number": "1", "fmt": "odt"},
    ]
    query_values = {
        # The booking journey
        "leistung": [service.slug], f"personen_{service.slug}": ["1"], "standort": [location.slug],
        "ab": [later], "beginn": [starts[12].isoformat()], "t": [manage_token], "bestaetigt": ["1"],
        "entry": [str(entry.uuid)], "bis": [(today + dt.timedelta(days=20)).isoformat()],
        "von": [(today - dt.timedelta(days=6)).isoformat()], "q": ["Perso"],
        # Counter pages
        "datum": [today.isoformat()], "schalter": [str(counter.pk)], "service": [str(service.pk)],
        "suche": ["Berta"], "druck": ["1"],
        # Lists, filters, languages, documents
        "seite": ["1"], "filter": ["ungelesen"], "status": ["open"], "next": ["/"], "language": ["en"],
        "download": ["1"], "aktion": ["appointments", "annehmen", "ablehnen"], "objekt": ["appointments.location"], "plate": ["DA-AB 123"],
        "reason": ["Wasserschaden", "illegal", "harassment"], "note": ["geklärt"], "reference": [payment.reference],
        # Forms with several actions: each value is tried, the first one by default.
        "action": ["verlassen", "cancel", "confirm", "release", "continue", "next", "back"],
        "form": ["standort", "schalter", "leistung", "oeffnungszeit", "schliesstag"],
        # The marketplace: cart, checkout, shop pages
        "variant": [str(market["variant"].pk)], "quantity": ["1"],
        f"fulfilment-{market['shop'].pk}": ["reserve"], "terms": ["yes"], "name": ["Berta Bürger"],
        "email": [citizen.email], "confirm": ["yes"],
        # Street parking and enforcement
        "zone": ["I", "WA1"], "minutes": ["60"], "vehicle": ["neu"], "voucher": [""], "save_plate": ["on"],
        "label": ["Familienauto"],
        # Coachings and webinars: the calendar's filters
        "thema": ["remote_leadership"],
        # Registrations for coachings and webinars
        "unternehmen": [organisation.slug], "teilnehmende": [str(member.pk)],
        "grund": ["Die Referentin ist erkrankt."], "zurueck": ["unternehmen"],
        # The local demo room's token (business.rooms.simulator)
        "jwt": [room_token],
        # The knowledge base's staff page (publish a new toolkit version)
        "body": ["## Neu\n\n- [ ] Punkt für {{Name des Unternehmens}}", "Ein Text mit genug Zeichen."], "change_note": ["Geändert"],
        "based_on": ["1"],
        # Attendance check-in and feedback
        "anmeldung": [str(attendance["registration"].pk)], "overall": ["4"], "usefulness": ["5"],
        "would_recommend": ["ja"], "comment": ["Gut"],
        # The forum
        "title": ["Eine neue Frage"], "category": ["allgemeines"],
        "tags": ["richtlinie"], "antwort": [str(forum["answer"].pk)], "level": ["muted"], "kategorie": ["allgemeines"],
        "schlagwort": ["richtlinie"],
        # Forum notices and moderation
        "explanation": ["Der Beitrag beleidigt eine Person, das ist nach § 185 StGB strafbar."],
        "good_faith": ["on"], "facts": ["Der Beitrag wirbt für ein Produkt und antwortet nicht."],
        "outcome": ["keep", "remove", "confirmed", "reversed"], "terms_rule": ["respect"],
        "grounds": ["Ich halte die Entscheidung für falsch, bitte prüfen."], "reasons": ["Geprüft und begründet."],
        "beitrag": ["1"], "moderation": ["1"], "ergebnis": ["remove"],
    }
    session = {"appointments_holds": {held.code: held_token}, "appointments_sent": [booking.code]}
    json_values = {
        "location": location.slug, "service": service.slug, "persons": 1, "starts_at": starts[14].isoformat(),
        "altcha": "", "hold_token": held_token, "token": manage_token, "name": "Berta Bürger",
        "email": citizen.email, "phone": "", "code": booking.code, "reference": permit_case.reference,
    }
    return World(users={"anonymous": None, "citizen": citizen, "staff": staff}, path_values=path_values,
                 linked_path_values=linked, query_values=query_values, session=session, json_values=json_values)
