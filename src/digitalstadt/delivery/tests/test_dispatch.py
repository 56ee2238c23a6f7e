"""The dispatcher's services and page: moving stops keeps a job's pickup before its
delivery and both on one bike, only the courier's own managers dispatch, locking locks
a prefix, lateness is computed from the planned times. Clock: the suite's (Tuesday
1 December 2026, 09:30 Berlin)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from digitalstadt.core.models import AuditEntry
from digitalstadt.delivery.dispatch_selectors import dispatch_board, stop_lateness, tour_overrun
from digitalstadt.delivery.dispatch_services import estimate_leg, stop_move, stop_set_locked, tour_reschedule
from digitalstadt.delivery.models import Stop, StopKind, Tour, TourStatus

from .dispatch_factories import make_courier_day, stops_of
from .factories import make_courier

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(clock):
    return make_courier_day()


def _kinds(tour):
    return [(s.job_id, s.kind) for s in stops_of(tour)]


def _stop(job, kind):
    return Stop.unscoped_objects.get(job=job, kind=kind)


def _assert_paired(tours):
    """Every job's two stops are on one tour, the pickup first."""
    for tour in tours:
        stops = stops_of(tour)
        assert [s.sequence for s in stops] == list(range(1, len(stops) + 1))
        for s in stops:
            if s.kind == StopKind.DELIVERY:
                pickup = _stop(s.job_id, StopKind.PICKUP)
                assert pickup.tour_id == tour.pk and pickup.sequence < s.sequence


def test_the_leg_estimate_is_the_straight_line_with_detour_at_bike_speed():
    # 0.01 degrees of latitude are 1112 m; x 1.3 = 1446 m; at 15 km/h 347 s.
    leg = estimate_leg((49.87, 8.65), (49.88, 8.65))
    assert abs(leg.metres - 1446) <= 2 and abs(leg.seconds - 347) <= 1


def test_moving_a_delivery_to_another_tour_takes_its_pickup_along_before_it(day):
    t1, t2 = day.tours
    job = day.jobs[0]  # on tour 1: P0 D0 P2 D2
    delivery = _stop(job, StopKind.DELIVERY)
    stop_move(actor=day.manager, stop=delivery, tour=t2, position=1)
    assert _kinds(t2)[:2] == [(job.pk, StopKind.PICKUP), (job.pk, StopKind.DELIVERY)]
    assert (job.pk, StopKind.PICKUP) not in _kinds(t1) and len(stops_of(t1)) == 2
    _assert_paired([t1, t2])
    # Planned times were recomputed along the new order, and the tours' lengths too.
    stops = stops_of(t2)
    assert all(a.planned_departure <= b.planned_arrival for a, b in zip(stops, stops[1:]))
    assert Tour.unscoped_objects.get(pk=t1.pk).distance_m < t1.distance_m
    entry = AuditEntry.objects.get(action="delivery.stop_moved")
    assert entry.actor == day.manager and entry.data["with_partner"] and entry.data["to_tour"] == t2.pk


def test_moving_a_pickup_puts_its_delivery_right_after_it(day):
    t1, t2 = day.tours
    job = day.jobs[1]  # on tour 2 at 1, 2
    stop_move(actor=day.manager, stop=_stop(job, StopKind.PICKUP), tour=t1, position=3)
    assert _kinds(t1)[2:4] == [(job.pk, StopKind.PICKUP), (job.pk, StopKind.DELIVERY)]
    _assert_paired([t1, t2])


def test_within_a_tour_a_delivery_cannot_go_before_its_pickup_and_nothing_changes(day):
    t1, _t2 = day.tours
    before = _kinds(t1)
    with pytest.raises(ValidationError, match="Abholung beim Geschäft muss vor der Zustellung"):
        stop_move(actor=day.manager, stop=_stop(day.jobs[2], StopKind.DELIVERY), tour=t1, position=2)
    assert _kinds(t1) == before
    # A legal reordering within the tour: the second job's pickup first.
    stop_move(actor=day.manager, stop=_stop(day.jobs[2], StopKind.PICKUP), tour=t1, position=1)
    assert _kinds(t1)[0] == (day.jobs[2].pk, StopKind.PICKUP)
    _assert_paired(day.tours)


def test_an_unplanned_job_is_put_on_a_tour_with_both_stops(day):
    t1, t2 = day.tours
    board = dispatch_board(courier=day.courier, day=t1.day)
    spare = day.jobs[-1]
    assert {s.job_id for s in board.unplanned} == {spare.pk}
    stop_move(actor=day.manager, stop=_stop(spare, StopKind.DELIVERY), tour=t2, position=5)
    assert _kinds(t2)[-2:] == [(spare.pk, StopKind.PICKUP), (spare.pk, StopKind.DELIVERY)]
    assert dispatch_board(courier=day.courier, day=t1.day).unplanned == []


def test_a_manager_of_another_courier_is_refused_and_a_driver_too(day, clock):
    other, _zone, _hub = make_courier("Kurier Eberstadt", districts=("Eberstadt",))
    from digitalstadt.accounts.models import Membership, OrgRole

    outsider = Membership.objects.get(organisation=other, role=OrgRole.OWNER).user
    driver = Membership.objects.get(organisation=day.courier, role=OrgRole.DRIVER).user
    t1, t2 = day.tours
    stop = _stop(day.jobs[0], StopKind.PICKUP)
    for actor in (outsider, driver):
        with pytest.raises(ValidationError, match="Nur die Leitung dieses Kurierdienstes"):
            stop_move(actor=actor, stop=stop, tour=t2, position=1)
        with pytest.raises(ValidationError, match="Nur die Leitung dieses Kurierdienstes"):
            stop_set_locked(actor=actor, stop=stop, locked=True)
    assert _stop(day.jobs[0], StopKind.PICKUP).tour_id == t1.pk and not AuditEntry.objects.filter(
        action__startswith="delivery.stop_").exists()


def test_locking_a_stop_locks_every_earlier_stop_and_unlocking_every_later(day):
    t1, t2 = day.tours
    third = stops_of(t1)[2]
    changed = stop_set_locked(actor=day.manager, stop=third, locked=True)
    assert len(changed) == 3
    assert [s.locked for s in stops_of(t1)] == [True, True, True, False]
    assert not any(s.locked for s in stops_of(t2))
    # Locked stops keep their place: they cannot be moved, nothing goes before them.
    with pytest.raises(ValidationError, match="festgelegt"):
        stop_move(actor=day.manager, stop=stops_of(t1)[0], tour=t2, position=1)
    with pytest.raises(ValidationError, match="zwischen 4 und 5"):
        stop_move(actor=day.manager, stop=_stop(day.jobs[-1], StopKind.PICKUP), tour=t1, position=2)
    # Unlocking the second stop frees it and the third; the first stays locked.
    stop_set_locked(actor=day.manager, stop=stops_of(t1)[1], locked=False)
    assert [s.locked for s in stops_of(t1)] == [True, False, False, False]
    assert AuditEntry.objects.filter(action="delivery.stop_locked").count() == 2


def test_done_stops_and_parcels_on_board_stay(day, clock):
    t1, t2 = day.tours
    Tour.unscoped_objects.filter(pk=t1.pk).update(status=TourStatus.STARTED)
    pickup = _stop(day.jobs[0], StopKind.PICKUP)
    Stop.unscoped_objects.filter(pk=pickup.pk).update(done_at=pickup.planned_arrival)
    with pytest.raises(ValidationError, match="erledigter Stopp"):
        stop_move(actor=day.manager, stop=pickup, tour=t2, position=1)
    with pytest.raises(ValidationError, match="an Bord"):
        stop_move(actor=day.manager, stop=_stop(day.jobs[0], StopKind.DELIVERY), tour=t2, position=1)
    with pytest.raises(ValidationError, match="zwischen 2 und 4"):
        stop_move(actor=day.manager, stop=_stop(day.jobs[2], StopKind.PICKUP), tour=t1, position=1)


def test_lateness_late_at_risk_and_shift_overrun(day):
    t1, _t2 = day.tours
    delivery = Stop.unscoped_objects.select_related("job__window").get(job=day.jobs[0], kind=StopKind.DELIVERY)
    end = delivery.job.window.ends_at
    assert stop_lateness(delivery) is None  # planned 16:00 at the window's start, ends 18:00
    delivery.planned_arrival = end - timedelta(minutes=10)
    assert stop_lateness(delivery) == "at_risk"
    delivery.planned_arrival = end + timedelta(minutes=1)
    assert stop_lateness(delivery) == "late"
    # The bike of tour 1 starts late: its deliveries arrive after the window, and the
    # tour runs over the shift; tour 2 is on time.
    tour = Tour.unscoped_objects.select_related("shift__hub").get(pk=t1.pk)
    assert not tour_overrun(tour)
    tour.shift.starts_at = end - timedelta(minutes=20)
    tour.shift.ends_at = end
    tour.shift.save()
    tour_reschedule(tour)
    board = dispatch_board(courier=day.courier, day=t1.day)
    # The board orders tours by the start of their shift: tour 1 is now the second.
    second, first = board.tours
    assert first.tour.pk == t1.pk
    lateness = [s.lateness for s in first.stops if s.kind == StopKind.DELIVERY]
    assert lateness[-1] == "late" and first.late >= 1 and first.overrun
    assert set(lateness) <= {"late", "at_risk"}
    assert second.late == second.at_risk == 0 and not second.overrun


def test_the_page_lists_tours_moves_and_answers_bad_input_without_change(day, client):
    t1, t2 = day.tours
    url = reverse("delivery-dispatch:board", kwargs={"courier": day.courier.slug})
    assert client.get(url).status_code == 302  # to the login
    client.force_login(day.manager)
    page = client.get(url).content.decode()
    assert "Rad 1" in page and "Rad 2" in page and "Nicht eingeplant" in page and "dispatch-map-data" in page
    stop = _stop(day.jobs[0], StopKind.PICKUP)
    move = reverse("delivery-dispatch:stop-move", kwargs={"courier": day.courier.slug, "stop": stop.pk})
    for bad in ({"tour": "x", "position": "1"}, {"tour": str(t2.pk), "position": "-3"}, {"tour": "", "position": ""},
                {"tour": str(t2.pk), "position": "1", "tag": "2026-13-45"}):
        response = client.post(move, bad)
        assert response.status_code in (302, 400), (bad, response.status_code)
    assert _stop(day.jobs[0], StopKind.PICKUP).tour_id == t1.pk
    response = client.post(move, {"tour": str(t2.pk), "position": "1", "tag": t1.day.isoformat()}, follow=True)
    assert "Der Stopp ist jetzt Nummer 1 der Tour mit Rad 2." in response.content.decode()
    assert _stop(day.jobs[0], StopKind.PICKUP).tour_id == t2.pk
    replan = client.post(reverse("delivery-dispatch:replan", kwargs={"courier": day.courier.slug}), follow=True)
    assert replan.status_code == 200


def test_the_page_is_not_found_for_other_couriers_managers(day, client):
    other, _zone, _hub = make_courier("Kurier Eberstadt", districts=("Eberstadt",))
    from digitalstadt.accounts.models import Membership, OrgRole

    client.force_login(Membership.objects.get(organisation=other, role=OrgRole.OWNER).user)
    assert client.get(reverse("delivery-dispatch:board", kwargs={"courier": day.courier.slug})).status_code == 404
    stop = _stop(day.jobs[0], StopKind.PICKUP)
    response = client.post(reverse("delivery-dispatch:stop-lock", kwargs={"courier": day.courier.slug,
                                                                          "stop": stop.pk}), {"locked": "1"})
    assert response.status_code == 404 and not _stop(day.jobs[0], StopKind.PICKUP).locked


def test_the_work_area_is_offered_to_the_courier_managers_only(day):
    from digitalstadt.accounts.models import Membership, OrgRole
    from digitalstadt.accounts.selectors import organisation_work_areas
    from digitalstadt.delivery import hooks_dispatch

    hooks_dispatch.register()  # the lead calls it from hooks.register; twice changes nothing
    hooks_dispatch.register()
    [area] = [a for a in organisation_work_areas(user=day.manager, organisation=day.courier)
              if a["id"] == "delivery.dispatch"]
    assert str(area["label"]) == "Touren disponieren"
    assert area["url"] == reverse("delivery-dispatch:board", kwargs={"courier": day.courier.slug})
    assert [(str(c[0]), c[1]) for c in area["counts"]] == [("Touren heute", 2), ("Aufträge nicht eingeplant", 1)]
    driver = Membership.objects.get(organisation=day.courier, role=OrgRole.DRIVER).user
    assert not [a for a in organisation_work_areas(user=driver, organisation=day.courier)
                if a["id"] == "delivery.dispatch"]


def test_hostile_values_answer_without_a_500_and_change_nothing(day, client):
    from digitalstadt.core.tests.hostile_walk import HOSTILE_VALUES

    t1, t2 = day.tours
    client.force_login(day.manager)
    slug = day.courier.slug
    stop = _stop(day.jobs[0], StopKind.PICKUP)
    before = list(Stop.unscoped_objects.order_by("pk").values_list("tour_id", "sequence", "locked"))
    good = {"tour": str(t2.pk), "position": "1", "tag": t1.day.isoformat()}
    move = reverse("delivery-dispatch:stop-move", kwargs={"courier": slug, "stop": stop.pk})
    board = reverse("delivery-dispatch:board", kwargs={"courier": slug})
    for name in ("tour", "position", "tag"):
        for value in HOSTILE_VALUES:
            data = {**good, name: value}
            if name == "tag":
                data["tour"] = ""  # a valid day would make the move go through
            assert client.post(move, data).status_code in (302, 400), (name, value)
    for value in HOSTILE_VALUES:
        assert client.get(board, {"tag": value}).status_code in (200, 400), value
        assert client.post(reverse("delivery-dispatch:stop-lock", kwargs={"courier": slug, "stop": stop.pk}),
                           {"locked": "1", "tag": value}).status_code in (302, 400)
        assert client.post(reverse("delivery-dispatch:replan", kwargs={"courier": slug}),
                           {"tag": value}).status_code in (302, 400)
    assert client.post(reverse("delivery-dispatch:stop-move", kwargs={"courier": slug, "stop": 2**62}),
                       good).status_code == 404
    assert client.get(reverse("delivery-dispatch:board", kwargs={"courier": "x" * 300})).status_code == 404
    # Only the lock requests with an empty (= today's) day went through; no stop moved.
    after = list(Stop.unscoped_objects.order_by("pk").values_list("tour_id", "sequence"))
    assert after == [(tour, sequence) for tour, sequence, _locked in before]
    assert not AuditEntry.objects.filter(action="delivery.stop_moved").exists()


def test_the_board_shows_the_last_plan_run_and_its_queries_do_not_grow_with_the_stops(day, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digitalstadt.delivery.models import PlanRun

    t1, t2 = day.tours
    PlanRun.unscoped_objects.create(organisation=day.courier, day=t1.day, status="failed",
                                    summary={"Fehler": "keine Lastenräder"})
    PlanRun.unscoped_objects.create(organisation=day.courier, day=t1.day, status="done", summary={
        "jobs": 4, "bikes_used": 2, "distance_m": 12_400, "unassigned": ["17"]})
    client.force_login(day.manager)
    url = reverse("delivery-dispatch:board", kwargs={"courier": day.courier.slug})
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "fertig" in page and "4 Aufträge auf 2 Rädern, 12 km" in page and "fehlgeschlagen" not in page
    assert "1 Auftrag passt nicht in die Touren" in page
    stop_move(actor=day.manager, stop=_stop(day.jobs[-1], StopKind.PICKUP), tour=t1, position=1)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]
