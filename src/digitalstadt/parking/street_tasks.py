from django.tasks import task


@task()
def remind_street_session(session_id: int, due: str) -> bool:
    """Queued with run_after = shortly before the paid time ends (see street_services)."""
    import datetime as dt

    from .street_services import street_session_remind

    return street_session_remind(session_id=session_id, due=dt.datetime.fromisoformat(due))
