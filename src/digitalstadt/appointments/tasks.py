from django.tasks import task


@task()
def send_booking_reminder(booking_id: int) -> str:
    """The day-before reminder; safe to run twice (reminder_sent_at is claimed)."""
    from .notifications import send_reminder_if_due

    return send_reminder_if_due(booking_id=booking_id)
