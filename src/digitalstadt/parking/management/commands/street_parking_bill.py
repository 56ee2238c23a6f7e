"""Street parking's monthly bill (deploy/: on the 1st of a month): each driver's ended
sessions of last month (or --month YYYY-MM) become one payment."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Bill last month's street parking (one payment per driver)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM to bill (default: last month)")

    def handle(self, *args, month=None, **options):
        from django.contrib.auth import get_user_model

        from digitalstadt.parking.models import ParkingSession, SessionStatus
        from digitalstadt.parking.street_services import street_sessions_finish_expired, street_statement_close

        if month:
            try:
                year, number = (int(part) for part in month.split("-"))
            except ValueError:
                raise CommandError("--month must be YYYY-MM") from None
            if not (1 <= number <= 12 and 2000 <= year <= 2100):
                raise CommandError("--month must be YYYY-MM")
        else:
            last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
            year, number = last.year, last.month
        street_sessions_finish_expired()
        # Every ended, unbilled session that started before the month's end (no lower
        # bound: one still running when an earlier month was billed comes on this bill).
        end = timezone.make_aware(dt.datetime(year + (number == 12), number % 12 + 1, 1))
        users = (ParkingSession.objects.filter(status=SessionStatus.STOPPED, started_at__lt=end, payment_reference="",
                                               amount_cents__gt=0, user__isnull=False)
                 .values_list("user", flat=True).distinct())
        billed = 0
        for user in get_user_model().objects.filter(pk__in=list(users)):
            if street_statement_close(user=user, year=year, month=number) is not None:
                billed += 1
        self.stdout.write(f"{billed} bills for {year}-{number:02d}")
