"""Periodic jobs of street parking (run from cron / systemd timers, see deploy/):

    manage.py street_parking_jobs finish   # every few minutes: sessions whose paid time ran out end
    manage.py street_parking_jobs bill     # on the 1st of a month: last month's bill per driver
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Street parking jobs: 'finish' ends run-out sessions, 'bill' bills last month."

    def add_arguments(self, parser):
        parser.add_argument("job", choices=["finish", "bill"])
        parser.add_argument("--month", help="YYYY-MM to bill (default: last month)")

    def handle(self, *args, job, month=None, **options):
        from django.contrib.auth import get_user_model

        from digitalstadt.parking.models import ParkingSession
        from digitalstadt.parking.street_services import street_sessions_finish_expired, street_statement_close

        if job == "finish":
            self.stdout.write(f"{street_sessions_finish_expired()} sessions ended")
            return
        if month:
            try:
                year, number = (int(part) for part in month.split("-"))
            except ValueError:
                raise CommandError("--month must be YYYY-MM") from None
        else:
            last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
            year, number = last.year, last.month
        street_sessions_finish_expired()
        users = (ParkingSession.objects.filter(started_at__year=year, started_at__month=number, payment_reference="",
                                               amount_cents__gt=0, user__isnull=False)
                 .values_list("user", flat=True).distinct())
        billed = 0
        for user in get_user_model().objects.filter(pk__in=list(users)):
            if street_statement_close(user=user, year=year, month=number) is not None:
                billed += 1
        self.stdout.write(f"{billed} bills for {year}-{number:02d}")
