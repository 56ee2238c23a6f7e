from django.tasks import task


@task()
def send_booking_reminder(booking_id: int) -> str:
    """The day-before reminder; safe to run twice (reminder_sent_at is claimed)."""
    from .notifications import send_reminder_if_due

    return send_reminder_if_due(booking_id=booking_id)


@task()
def offer_freed_places(location_id: int) -> int:
    """Offer held-back places to the waiting list; re-run when an offer expires."""
    from .waitlist import waitlist_offer_places

    return waitlist_offer_places(location_id=location_id)
