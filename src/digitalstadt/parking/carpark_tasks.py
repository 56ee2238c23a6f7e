from django.tasks import task


@task()
def poll_feeds() -> dict:
    """Poll every enabled occupancy feed (also `manage.py parking_poll_feeds`, run every few minutes)."""
    from .carpark_services import feeds_poll

    return feeds_poll()
