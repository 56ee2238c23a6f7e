from django.tasks import task


@task()
def send_outbound_email(email_id: int) -> str:
    """Send one outbox row; safe to run twice (the row is claimed first)."""
    from .services import outbox_deliver

    return outbox_deliver(email_id=email_id)
